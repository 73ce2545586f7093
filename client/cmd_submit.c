/*
 * cmd_submit.c - popstat submit FILE.csv: stream a CSV file to the server
 * in batches, in bounded memory, and report each rejected row.
 *
 * Output: one line "line L: column: reason" per rejected row, in file
 * order, then "accepted N, duplicate N, rejected N".  Exit 0 when every row
 * was stored (or was a duplicate), 1 when any row was rejected.
 *
 * On a terminal (stderr a tty, no --quiet) a file longer than one batch
 * shows a progress line on stderr while it is sent: rows sent, rows per
 * second and, when the file's size is known, the time left.  The line is
 * redrawn in place with \r and erased before anything else is printed and
 * at the end, so the output above is the same with or without it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "csv.h"
#include "outbox.h"
#include "record.h"
#include "row.h"
#include "sbuf.h"

#define BATCH_ROWS 1000

static const char submit_usage[] =
    "usage: popstat submit FILE.csv [--kind birth|death|migration|population|"
    "verification]\n"
    "  Send the records of one CSV file (- for standard input).  The header"
    " row names\n"
    "  the columns, in any order; without --kind the kind is recognised from"
    " them:\n"
    "    birth         record_id,unit,date,sex,birth_order,policy,mother_id\n"
    "    death         record_id,unit,date,sex,age\n"
    "    migration     record_id,unit,date,direction,persons\n"
    "    population    record_id,unit,date,persons\n"
    "    verification  record_id,unit,date,mother_id\n"
    "  Re-sending a file is safe: rows already stored count as duplicates.\n";

/* A rejection found by the client (CSV syntax, field count, header). */
struct local_rej {
	unsigned line;
	char *text;
};

struct batch {
	Popstat__Row **rows;
	size_t n;
	struct local_rej *rej;
	size_t nrej, caprej;
};

struct totals {
	unsigned long accepted, duplicate, rejected, queued;
};

/* The input, read through a counter so progress can be measured. */
struct counted_input {
	FILE *f;
	unsigned long long bytes;
};

static long
counted_read(void *ctx, char *buf, size_t cap)
{
	struct counted_input *in = ctx;
	size_t n = fread(buf, 1, cap, in->f);

	if (n == 0 && ferror(in->f))
		return -1;
	in->bytes += n;
	return (long)n;
}

/* The progress line: at most one per process, drawn on stderr. */
static struct progress {
	int enabled;             /* stderr is a terminal and not --quiet */
	int shown;               /* the line is on the screen now */
	unsigned long long size; /* file size in bytes; 0: unknown (a pipe) */
	const struct counted_input *in;
	double start, last;      /* monotonic seconds */
	unsigned long rows;      /* rows sent (or queued) so far */
} pg;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_start(FILE *f, const struct counted_input *in)
{
	struct stat st;

	memset(&pg, 0, sizeof pg);
	pg.enabled = !opt.quiet && isatty(STDERR_FILENO);
	if (!pg.enabled)
		return;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		pg.size = (unsigned long long)st.st_size;
	pg.in = in;
	pg.start = now_seconds();
}

/* Erase the line (before other output, and at the end). */
static void
progress_hide(void)
{
	if (!pg.shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	pg.shown = 0;
}

static void
fmt_duration(char *buf, size_t n, double s)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%lu:%02lu", t / 60, t % 60);
}

/*
 * Redraw after a full batch was sent (so a file of one batch never shows
 * it): "[#####.....]  45%  12000 rows  8000 rows/s  0:03 left", fitted to
 * the terminal's width, at most ten times a second.
 */
