/*
 * args.c - the global options (opt) and the option parser shared by the
 * subcommands, with their usage errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

struct options opt;

/* Print "popstat CMD: message" and a pointer to --help; EXIT_USAGE. */
int
args_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "popstat %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'popstat %s --help')\n", cmd);
	return EXIT_USAGE;
}

/*
 * Parse "--name VALUE" options (names[0..n)), value-less flags
 * (flags[0..nflags), recorded in o->set[n + k]) and, with want_pos, one
 * positional argument.  argv[0] is the command word.  Returns 0, or a usage
 * exit status after printing the error.
 */
int
args_parse(const char *cmd, int argc, char **argv, const char *const *names,
    int n, const char *const *flags, int nflags, struct opts *o, int want_pos)
{
	int i, k;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		for (k = 0; k < nflags; k++)
			if (strcmp(argv[i], flags[k]) == 0) {
				o->set[n + k] = 1;
				break;
			}
		if (k < nflags)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(argv[i], names[k]) == 0 && i + 1 < argc) {
				o->v[k] = argv[++i];
				o->set[k] = 1;
				break;
			}
		if (k < n)
			continue;
		if (want_pos && o->pos == NULL && argv[i][0] != '-') {
			o->pos = argv[i];
			continue;
		}
		return args_usage_error(cmd, "unexpected '%s'", argv[i]);
	}
	return 0;
}

/* Nonzero when argv asks for help (--help or -h anywhere). */
int
args_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}
