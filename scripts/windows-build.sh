#!/usr/bin/env bash
# Cross-builds the Windows package on Debian/Ubuntu with mingw-w64 (cgo:
# Fyne's OpenGL driver and SQLite are C):
#
#   build/windows/fapiao.exe        the window (GUI subsystem: no console flashes up)
#   build/windows/fapiao-cli.exe    the command line (console subsystem)
#   build/fapiao-windows-amd64.zip  both, a short README and every licence
#
# Two programs from the one main package rather than one that attaches to its
# parent's console: cmd.exe and PowerShell do not wait for a GUI program, so
# its output would land after the next prompt and its exit code, part of the
# command line's contract, would be lost; a console program started by a
# double-click opens a black console window beside the app.
#
# Both carry the icon, a manifest (DPI awareness, modern controls) and the
# version from FyneApp.toml, in a resource object made by go-winres.
#
#   scripts/windows-build.sh            run by `make windows`
#
# Environment: GO (the go command), TAGS (build tags), GOCACHE as usual.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo}
GOWINRES_VERSION=v0.3.3
CC=x86_64-w64-mingw32-gcc
out=build/windows
pkg=fapiao-windows-amd64
zip=build/$pkg.zip

fail() {
	echo "windows: FAIL: $*" >&2
	exit 1
}

command -v "$CC" >/dev/null || fail "$CC is missing; run 'make windows' (it installs gcc-mingw-w64-x86-64)"
command -v zip >/dev/null || fail "zip is missing; run 'make windows'"

version=$(sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml)
build=$(sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
name=$(sed -n 's/^ *Name *= *"\([^"]*\)".*/\1/p' FyneApp.toml)
[[ -n "$version" && -n "$name" ]] || fail "no Name or Version in FyneApp.toml"
# Windows wants four numbers: 0.1.0 build 1 is 0.1.0.1.
winver="$version.${build:-0}"

gowinres=build/tools/go-winres-$GOWINRES_VERSION/go-winres
if [[ ! -x "$gowinres" ]]; then
	GOBIN=$(pwd)/$(dirname "$gowinres") GOOS='' GOARCH='' CGO_ENABLED='' "$GO" install "github.com/tc-hib/go-winres@$GOWINRES_VERSION"
fi

mkdir -p "$out"
# The resource object must sit in the main package's folder while it is
# built; its _windows_amd64 suffix keeps it out of every other build, and it
# is removed afterwards whatever happens.
syso=app/rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT

# resources MANIFEST EXE DESCRIPTION: the resource object for one program.
resources() {
	"$gowinres" simply --arch amd64 --out "$out/rsrc-$1" --manifest "$1" \
		--icon assets/icon.png \
		--product-name "$name" --file-description "$3" \
		--product-version "$winver" --file-version "$winver" \
		--copyright "Fapiao Scanner authors" --original-filename "$2"
	cp "$out/rsrc-$1_windows_amd64.syso" "$syso"
}

export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC
ldflags="-s -w -X github.com/fapiaoscanner/fapiao/core/version.Version=$version"

start=$SECONDS
resources gui fapiao.exe "$name"
"$GO" build -tags "$TAGS" -ldflags "$ldflags -H windowsgui" -o "$out/fapiao.exe" ./app
echo "windows: $out/fapiao.exe built in $((SECONDS - start))s"

start=$SECONDS
resources cli fapiao-cli.exe "$name (command line)"
"$GO" build -tags "$TAGS" -ldflags "$ldflags" -o "$out/fapiao-cli.exe" ./app
echo "windows: $out/fapiao-cli.exe built in $((SECONDS - start))s"
rm -f "$syso"

# Every DLL the programs load must come with Windows: a mingw runtime DLL
# (libwinpthread, libgcc_s) here would make the zip fail on a clerk's machine.
system_dlls='^(kernel32|user32|gdi32|advapi32|shell32|ole32|oleaut32|winmm|ws2_32|opengl32|imm32|dwmapi|ntdll|msvcrt|comdlg32|shlwapi|crypt32|bcrypt|bcryptprimitives|dnsapi|iphlpapi|netapi32|userenv|secur32|powrprof|setupapi|version|winhttp|uxtheme|comctl32|mswsock|avrt|ksuser|mmdevapi|api-ms-win-[a-z0-9-]+)\.dll$'
for exe in "$out/fapiao.exe" "$out/fapiao-cli.exe"; do
	while read -r dll; do
		[[ "${dll,,}" =~ $system_dlls ]] || fail "$exe needs $dll, which Windows does not have"
	done < <(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p')
done

# The package: a folder, so that unzipping gives one.
stage=$out/$pkg
rm -rf "$stage" "$zip"
mkdir -p "$stage"
cp "$out/fapiao.exe" "$out/fapiao-cli.exe" "$stage/"
# CR LF and a byte order mark: Notepad before Windows 10 1903 reads text
# without one in the local code page, which turns the Chinese into mojibake.
{
	printf '\xef\xbb\xbf'
	sed -e "s/@VERSION@/$version/" -e 's/\r*$/\r/' scripts/windows/README.txt
} >"$stage/README.txt"
scripts/windows/licenses.sh "$stage/licenses"
(cd "$out" && zip -q -r -X "../$pkg.zip" "$pkg")
echo "windows: $zip ($(du -h "$zip" | cut -f1)): $(zip -sf "$zip" | grep -c "^  .*[^/]$") files"
