/*
 * bcryptprimitives.dll for Wine 8, test use only: the Go runtime (1.24 and
 * later) takes its random bytes from ProcessPrng in bcryptprimitives.dll,
 * which Windows 10 and later have and Wine 8 lacks, so a Go program does not
 * start under it. This DLL gives ProcessPrng over RtlGenRandom
 * (SystemFunction036 in advapi32), which Wine has. It is copied into the
 * test Wine prefix's system32 by scripts/windows-check.sh and never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
