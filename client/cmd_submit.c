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
#include "date.h"
#include "header.h"
#include "idcard.h"
#include "lang.h"
#include "outbox.h"
#include "reason_zh.h"
#include "record.h"
#include "regfile.h"
#include "row.h"
#include "sbuf.h"
#include "sheet.h"

#define BATCH_ROWS 1000

static const char submit_usage[] =
    "usage: popstat submit FILE [--kind birth|death|migration|population|"
    "verification] [options]\n"
    "  Send the records of one register: .csv or .txt (tabs or commas; UTF-8,\n"
    "  GB18030/GBK or UTF-16), .xlsx or .xls (- for standard input).  The\n"
    "  header row names the columns, in any order, in English or Chinese\n"
    "  (编号, 单位, 出生日期, ...); without --kind the kind is recognised\n"
    "  from them:\n"
    "    birth         record_id,unit,date,sex,birth_order,policy,mother_id\n"
    "    death         record_id,unit,date,sex,age\n"
    "    migration     record_id,unit,date,direction,persons\n"
    "    population    record_id,unit,date,persons\n"
    "    verification  record_id,unit,date,mother_id\n"
    "  Re-sending a file is safe: rows already stored count as duplicates.\n"
    "  'popstat check FILE' finds the problems without sending anything.\n";

