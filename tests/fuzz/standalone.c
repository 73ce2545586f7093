/*
 * standalone.c - replays files through a fuzz target without libFuzzer, so
 * the targets double as regression tests built by any compiler (gcc with
 * ASan and UBSan in `make test`).
 *
 *   fuzz_regress_NAME [-v] PATH...
 *
 * Each PATH is a file or a directory whose regular files are replayed (in
 * name order; hidden files are skipped).  Each file runs in a child
 * process, so a crash or sanitizer report is counted against that file and
 * the rest still run.  The last line is "fuzz_regress_NAME: N passed,
 * M failed"; the exit status is 0 only when nothing failed and at least
 * one file was replayed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static int verbose;
static int passed, failed;

/* Read a whole file; NULL on error.  Never returns NULL for an empty one. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void
run_file(const char *path)
{
	uint8_t *data, *exact;
	size_t len = 0;
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "FAIL %s: fork: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	if (pid == 0) {
		if ((data = slurp(path, &len)) == NULL) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			_exit(2);
		}
		/* Exactly len bytes, as libFuzzer passes them. */
		exact = malloc(len > 0 ? len : 1);
		if (exact == NULL)
			_exit(2);
		if (len > 0)
			memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
		exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		if (verbose)
			fprintf(stderr, "ok   %s\n", path);
		return;
	}
	failed++;
	if (status != -1 && WIFSIGNALED(status))
		fprintf(stderr, "FAIL %s: killed by signal %d\n", path,
		    WTERMSIG(status));
	else
		fprintf(stderr, "FAIL %s: exit status %d\n", path,
		    status == -1 ? -1 : WEXITSTATUS(status));
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL, **nn, *full;
	size_t n = 0, cap = 0, i, plen;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "FAIL %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "FAIL %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof *names)) == NULL)
				break;
			names = nn;
		}
		plen = strlen(path) + strlen(de->d_name) + 2;
		if ((full = malloc(plen)) == NULL)
			break;
		snprintf(full, plen, "%s/%s", path, de->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	int i;

	name = name != NULL ? name + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else
			run_path(argv[i]);
	}
	if (passed + failed == 0) {
		fprintf(stderr, "%s: no input files\n", name);
		failed++;
	}
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	return failed == 0 ? 0 : 1;
}
