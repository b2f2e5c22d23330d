//go:build cgo && linux && !noocr

package ocr

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static void (*setMaxActiveLevels)(int);
static pthread_once_t resolveOnce = PTHREAD_ONCE_INIT;

static void resolve(void) {
	// Only a libgomp the process already has: Tesseract's.
	void *h = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	if (h != NULL) {
		setMaxActiveLevels = (void (*)(int))dlsym(h, "omp_set_max_active_levels");
	}
}

// serialOpenMP makes the OpenMP parallel regions the calling thread starts
// run on that thread alone. It returns 0 when the process has no libgomp.
static int serialOpenMP(void) {
	pthread_once(&resolveOnce, resolve);
	if (setMaxActiveLevels == NULL) {
		return 0;
	}
	setMaxActiveLevels(0);
	return 1;
}

// maxActiveLevels is the calling thread's max-active-levels, -1 without
// libgomp.
static int maxActiveLevels(void) {
	pthread_once(&resolveOnce, resolve);
	void *h = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	if (h == NULL) {
		return -1;
	}
	int (*get)(void) = (int (*)(void))dlsym(h, "omp_get_max_active_levels");
	int n = get != NULL ? get() : -1;
	dlclose(h);
	return n;
}
*/
import "C"

// singleThreaded keeps the Tesseract reads of the calling OS thread on
// that thread; the caller locks its goroutine to the thread for the read.
//
// Tesseract runs parts of its LSTM with OpenMP, four threads a read.
// OMP_THREAD_LIMIT cannot stop that from inside the process: libgomp reads
// its environment when it is loaded, before main. Beside other scan
// workers, or on a busy machine, those threads spin waiting for each other
// and cost more CPU time than the read itself. libgomp's max-active-levels
// is the runtime's say over that, but it is kept per thread: 0 on the
// reading thread makes each parallel region it starts run on it alone.
func singleThreaded() bool { return C.serialOpenMP() == 1 }

// openMPLevels is the calling thread's max-active-levels, -1 when the
// process has no libgomp.
func openMPLevels() int { return int(C.maxActiveLevels()) }