static void
progress_update(unsigned long rows)
{
	char line[256], bar[64], tail[128], left[32];
	double t, elapsed, frac = 0, rate;
	struct winsize ws;
	int cols = 80, width, fill, k;

	pg.rows = rows;
	if (!pg.enabled)
		return;
	t = now_seconds();
	if (pg.shown && t - pg.last < 0.1)
		return;
	pg.last = t;
	elapsed = t - pg.start;
	rate = elapsed > 0 ? (double)rows / elapsed : 0;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		cols = ws.ws_col;
	if (pg.size > 0) {
		frac = (double)pg.in->bytes / (double)pg.size;
		if (frac > 1)
			frac = 1;
		if (frac > 0)
			fmt_duration(left, sizeof left, elapsed * (1 - frac) / frac);
		else
			snprintf(left, sizeof left, "?");
		snprintf(tail, sizeof tail, "%3.0f%%  %lu rows  %.0f rows/s  %s"
		    " left", frac * 100, rows, rate, left);
	} else
		snprintf(tail, sizeof tail, "%lu rows  %.0f rows/s", rows, rate);
	width = cols - 1 - (int)strlen(tail) - 4;
	if (width > (int)sizeof bar - 1)
		width = (int)sizeof bar - 1;
	if (pg.size > 0 && width >= 10) {
		fill = (int)(frac * width);
		for (k = 0; k < width; k++)
			bar[k] = k < fill ? '#' : '.';
		bar[width] = '\0';
		snprintf(line, sizeof line, "[%s]  %s", bar, tail);
	} else
		snprintf(line, sizeof line, "%s", tail);
	line[cols - 1 < (int)sizeof line ? cols - 1 : (int)sizeof line - 1] = '\0';
	fflush(stdout);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	pg.shown = 1;
}

/*
 * Where batches go: the server while it answers; once it cannot be
 * reached (submit only), the outbox, so no row of the file is lost.
 */
struct sender {
	struct client c;
	int online;
	int amend;
	const char *reason;
	const char *file;
	struct outbox *ob;
};

static void
local_reject(struct batch *b, unsigned line, const char *fmt, const char *a,
    const char *c)
{
	char text[512];

	if (b->nrej == b->caprej) {
		b->caprej = b->caprej ? b->caprej * 2 : 16;
		b->rej = xrealloc(b->rej, b->caprej * sizeof *b->rej);
	}
	xsnprintf(text, sizeof text, fmt, a, c);
	b->rej[b->nrej].line = line;
	b->rej[b->nrej].text = xstrdup(text);
	b->nrej++;
}

static void
batch_clear(struct batch *b)
{
	size_t i;
	int c;

	for (i = 0; i < b->n; i++) {
		Popstat__Row *r = b->rows[i];
		char **f[] = { &r->record_id, &r->unit, &r->date, &r->sex,
			&r->birth_order, &r->policy, &r->mother_id, &r->age,
			&r->direction, &r->persons };

		for (c = 0; c < COL_COUNT; c++)
			free(*f[c]);
		free(r);
	}
	for (i = 0; i < b->nrej; i++)
		free(b->rej[i].text);
	b->n = 0;
	b->nrej = 0;
}

/* Keep the batch's rows in the outbox; 0 or an exit status. */
static int
queue_batch(struct sender *sd, int kind, struct batch *b, struct totals *t)
{
	size_t i;

	if (sd->ob == NULL && (sd->ob = outbox_open()) == NULL)
		return EXIT_NOCONN;
	if (outbox_begin(sd->ob) < 0)
		return EXIT_NOCONN;
	for (i = 0; i < b->n; i++)
		if (outbox_put(sd->ob, opt.server, kind, sd->file, b->rows[i]) < 0) {
			fprintf(stderr, "popstat: cannot write the outbox %s\n",
			    outbox_path());
			return EXIT_NOCONN;
		}
	if (outbox_commit(sd->ob) < 0)
		return EXIT_NOCONN;
	t->queued += b->n;
	return 0;
}

/*
 * Send one batch and print its rejections merged in line order with the
 * client's own.  Returns 0, or an exit status when the server could not
 * take the batch at all.
 */
