/*
 * fsyncprobe.c - the disk's floor for a durable commit: the latency of
 * writing BYTES (4 KiB) and fdatasync()ing them, as every group commit does
 * for its WAL frames under synchronous=FULL (make bench prints it beside
 * the acknowledgement latency, for one page and for the ~30 pages a group
 * commit of 16 one-record requests writes).
 *
 * usage: fsyncprobe DIR [COUNT [BYTES]]   prints one JSON line
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

int
main(int argc, char **argv)
{
	char path[4096], *block;
	int fd, i, n = argc > 2 ? atoi(argv[2]) : 1000;
	long size = argc > 3 ? atol(argv[3]) : 4096;
	double *d, sum = 0;

	if (argc < 2 || n < 10 || size < 1 || size > (64L << 20)) {
		fprintf(stderr, "usage: fsyncprobe DIR [COUNT >= 10 [BYTES"
		    " 1..64M]]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/fsyncprobe.tmp", argv[1]);
	if ((fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600)) < 0) {
		perror(path);
		return 1;
	}
	d = malloc((size_t)n * sizeof *d);
	block = malloc((size_t)size);
	if (d == NULL || block == NULL) {
		perror("malloc");
		return 1;
	}
	memset(block, 'w', (size_t)size);
	/* The 256 places exist before the clock runs: a WAL is rewritten in
	 * place, not grown (growing costs block allocation as well). */
	for (i = 0; i < 256; i++)
		if (pwrite(fd, block, (size_t)size, (off_t)i * (off_t)size) !=
		    (ssize_t)size) {
			perror("write");
			return 1;
		}
	if (fdatasync(fd) != 0) {
		perror("fdatasync");
		return 1;
	}
	for (i = 0; i < n; i++) {
		double t = bench_now_ms();

		/* Over and over the same 256 places, as a WAL is rewritten. */
		if (pwrite(fd, block, (size_t)size, (off_t)(i % 256) *
		    (off_t)size) != (ssize_t)size || fdatasync(fd) != 0) {
			perror("write/fdatasync");
			return 1;
		}
		d[i] = bench_now_ms() - t;
		sum += d[i];
	}
	close(fd);
	unlink(path);
	qsort(d, (size_t)n, sizeof *d, bench_cmp_double);
	printf("{\"n\":%d,\"bytes\":%ld,\"p50_ms\":%.4f,\"p90_ms\":%.4f,"
	    "\"p99_ms\":%.4f,\"mean_ms\":%.4f}\n", n, size, d[n / 2],
	    d[n * 9 / 10], d[n * 99 / 100], sum / n);
	free(d);
	free(block);
	return 0;
}
