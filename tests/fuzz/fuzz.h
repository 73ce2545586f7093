/*
 * fuzz.h - shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput().  Built with clang
 * -fsanitize=fuzzer it is a libFuzzer binary (`make fuzz`); built with any
 * compiler together with standalone.c it is a regression runner that
 * replays the files of tests/fuzz/regress/<target>/ (`make test`).
 *
 * A broken invariant is reported with FUZZ_CHECK, which prints the
 * condition and aborts, so libFuzzer records the input as a crash.
 */
#ifndef POPSTAT_FUZZ_H
#define POPSTAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * A malloc'ed NUL-terminated copy of data[0..size), cut at the first NUL
 * byte (C strings cannot hold one); *len gets the string length.  The
 * allocation is exactly strlen + 1 bytes, so ASan sees any over-read.
 */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size, size_t *len)
{
	const uint8_t *nul = size > 0 ? memchr(data, 0, size) : NULL;
	size_t n = nul != NULL ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);

	FUZZ_CHECK(s != NULL);
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	if (len != NULL)
		*len = n;
	return s;
}

#endif