static int
send_batch(struct sender *sd, int kind, struct batch *b, struct totals *t)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Submit s = POPSTAT__SUBMIT__INIT;
	Popstat__Amend a = POPSTAT__AMEND__INIT;
	Popstat__Envelope *reply = NULL;
	Popstat__SubmitOk *ok = NULL;
	size_t i = 0, j = 0, nsrv = 0;
	int rc;

	if (b->n > 0 && sd->online) {
		if (sd->amend) {
			a.kind = (Popstat__RecordKind)kind;
			a.rows = b->rows;
			a.n_rows = b->n;
			a.reason = (char *)sd->reason;
			rq.body_case = POPSTAT__REQUEST__BODY_AMEND;
			rq.amend = &a;
		} else {
			s.kind = (Popstat__RecordKind)kind;
			s.rows = b->rows;
			s.n_rows = b->n;
			rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
			rq.submit = &s;
		}
		if ((reply = client_call(&sd->c, &rq)) == NULL) {
			if (sd->amend)
				return EXIT_NOCONN;
			/* The batch may or may not have landed: resending is safe. */
			sd->online = 0;
			client_close(&sd->c);
		} else if ((rc = client_error(reply->response, sd->amend ?
		    "amend" : "submit")) != 0) {
			popstat__envelope__free_unpacked(reply, NULL);
			return rc;
		} else {
			ok = reply->response->submit;
			nsrv = ok->n_rejected;
			t->accepted += ok->accepted;
			t->duplicate += ok->duplicate;
		}
	}
	if (b->n > 0 && !sd->online && (rc = queue_batch(sd, kind, b, t)) != 0)
		return rc;
	if (b->nrej > 0 || nsrv > 0)
		progress_hide();
	while (i < b->nrej || j < nsrv) {
		if (j >= nsrv || (i < b->nrej && b->rej[i].line <= ok->rejected[j]->line)) {
			printf("line %u: %s\n", b->rej[i].line, b->rej[i].text);
			i++;
		} else {
			printf("line %u: %s: %s\n", ok->rejected[j]->line,
			    ok->rejected[j]->column, ok->rejected[j]->reason);
			j++;
		}
		t->rejected++;
	}
	if (reply)
		popstat__envelope__free_unpacked(reply, NULL);
	batch_clear(b);
	return 0;
}

/* Map header names to columns; check them against the kind. */
static int
read_header(csv_reader *r, int *kind, int *map, size_t *ncols, char *err,
    size_t errlen)
{
	unsigned seen = 0;
	size_t i;
	int req, c, k;

	if (csv_next(r, err, errlen) <= 0) {
		if (err[0] == '\0')
			xsnprintf(err, errlen, "line 1: header: the file is empty");
		return -1;
	}
	*ncols = csv_nfields(r);
	for (i = 0; i < *ncols; i++) {
		char name[64];
		const char *f = csv_field(r, i);
		size_t n = strlen(f);

		while (n && (f[n - 1] == ' ' || f[n - 1] == '\t'))
			n--;
		while (n && (*f == ' ' || *f == '\t'))
			f++, n--;
		xsnprintf(name, sizeof name, "%.*s", (int)n, f);
		c = col_parse(name);
		if (c < 0) {
			xsnprintf(err, errlen, "line %ld: %s: unknown column"
			    " (expected record_id, unit, date, sex, birth_order,"
			    " policy, mother_id, age, direction, persons)",
			    csv_line(r), name[0] ? name : "(empty)");
			return -1;
		}
		if (seen & (1u << c)) {
			xsnprintf(err, errlen, "line %ld: %s: column named twice",
			    csv_line(r), name);
			return -1;
		}
		seen |= 1u << c;
		map[i] = c;
	}
	if (*kind == KIND_NONE) {
		*kind = kind_guess(seen);
		if (*kind == KIND_NONE) {
			xsnprintf(err, errlen, "line %ld: header: cannot tell the"
			    " record kind from these columns; use --kind",
			    csv_line(r));
			return -1;
		}
	}
	for (c = 0; c < COL_COUNT; c++) {
		if ((seen & (1u << c)) && !kind_has_col(*kind, c, NULL)) {
			xsnprintf(err, errlen, "line %ld: %s: not a column of %s"
			    " records", csv_line(r), col_name(c), kind_name(*kind));
			return -1;
		}
		if (kind_has_col(*kind, c, &req) && req && !(seen & (1u << c))) {
			xsnprintf(err, errlen, "line %ld: %s: required column"
			    " missing for %s records", csv_line(r), col_name(c),
			    kind_name(*kind));
			return -1;
		}
	}
	(void)k;
	return 0;
}