/* A rejection found by the client (file syntax, field count, a rule). */
struct local_rej {
	unsigned line;
	char *column;
	char *reason;
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

/* The register being sent, whose share read the progress line shows. */
static const sheet *pg_sheet;

/* The progress line: at most one per process, drawn on stderr. */
static struct progress {
	int enabled;             /* stderr is a terminal and not --quiet */
	int shown;               /* the line is on the screen now */
	unsigned long long size; /* always 0: progress counts rows */
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
progress_start(void)
{
	memset(&pg, 0, sizeof pg);
	pg.enabled = !opt.quiet && isatty(STDERR_FILENO);
	if (!pg.enabled)
		return;
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
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
		    t % 60);
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
	frac = pg_sheet != NULL ? sheet_progress(pg_sheet) : -1;
	if (frac >= 0) {
		if (frac > 1)
			frac = 1;
		if (frac > 0)
			fmt_duration(left, sizeof left,
			    elapsed * (1 - frac) / frac);
		else
			snprintf(left, sizeof left, "?");
		snprintf(tail, sizeof tail,
		    "%3.0f%%  %lu rows  %.0f rows/s  %s"
		    " left",
		    frac * 100, rows, rate, left);
	} else
		snprintf(tail, sizeof tail, "%lu rows  %.0f rows/s", rows,
		    rate);
	width = cols - 1 - (int)strlen(tail) - 4;
	if (width > (int)sizeof bar - 1)
		width = (int)sizeof bar - 1;
	if (frac >= 0 && width >= 10) {
		fill = (int)(frac * width);
		for (k = 0; k < width; k++)
			bar[k] = k < fill ? '#' : '.';
		bar[width] = '\0';
		snprintf(line, sizeof line, "[%s]  %s", bar, tail);
	} else
		snprintf(line, sizeof line, "%s", tail);
	line[cols - 1 < (int)sizeof line ? cols - 1 : (int)sizeof line - 1] =
	    '\0';
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

/*
 * The rejection lines of one run, in file order: "line L: column: reason".
 * After SUMMARY_AFTER lines of one reason (its general form, without the
 * value it quotes) the rest are counted and summarised at the end: "...
 * and 19,980 more rows: date: expected YYYY-MM-DD".
 */
#define SUMMARY_AFTER 20
#define SUMMARY_KEYS 64

static struct reporter {
	struct {
		char *key;
		unsigned long shown, more;
	} k[SUMMARY_KEYS];
	size_t nk;
	unsigned long rows; /* rejected rows (a row may have several lines) */
	long lastline;
} rep;

static void
rep_reset(void)
{
	size_t i;

	for (i = 0; i < rep.nk; i++)
		free(rep.k[i].key);
	memset(&rep, 0, sizeof rep);
	rep.lastline = -1;
}

static void
rep_line(long line, const char *column, const char *reason)
{
	char key[512], g[400];
	size_t i;

	if (line != rep.lastline)
		rep.rows++;
	rep.lastline = line;
	xsnprintf(key, sizeof key, "%s: %s", column,
	    record_reason_key(reason, g, sizeof g));
	for (i = 0; i < rep.nk; i++)
		if (strcmp(rep.k[i].key, key) == 0)
			break;
	if (i == rep.nk && rep.nk < SUMMARY_KEYS) {
		rep.k[i].key = xstrdup(key);
		rep.nk++;
	}
	if (i < rep.nk && rep.k[i].shown >= SUMMARY_AFTER) {
		rep.k[i].more++;
		return;
	}
	if (i < rep.nk)
		rep.k[i].shown++;
	if (opt.lang == LANG_ZH) {
		char zh[1024];

		printf("第 %ld 行：%s：%s\n", line, reason_zh_column(column),
		    reason_zh(reason, zh, sizeof zh));
	} else
		printf("line %ld: %s: %s\n", line, column, reason);
}

/*
 * A message of the reader or the header ("line 1: 姓名: unknown column
 * ..."), in the reader's language.
 */
static void
print_file_error(const char *err)
{
	char zh[1024];
	long line;
	int n = 0;

	if (opt.lang != LANG_ZH) {
		printf("%s\n", err);
		return;
	}
	if (sscanf(err, "line %ld: %n", &line, &n) == 1 && n > 0)
		printf("第 %ld 行：%s\n", line,
		    reason_zh(err + n, zh, sizeof zh));
	else
		printf("%s\n", reason_zh(err, zh, sizeof zh));
}

/* 19980 as "19,980". */
static void
thousands(unsigned long v, char *buf, size_t cap)
{
	char d[32];
	size_t n, i, o = 0;

	snprintf(d, sizeof d, "%lu", v);
	n = strlen(d);
	for (i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

static void
rep_finish(void)
{
	char n[32];
	size_t i;

	for (i = 0; i < rep.nk; i++)
		if (rep.k[i].more > 0) {
			thousands(rep.k[i].more, n, sizeof n);
			if (opt.lang == LANG_ZH) {
				char col[64], zh[1024];
				const char *r = strstr(rep.k[i].key, ": ");

				if (r == NULL)
					r = rep.k[i].key - 2;
				xsnprintf(col, sizeof col, "%.*s",
				    (int)(r - rep.k[i].key), rep.k[i].key);
				printf("……另有 %s 行同样：%s：%s\n", n,
				    reason_zh_column(col),
				    reason_zh(r + 2, zh, sizeof zh));
			} else
				printf("... and %s more row%s: %s\n", n,
				    rep.k[i].more == 1 ? "" : "s",
				    rep.k[i].key);
		}
}

static void
local_reject(struct batch *b, unsigned line, const char *column,
    const char *reason)
{
	if (b->nrej == b->caprej) {
		b->caprej = b->caprej ? b->caprej * 2 : 16;
		b->rej = xrealloc(b->rej, b->caprej * sizeof *b->rej);
	}
	b->rej[b->nrej].line = line;
	b->rej[b->nrej].column = xstrdup(column);
	b->rej[b->nrej].reason = xstrdup(reason);
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
	for (i = 0; i < b->nrej; i++) {
		free(b->rej[i].column);
		free(b->rej[i].reason);
	}
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
		if (outbox_put(sd->ob, opt.server, kind, sd->file, b->rows[i]) <
		    0) {
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
			/* The batch may or may not have landed: resending is
			 * safe. */
			sd->online = 0;
			client_close(&sd->c);
		} else if ((rc = client_error(reply->response,
				sd->amend ? "amend" : "submit")) != 0) {
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
		if (j >= nsrv ||
		    (i < b->nrej && b->rej[i].line <= ok->rejected[j]->line)) {
			rep_line(b->rej[i].line, b->rej[i].column,
			    b->rej[i].reason);
			i++;
		} else {
			rep_line(ok->rejected[j]->line, ok->rejected[j]->column,
			    ok->rejected[j]->reason);
			j++;
		}
	}
	t->rejected = rep.rows;
	if (reply)
		popstat__envelope__free_unpacked(reply, NULL);
	batch_clear(b);
	return 0;
}

/* A register being read: the sheet and the rows as records. */
struct reg {
	sheet *s;
	struct regfile rf;
	char *buf; /* standard input, read whole */
};

/* Options of submit, amend and check that say how to read the file. */
struct read_opts {
	struct sheet_opts so;
	struct header_opts ho;
	int kind;
};

static const char read_usage[] =
    "  --sheet NAME|N       the worksheet of a workbook (default the first)\n"
    "  --encoding ENC       a text file's encoding: utf-8, gb18030 or utf-16\n"
    "                       (default: detected)\n"
    "  --map 'HEADER=column' read the column headed HEADER as column\n"
    "  --ignore HEADER      drop the column headed HEADER (e.g. 姓名)\n"
    "  --ignore-unknown     drop every column that is not a record column\n"
    "  --lang zh|en         the refusals in Chinese ('第 L 行：列：原因') or\n"
    "                       English (default: the config's lang, the locale);\n"
    "                       the last line keeps its English form\n";

/*
 * Parse one of the reading options at argv[*i]; returns 1 if it was one,
 * 0 if not, or an exit status (after the usage message) when it is bad.
 */
static int
read_opt(const char *cmd, int argc, char **argv, int *i, struct read_opts *ro)
{
	char err[256];
	const char *a = argv[*i];

	if (strcmp(a, "--kind") == 0 && *i + 1 < argc) {
		if ((ro->kind = kind_parse(argv[++*i])) == KIND_NONE)
			return -args_usage_error(cmd,
			    "--kind %s: must be birth,"
			    " death, migration, population or verification",
			    argv[*i]);
	} else if (strcmp(a, "--sheet") == 0 && *i + 1 < argc)
		ro->so.sheet = argv[++*i];
	else if (strcmp(a, "--encoding") == 0 && *i + 1 < argc)
		ro->so.encoding = argv[++*i];
	else if (strcmp(a, "--map") == 0 && *i + 1 < argc) {
		if (header_add_map(&ro->ho, argv[++*i], err, sizeof err) < 0)
			return -args_usage_error(cmd, "%s", err);
	} else if (strcmp(a, "--ignore") == 0 && *i + 1 < argc) {
		if (ro->ho.nignore == HEADER_MAX_RULES)
			return -args_usage_error(cmd, "--ignore: at most %d",
			    HEADER_MAX_RULES);
		ro->ho.ignore[ro->ho.nignore++] = argv[++*i];
	} else if (strcmp(a, "--ignore-unknown") == 0)
		ro->ho.ignore_unknown = 1;
	else
		return 0;
	return 1;
}

/*
 * Open the file and read its header.  Returns 0; or prints why and
 * returns EXIT_USAGE (the file cannot be read at all) or EXIT_REJECTED
 * (its header is wrong; *rows is then the number of data rows).
 */
static int
reg_open(const char *cmd, const char *path, struct read_opts *ro, struct reg *g,
    unsigned long *rows)
{
	char err[1024];
	size_t len = 0, cap = 0;
	struct stat st;

	memset(g, 0, sizeof *g);
	*rows = 0;
	/* Standard input, a pipe: read whole (the readers read twice). */
	if (strcmp(path, "-") == 0 || stat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
		size_t n;

		if (in == NULL) {
			fprintf(stderr, "popstat %s: %s: %s\n", cmd, path,
			    strerror(errno));
			return EXIT_USAGE;
		}
		do {
			if (len + 65536 > cap) {
				cap = cap ? cap * 2 : 1 << 20;
				g->buf = xrealloc(g->buf, cap);
			}
			n = fread(g->buf + len, 1, cap - len, in);
			len += n;
		} while (n > 0);
		if (in != stdin)
			fclose(in);
		g->s = sheet_open_mem(g->buf ? g->buf : "", len, path, &ro->so,
		    err, sizeof err);
	} else
		g->s = sheet_open(path, &ro->so, err, sizeof err);
	if (g->s == NULL) {
		free(g->buf);
		g->buf = NULL;
		if (strstr(err, ": cannot open") != NULL) {
			fprintf(stderr, "popstat %s: %s\n", cmd, err);
			return EXIT_USAGE;
		}
		/* A file that cannot be read as a register: all refused. */
		print_file_error(err);
		return EXIT_REJECTED;
	}
	if (regfile_open(&g->rf, g->s, &ro->ho, ro->kind, err, sizeof err) == 0)
		return 0;
	/* Nothing of the file is used; every data row counts rejected. */
	print_file_error(err);
	*rows = regfile_count_rest(&g->rf);
	return EXIT_REJECTED;
}

static void
reg_close(struct reg *g)
{
	regfile_close(&g->rf);
	sheet_free(g->s);
	free(g->buf);
	memset(g, 0, sizeof *g);
}

static const char amend_usage[] =
    "usage: popstat amend FILE --reason TEXT [--kind KIND] [options]\n"
    "  Replace the content of stored records: each row names an existing\n"
    "  record_id (in its unit) and gives its new content, in the same\n"
    "  format as submit.  Counters follow; the old and new content and the\n"
    "  reason are kept in the audit log.  Rows identical to what is stored\n"
    "  are reported as unchanged.  Locked (approved) periods are refused.\n";

static void
print_skipped(const struct reg *g)
{
	if (g->rf.blank > 0)
		printf("skipped %lu empty row%s\n", g->rf.blank,
		    g->rf.blank == 1 ? "" : "s");
}

static int
run_file(int argc, char **argv, int amend)
{
	const char *path = NULL, *cmd = amend ? "amend" : "submit";
	const char *fields[COL_COUNT];
	struct record_issues iss;
	struct read_opts ro;
	struct sender sd;
	struct batch b;
	struct totals t = { 0, 0, 0, 0 };
	struct reg g;
	unsigned long rows;
	int i, rc = 0, k, got;
	long line;

	memset(&sd, 0, sizeof sd);
	memset(&ro, 0, sizeof ro);
	ro.so.encoding = opt.encoding; /* main takes --encoding as global */
	sd.amend = amend;
	if (args_help(argc, argv)) {
		fputs(amend ? amend_usage : submit_usage, stdout);
		fputs(read_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (amend && strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			sd.reason = argv[++i];
		else if ((rc = read_opt(cmd, argc, argv, &i, &ro)) < 0)
			return -rc;
		else if (rc == 1)
			continue;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error(cmd, "unknown option %s",
			    argv[i]);
		else if (path == NULL)
			path = argv[i];
		else
			return args_usage_error(cmd,
			    "one file at a time ('%s')", argv[i]);
	}
	rc = 0;
	if (path == NULL)
		return args_usage_error(cmd,
		    "needs FILE (.csv, .txt, .xlsx or .xls)");
	if (amend && (sd.reason == NULL || strlen(sd.reason) < 2))
		return args_usage_error(cmd, "--reason TEXT is required");
	sd.file = path;
	rep_reset();
	if ((rc = reg_open(cmd, path, &ro, &g, &rows)) != 0) {
		if (rc == EXIT_REJECTED) {
			if (opt.lang == LANG_ZH)
				printf("整个文件未报送：请按上面的说明改正后再"
				       "报送\n");
			printf("accepted 0, duplicate 0, rejected %lu\n", rows);
		}
		reg_close(&g);
		return rc;
	}
	/* Dates after today are the server's to judge (its today). */
	rc = client_open(&sd.c);
	if (rc != 0 && (amend || !client_net_error)) {
		reg_close(&g);
		return rc;
	}
	sd.online = rc == 0;
	rc = 0;
	progress_start();
	pg_sheet = g.s;
	memset(&b, 0, sizeof b);
	b.rows = xcalloc(BATCH_ROWS, sizeof *b.rows);
	for (;;) {
		got = regfile_next(&g.rf, fields, &line, &iss);
		if (got == 0)
			break;
		if (got < 0 || got == 2) {
			for (k = 0; k < iss.n; k++)
				local_reject(&b, (unsigned)line,
				    iss.v[k].column, iss.v[k].reason);
			if (got < 0)
				break;
		} else {
			Popstat__Row *row = xmalloc(sizeof *row);

			popstat__row__init(row);
			row->line = (unsigned)line;
			for (k = 0; k < COL_COUNT; k++)
				if (fields[k] != NULL)
					*row_slot(row, k) = xstrdup(fields[k]);
			b.rows[b.n++] = row;
		}
		if (b.n == BATCH_ROWS) {
			unsigned long sent = (unsigned long)b.n;

			if ((rc = send_batch(&sd, g.rf.kind, &b, &t)) != 0)
				break;
			progress_update(pg.rows + sent);
		}
	}
	if (rc == 0)
		rc = send_batch(&sd, g.rf.kind, &b, &t);
	progress_hide();
	batch_clear(&b);
	free(b.rows);
	free(b.rej);
	client_close(&sd.c);
	outbox_close(sd.ob);
	if (rc != 0) {
		reg_close(&g);
		fprintf(stderr,
		    "popstat %s: stopped; rows before this point"
		    " were stored (%lu %s, %lu %s); run it again: stored rows"
		    " count as %s\n",
		    cmd, t.accepted, amend ? "changed" : "accepted",
		    t.duplicate, amend ? "unchanged" : "duplicate",
		    amend ? "unchanged" : "duplicates");
		return rc;
	}
	rep_finish();
	print_skipped(&g);
	reg_close(&g);
	if (opt.lang == LANG_ZH && t.queued > 0)
		printf(amend ?
			"更正 %lu 条，未变 %lu 条，拒绝 %lu 条；另有 %lu"
			" 条未送达，在待发箱中\n" :
			"存入 %lu 条，重复（此前已存）%lu"
			" 条，拒绝 %lu 条；另有 %lu 条未送达，在待发箱中\n",
		    t.accepted, t.duplicate, t.rejected, t.queued);
	else if (opt.lang == LANG_ZH)
		printf(amend ?
			"更正 %lu 条，未变 %lu 条，拒绝 %lu 条%s\n" :
			"存入 %lu 条，重复（此前已存）%lu 条，拒绝 %lu 条%s\n",
		    t.accepted, t.duplicate, t.rejected,
		    !t.rejected ?
			"" :
			amend ?
			"：请按上面各行改正后再更正（已改的行记为未变）" :
			"：请按上面各行改正后再报送同一文件（已存的行记为重复"
			"）");
	if (amend)
		printf("changed %lu, unchanged %lu, rejected %lu\n", t.accepted,
		    t.duplicate, t.rejected);
	else
		printf("accepted %lu, duplicate %lu, rejected %lu\n",
		    t.accepted, t.duplicate, t.rejected);
	if (t.queued > 0) {
		fprintf(stderr,
		    opt.lang == LANG_ZH ?
			"popstat：连不上服务器 %s：%lu"
			" 条已存入待发箱（%s）；网络恢复后运行 popstat sync"
			" 发送\n" :
			"popstat: cannot reach %s: %lu rows kept in the"
			" outbox (%s); run 'popstat sync' when the network is "
			"back\n",
		    opt.server, t.queued, outbox_path());
		return EXIT_NOCONN;
	}
	return t.rejected ? EXIT_REJECTED : EXIT_OK;
}

static const char check_usage[] =
    "usage: popstat check FILE [--kind KIND] [options]\n"
    "  Check a register before sending it, without a server: the file can\n"
    "  be read, its headers name the columns of one kind, and every row\n"
    "  keeps the rules that need no server (dates, codes, values, ID\n"
    "  numbers).  Prints a line per problem, 'line L: column: reason', then\n"
    "  'ok N, rejected N'.  Exit 0 when every row is fine, else 1.\n";

int
cmd_check(int argc, char **argv)
{
	const char *path = NULL, *fields[COL_COUNT];
	struct record_issues iss;
	struct read_opts ro;
	struct reg g;
	unsigned long rows, okrows = 0;
	int i, rc, k, got;
	long line;

	memset(&ro, 0, sizeof ro);
	ro.so.encoding = opt.encoding; /* main takes --encoding as global */
	if (args_help(argc, argv)) {
		fputs(check_usage, stdout);
		fputs(read_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if ((rc = read_opt("check", argc, argv, &i, &ro)) < 0)
			return -rc;
		else if (rc == 1)
			continue;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error("check", "unknown option %s",
			    argv[i]);
		else if (path == NULL)
			path = argv[i];
		else
			return args_usage_error("check",
			    "one file at a time ('%s')", argv[i]);
	}
	if (path == NULL)
		return args_usage_error("check",
		    "needs FILE (.csv, .txt, .xlsx or"
		    " .xls)");
	rep_reset();
	if ((rc = reg_open("check", path, &ro, &g, &rows)) != 0) {
		if (rc == EXIT_REJECTED) {
			if (opt.lang == LANG_ZH)
				printf(
				    "整个文件不能报送：请按上面的说明改正后再"
				    "检查\n");
			printf("ok 0, rejected %lu\n", rows);
		}
		reg_close(&g);
		return rc;
	}
	g.rf.today = date_today();
	while ((got = regfile_next(&g.rf, fields, &line, &iss)) != 0) {
		if (got == 1) {
			okrows++;
			continue;
		}
		for (k = 0; k < iss.n; k++)
			rep_line(line, iss.v[k].column, iss.v[k].reason);
		if (got < 0)
			break;
	}
	rep_finish();
	print_skipped(&g);
	reg_close(&g);
	if (opt.lang == LANG_ZH)
		printf("可以报送 %lu 行，有问题 %lu 行%s\n", okrows, rep.rows,
		    rep.rows ? "：请按上面各行改正" : "");
	printf("ok %lu, rejected %lu\n", okrows, rep.rows);
	return rep.rows ? EXIT_REJECTED : EXIT_OK;
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
	long retries = 5, attempt, pending, others;
	unsigned delay = 1;
	int i, rc = 0;

	if (args_help(argc, argv)) {
		fputs(sync_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--retries") == 0 && i + 1 < argc) {
			retries = strtol(argv[++i], &end, 10);
			if (*end || retries < 0 || retries > 100)
				return args_usage_error("sync",
				    "--retries must be 0-100");
		} else
			return args_usage_error("sync", "unexpected '%s'",
			    argv[i]);
	}
	if ((ob = outbox_open()) == NULL)
		return EXIT_USAGE;
	pending = outbox_pending(ob, opt.server);
	if (pending == 0) {
		others = outbox_pending_others(ob, opt.server);
		printf("outbox empty: nothing to send to %s\n", opt.server);
		if (others > 0)
			fprintf(stderr,
			    "popstat sync: %ld rows queued by another"
			    " account stay in the outbox; they are sent when"
			    " that account runs popstat\n",
			    others);
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
	others = outbox_pending_others(ob, opt.server);
	outbox_close(ob);
	if (pending > 0)
		fprintf(stderr, "popstat sync: %ld rows still in the outbox\n",
		    pending);
	if (others > 0)
		fprintf(stderr,
		    "popstat sync: %ld rows queued by another account"
		    " stay in the outbox; they are sent when that account runs"
		    " popstat\n",
		    others);
	if (rc != 0)
		return rc;
	return rej ? EXIT_REJECTED : EXIT_OK;
}

int
cmd_outbox(int argc, char **argv)
{
	struct outbox *ob;
	long n;

	if (args_help(argc, argv)) {
		printf("usage: popstat outbox\n  List the rows waiting in the"
		       " outbox (%s).\n",
		    outbox_path());
		return 0;
	}
	if (argc > 1)
		return args_usage_error("outbox", "takes no arguments");
	if ((ob = outbox_open()) == NULL)
		return EXIT_USAGE;
	n = outbox_list(ob);
	outbox_close(ob);
	printf("%ld rows pending in %s\n", n < 0 ? 0 : n, outbox_path());
	return 0;
}
