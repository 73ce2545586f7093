/*
 * out.c - where a command's output goes: CSV (with --bom or --encoding
 * gb18030 for Excel, doc/indicators.md §14) to standard output or
 * --output FILE; the checks that the output options fit the command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "csvout.h"
#include "grid.h"

int
out_check(const char *cmd, int csv)
{
	char err[256];

	if (!csv && (opt.bom || opt.encoding))
		return args_usage_error(cmd,
		    "--bom and --encoding are for CSV output"
		    " (--csv, or export's default format)");
	if (!csv && !opt.xlsx && opt.output)
		return args_usage_error(cmd,
		    "--output FILE goes with --format xlsx"
		    " or CSV");
	if (csv &&
	    csv_encoding_check(opt.encoding, opt.bom, err, sizeof err) < 0)
		return args_usage_error(cmd, "%s", err);
	return 0;
}

int
out_csv(const char *cmd, const sbuf *b)
{
	char err[256];
	sbuf e;
	FILE *f = stdout;
	int rc = 0;

	sbuf_init(&e);
	if (csv_encode(b->s ? b->s : "", b->len, opt.encoding, opt.bom, &e, err,
		sizeof err) < 0) {
		fprintf(stderr, "popstat %s: %s\n", cmd, err);
		sbuf_free(&e);
		return EXIT_REJECTED;
	}
	if (opt.output && (f = fopen(opt.output, "wb")) == NULL) {
		fprintf(stderr, "popstat %s: %s: cannot write: %s\n", cmd,
		    opt.output, strerror(errno));
		sbuf_free(&e);
		return EXIT_USAGE;
	}
	if ((e.len && fwrite(e.s, 1, e.len, f) != e.len) ||
	    (f != stdout ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "popstat %s: %s: write error: %s\n", cmd,
		    opt.output ? opt.output : "standard output",
		    strerror(errno));
		rc = EXIT_USAGE;
	} else if (opt.output && !opt.quiet)
		fprintf(stderr, "popstat: wrote %s\n", opt.output);
	sbuf_free(&e);
	return rc;
}

int
out_grids(struct grid **g, int n)
{
	int i, rc = 0;

	if (opt.xlsx) {
		if (grid_xlsx(g, n, opt.output) < 0)
			rc = EXIT_USAGE;
		else if (!opt.quiet)
			fprintf(stderr, "popstat: wrote %s\n", opt.output);
	} else
		for (i = 0; i < n; i++) {
			if (i)
				fputc('\n', stdout);
			grid_print(g[i], stdout);
		}
	for (i = 0; i < n; i++)
		grid_free(g[i]);
	return rc;
}