static const char amend_usage[] =
    "usage: popstat amend FILE.csv --reason TEXT [--kind KIND]\n"
    "  Replace the content of stored records: each row names an existing\n"
    "  record_id (in its unit) and gives its new content, in the same CSV\n"
    "  format as submit.  Counters follow; the old and new content and the\n"
    "  reason are kept in the audit log.  Rows identical to what is stored\n"
    "  are reported as unchanged.  Locked (approved) periods are refused.\n";

static int
run_file(int argc, char **argv, int amend)
{
	const char *path = NULL, *cmd = amend ? "amend" : "submit";
	int kind = KIND_NONE, map[CSV_MAX_FIELDS], i, rc = 0;
	size_t ncols = 0, k;
	char err[512];
	struct sender sd;
	struct batch b;
	struct totals t = { 0, 0, 0, 0 };
	struct counted_input in;
	csv_reader *r;
	FILE *f;

	memset(&sd, 0, sizeof sd);
	sd.amend = amend;
	if (wants_help(argc, argv)) {
		fputs(amend ? amend_usage : submit_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (amend && strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			sd.reason = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
			if ((kind = kind_parse(argv[++i])) == KIND_NONE)
				return usage_error(cmd, "--kind %s: must be"
				    " birth, death, migration, population or"
				    " verification", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1] == '-')
			return usage_error(cmd, "unknown option %s", argv[i]);
		else if (path == NULL)
			path = argv[i];
		else
			return usage_error(cmd, "one file at a time ('%s')",
			    argv[i]);
	}
	if (path == NULL)
		return usage_error(cmd, "needs FILE.csv");
	if (amend && (sd.reason == NULL || strlen(sd.reason) < 2))
		return usage_error(cmd, "--reason TEXT is required");
	sd.file = path;
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "popstat %s: %s: %s\n", cmd, path, strerror(errno));
		return EXIT_USAGE;
	}
	in.f = f;
	in.bytes = 0;
	r = csv_new(counted_read, &in);
	err[0] = '\0';
	if (read_header(r, &kind, map, &ncols, err, sizeof err) < 0) {
		unsigned long rows = 0;

		/* Nothing of the file is sent; every data row counts rejected. */
		printf("%s\n", err);
		while (csv_next(r, err, sizeof err) != 0)
			rows++;
		printf("accepted 0, duplicate 0, rejected %lu\n", rows);
		csv_free(r);
		if (f != stdin)
			fclose(f);
		return EXIT_REJECTED;
	}
	rc = client_open(&sd.c);
	if (rc != 0 && (amend || !client_net_error)) {
		csv_free(r);
		if (f != stdin)
			fclose(f);
		return rc;
	}
	sd.online = rc == 0;
	rc = 0;
	progress_start(f, &in);
	memset(&b, 0, sizeof b);
	b.rows = xcalloc(BATCH_ROWS, sizeof *b.rows);
	for (;;) {
		int got = csv_next(r, err, sizeof err);
		unsigned line = (unsigned)csv_line(r);

		if (got == 0)
			break;
		if (got < 0) {
			/* "line N: reason" from the reader. */
			const char *why = strchr(err, ':');

			local_reject(&b, line, "csv:%s%s", why ? why + 1 : err, "");
			if (csv_nfields(r) == 0 && strstr(err, "unterminated"))
				break;
		} else if (csv_nfields(r) != ncols) {
			char n1[16], n2[16];

			snprintf(n1, sizeof n1, "%zu", csv_nfields(r));
			snprintf(n2, sizeof n2, "%zu", ncols);
			local_reject(&b, line, "row: has %s fields, the header"
			    " has %s", n1, n2);
		} else {
			Popstat__Row *row = xmalloc(sizeof *row);

			popstat__row__init(row);
			row->line = line;
			for (k = 0; k < ncols; k++)
				*row_slot(row, map[k]) = xstrdup(csv_field(r, k));
			b.rows[b.n++] = row;
		}
		if (b.n == BATCH_ROWS) {
			unsigned long sent = (unsigned long)b.n;

			if ((rc = send_batch(&sd, kind, &b, &t)) != 0)
				break;
			progress_update(pg.rows + sent);
		}
	}
	if (rc == 0)
		rc = send_batch(&sd, kind, &b, &t);
	progress_hide();
	batch_clear(&b);
	free(b.rows);
	free(b.rej);
	client_close(&sd.c);
	outbox_close(sd.ob);
	csv_free(r);
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		fprintf(stderr, "popstat %s: stopped; rows before this point"
		    " were stored (%lu %s, %lu %s); run it again: stored rows"
		    " count as %s\n", cmd, t.accepted, amend ? "changed" :
		    "accepted", t.duplicate, amend ? "unchanged" : "duplicate",
		    amend ? "unchanged" : "duplicates");
		return rc;
	}
	if (amend)
		printf("changed %lu, unchanged %lu, rejected %lu\n", t.accepted,
		    t.duplicate, t.rejected);
	else
		printf("accepted %lu, duplicate %lu, rejected %lu\n", t.accepted,
		    t.duplicate, t.rejected);
	if (t.queued > 0) {
		fprintf(stderr, "popstat: cannot reach %s: %lu rows kept in the"
		    " outbox (%s); run 'popstat sync' when the network is back\n",
		    opt.server, t.queued, outbox_path());
		return EXIT_NOCONN;
	}
	return t.rejected ? EXIT_REJECTED : EXIT_OK;
}

int
cmd_submit(int argc, char **argv)
{
	return run_file(argc, argv, 0);
}

int
cmd_amend(int argc, char **argv)
{
	return run_file(argc, argv, 1);
}

static const char sync_usage[] =
    "usage: popstat sync [--retries N]\n"
    "  Send the rows kept in the outbox while the server could not be\n"
    "  reached.  Tries N more times (default 5) with growing pauses (1, 2, 4\n"
    "  ... seconds, at most 60).  Rows leave the outbox once the server has\n"
    "  answered for them: stored, duplicate or rejected.\n";

int
cmd_sync(int argc, char **argv)
{
	struct outbox *ob;
	struct client c;
	unsigned long acc = 0, dup = 0, rej = 0;
	long retries = 5, attempt, pending;
	unsigned delay = 1;
	int i, rc = 0;

	if (wants_help(argc, argv)) {
		fputs(sync_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--retries") == 0 && i + 1 < argc) {
			retries = strtol(argv[++i], &end, 10);
			if (*end || retries < 0 || retries > 100)
				return usage_error("sync", "--retries must be 0-100");
		} else
			return usage_error("sync", "unexpected '%s'", argv[i]);
	}
	if ((ob = outbox_open()) == NULL)
		return EXIT_USAGE;
	pending = outbox_pending(ob, opt.server);
	if (pending == 0) {
		printf("outbox empty: nothing to send to %s\n", opt.server);
		outbox_close(ob);
		return 0;
	}
	for (attempt = 0;; attempt++) {
		rc = client_open_noflush(&c);
		if (rc == 0 || !client_net_error || attempt >= retries)
			break;
		fprintf(stderr, "popstat sync: retrying in %u s\n", delay);
		sleep(delay);
		delay = delay * 2 > 60 ? 60 : delay * 2;
	}
	if (rc == 0) {
		rc = outbox_flush(ob, &c, stdout, &acc, &dup, &rej);
		client_close(&c);
		printf("accepted %lu, duplicate %lu, rejected %lu\n", acc, dup,
		    rej);
	}
	pending = outbox_pending(ob, opt.server);
	outbox_close(ob);
	if (pending > 0)
		fprintf(stderr, "popstat sync: %ld rows still in the outbox\n",
		    pending);
	if (rc != 0)
		return rc;
	return rej ? EXIT_REJECTED : EXIT_OK;
}

int
cmd_outbox(int argc, char **argv)
{
	struct outbox *ob;
	long n;

	if (wants_help(argc, argv)) {
		printf("usage: popstat outbox\n  List the rows waiting in the"
		    " outbox (%s).\n", outbox_path());
		return 0;
	}
	if (argc > 1)
		return usage_error("outbox", "takes no arguments");
	if ((ob = outbox_open()) == NULL)
		return EXIT_USAGE;
	n = outbox_list(ob);
	outbox_close(ob);
	printf("%ld rows pending in %s\n", n < 0 ? 0 : n, outbox_path());
	return 0;
}
