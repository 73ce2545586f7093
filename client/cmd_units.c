/*
 * cmd_units.c - popstat unit import FILE.csv and popstat unit export: the
 * unit tree in bulk, in the CSV format "code,name,parent,level".
 *
 * import reads the whole file (a unit tree is small: a province has some
 * tens of thousands of units), checks every row, orders the new units so
 * that each parent is added before its children (the file may list them in
 * any order), and adds them one UnitAdd at a time over one connection.
 * A unit already on the server with the same name, parent and level is
 * counted as existing and skipped, so importing a file twice is harmless.
 * Every rejected row is reported with its line, in file order, then
 * "added N, existing N, rejected N".  Exit 0, or 1 when any row was
 * rejected (the others are added), like submit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "csv.h"
#include "csvout.h"
#include "grid.h"
#include "record.h"
#include "sbuf.h"

enum { C_CODE, C_NAME, C_PARENT, C_LEVEL, C_NCOLS };
static const char *const col_names[C_NCOLS] = { "code", "name", "parent",
	"level" };

enum row_state {
	R_NEW,      /* to be added */
	R_EXISTING, /* on the server with the same content */
	R_REJECTED,
};

struct urow {
	unsigned line;
	char *code, *name, *parent, *level; /* parent, level: "" when none */
	enum row_state state;
	char *why;       /* R_REJECTED: the reason */
	long parent_row; /* index of the parent's row in the file, or -1 */
	int walk;        /* 0 unvisited, 1 on the current path, 2 resolved */
	unsigned depth;  /* distance from a unit that already exists */
};

struct rowset {
	struct urow *v;
	size_t n, cap;
};

/* Units the server holds, sorted by code for bsearch. */
struct known {
	Popstat__Unit **v;
	size_t n;
};

static int
cmp_unit(const void *a, const void *b)
{
	return strcmp((*(Popstat__Unit *const *)a)->code,
	    (*(Popstat__Unit *const *)b)->code);
}

static const Popstat__Unit *
known_find(const struct known *k, const char *code)
{
	Popstat__Unit key = POPSTAT__UNIT__INIT, *kp = &key, **hit;

	key.code = (char *)code;
	hit = bsearch(&kp, k->v, k->n, sizeof *k->v, cmp_unit);
	return hit ? *hit : NULL;
}

/* Row indexes sorted by code, to find a row by code. */
static const struct rowset *sort_rows;

static int
cmp_row_idx(const void *a, const void *b)
{
	const struct urow *x = &sort_rows->v[*(const size_t *)a];
	const struct urow *y = &sort_rows->v[*(const size_t *)b];
	int c = strcmp(x->code, y->code);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static long
row_find(const struct rowset *rs, const size_t *idx, const char *code)
{
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(rs->v[idx[mid]].code, code);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rs->n && strcmp(rs->v[idx[lo]].code, code) == 0)
		return (long)idx[lo];
	return -1;
}

static void reject(struct urow *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reject(struct urow *r, const char *fmt, ...)
{
	sbuf b;
	va_list ap;

	sbuf_init(&b);
	va_start(ap, fmt);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(r->why);
	r->why = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	r->state = R_REJECTED;
}

static char *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xsnprintf(xmalloc(n + 1), n + 1, "%.*s", (int)n, s);
}

/* Map the header's columns; -1 with a message in err. */
static int
read_header(csv_reader *r, int *map, size_t *ncols, char *err, size_t errlen)
{
	unsigned seen = 0;
	size_t i;
	int c;

	if (csv_next(r, err, errlen) <= 0) {
		if (err[0] == '\0')
			xsnprintf(err, errlen,
			    "line 1: header: the file is empty"
			    " (expected code,name,parent,level)");
		return -1;
	}
	*ncols = csv_nfields(r);
	for (i = 0; i < *ncols; i++) {
		char *name = trimmed(csv_field(r, i));

		for (c = 0; c < C_NCOLS; c++)
			if (strcmp(name, col_names[c]) == 0)
				break;
		if (c == C_NCOLS) {
			xsnprintf(err, errlen,
			    "line %ld: %s: unknown column"
			    " (expected code, name, parent, level)",
			    csv_line(r), name[0] ? name : "(empty)");
			free(name);
			return -1;
		}
		free(name);
		if (seen & (1u << c)) {
			xsnprintf(err, errlen,
			    "line %ld: %s: column named twice", csv_line(r),
			    col_names[c]);
			return -1;
		}
		seen |= 1u << c;
		map[i] = c;
	}
	for (c = C_CODE; c <= C_NAME; c++)
		if (!(seen & (1u << c))) {
			xsnprintf(err, errlen,
			    "line %ld: %s: required column"
			    " missing",
			    csv_line(r), col_names[c]);
			return -1;
		}
	return 0;
}

static void
add_row(struct rowset *rs, unsigned line)
{
	struct urow *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	r->parent_row = -1;
}

/*
 * Read every row.  Rows the reader cannot parse are kept as rejected rows
 * with empty fields, so they are reported in line order with the others.
 * Returns 0, or -1 with a message in err when the header is unusable.
 */
static int
read_rows(csv_reader *r, struct rowset *rs, char *err, size_t errlen)
{
	int map[CSV_MAX_FIELDS], got;
	size_t ncols, k;

	if (read_header(r, map, &ncols, err, errlen) < 0)
		return -1;
	while ((got = csv_next(r, err, errlen)) != 0) {
		struct urow *u;
		char *f[C_NCOLS] = { NULL, NULL, NULL, NULL };

		add_row(rs, (unsigned)csv_line(r));
		u = &rs->v[rs->n - 1];
		if (got < 0) {
			const char *why = strchr(err, ':');

			u->code = xstrdup("");
			reject(u, "csv:%s", why ? why + 1 : err);
			if (csv_nfields(r) == 0 && strstr(err, "unterminated"))
				break;
			continue;
		}
		if (csv_nfields(r) != ncols) {
			u->code = xstrdup("");
			reject(u, "row: has %zu fields, the header has %zu",
			    csv_nfields(r), ncols);
			continue;
		}
		/* Without the quote unit export puts before "=..." (csvout.h).
		 */
		for (k = 0; k < ncols; k++)
			f[map[k]] = trimmed(csv_unprotect(csv_field(r, k)));
		u->code = f[C_CODE];
		u->name = f[C_NAME];
		u->parent = f[C_PARENT] ? f[C_PARENT] : xstrdup("");
		u->level = f[C_LEVEL] ? f[C_LEVEL] : xstrdup("");
	}
	err[0] = '\0';
	return 0;
}

/* Checks of one row on its own and against the server's units. */
static void
check_rows(struct rowset *rs, const size_t *idx, const struct known *k)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		struct urow *u = &rs->v[i];
		const Popstat__Unit *s;

		if (u->state == R_REJECTED)
			continue;
		if (!unit_code_valid(u->code)) {
			reject(u,
			    "code: '%.40s' is not a unit code (1-20 of 0-9"
			    " A-Z a-z _ -)",
			    u->code);
			continue;
		}
		if (u->name[0] == '\0') {
			reject(u, "name: empty");
			continue;
		}
		if (u->parent[0] && !unit_code_valid(u->parent)) {
			reject(u, "parent: '%.40s' is not a unit code",
			    u->parent);
			continue;
		}
		if (strcmp(u->parent, u->code) == 0) {
			reject(u, "parent: %s cannot be its own parent",
			    u->code);
			continue;
		}
		if ((s = known_find(k, u->code)) != NULL) {
			const char *sp = s->parent ? s->parent : "";
			const char *sl = s->level ? s->level : "";

			if (strcmp(s->name, u->name) == 0 &&
			    strcmp(sp, u->parent) == 0 &&
			    strcmp(sl, u->level) == 0)
				u->state = R_EXISTING;
			else
				reject(u,
				    "code: %s is already on the server with"
				    " other content (name %s, parent %s, level "
				    "%s)",
				    u->code, s->name, sp[0] ? sp : "none",
				    sl[0] ? sl : "none");
		}
	}
	/* Duplicates: the first row of a code stands, later ones are refused.
	 */
	for (i = 1; i < rs->n; i++) {
		struct urow *a = &rs->v[idx[i - 1]], *b = &rs->v[idx[i]];
		size_t j = i;

		if (b->code[0] == '\0' || strcmp(a->code, b->code) != 0)
			continue;
		while (j > 0 && strcmp(rs->v[idx[j - 1]].code, b->code) == 0)
			j--;
		reject(b, "code: %s is already on line %u", b->code,
		    rs->v[idx[j]].line);
	}
}

/*
 * Find each new row's parent and its depth below a unit that already
 * exists (or the top).  A chain that ends at a missing parent, at a
 * rejected row or in a cycle rejects every row on it.  Each row has one
 * parent, so the walk from a row is a path: it is followed iteratively and
 * then resolved from its far end back, in linear time overall.
 */
static void
resolve_parents(struct rowset *rs, const size_t *idx, const struct known *k)
{
	size_t i, *path = xcalloc(rs->n + 1, sizeof *path), np;

	for (i = 0; i < rs->n; i++) {
		struct urow *u = &rs->v[i];
		long p;

		u->walk = u->state == R_NEW ? 0 : 2;
		if (u->state != R_NEW || u->parent[0] == '\0')
			continue;
		p = row_find(rs, idx, u->parent);
		/* The first row of that code (later ones are duplicates). */
		u->parent_row = p;
	}
	for (i = 0; i < rs->n; i++) {
		struct urow *u = &rs->v[i], *end;
		long at = (long)i;
		size_t m;

		if (u->walk != 0)
			continue;
		np = 0;
		while (at >= 0 && rs->v[at].walk == 0) {
			rs->v[at].walk = 1;
			path[np++] = (size_t)at;
			at = rs->v[at].parent_row;
		}
		end = &rs->v[path[np - 1]];
		if (at >= 0 && rs->v[at].walk == 1) {
			/* A cycle: at is on this path; describe it once. */
			sbuf cyc;
			size_t c0 = 0;

			while (path[c0] != (size_t)at)
				c0++;
			sbuf_init(&cyc);
			for (m = c0; m < np; m++)
				sbuf_printf(&cyc, "%s -> ",
				    rs->v[path[m]].code);
			sbuf_puts(&cyc, rs->v[at].code);
			for (m = c0; m < np; m++) {
				reject(&rs->v[path[m]], "parent: cycle %s",
				    sbuf_str(&cyc));
				rs->v[path[m]].walk = 2;
			}
			sbuf_free(&cyc);
			np = c0;
		} else if (at < 0 && end->parent[0] != '\0' &&
		    known_find(k, end->parent) == NULL) {
			reject(end,
			    "parent: %s is neither in the file nor on the"
			    " server",
			    end->parent);
			end->walk = 2;
			np--;
		} else if (at < 0) {
			/* Top, or a parent the server already has. */
			end->depth = 0;
			end->walk = 2;
			np--;
		}
		/* Back along the path: each row follows its parent's fate. */
		while (np > 0) {
			struct urow *c = &rs->v[path[--np]];
			struct urow *p = &rs->v[c->parent_row];

			if (p->state == R_REJECTED)
				reject(c, "parent: %s was rejected (line %u)",
				    p->code, p->line);
			else
				c->depth = p->state == R_NEW ? p->depth + 1 : 0;
			c->walk = 2;
		}
	}
	free(path);
}

static int
cmp_depth(const void *a, const void *b)
{
	const struct urow *x = &sort_rows->v[*(const size_t *)a];
	const struct urow *y = &sort_rows->v[*(const size_t *)b];

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_line(const void *a, const void *b)
{
	const struct urow *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Fetch the server's units (all of them), sorted by code. */
static int
fetch_units(struct client *c, Popstat__Envelope **out, struct known *k)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitList ul = POPSTAT__UNIT_LIST__INIT;
	Popstat__Envelope *reply;
	int rc;

	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_LIST;
	rq.unit_list = &ul;
	if ((reply = client_call(c, &rq)) == NULL)
		return EXIT_NOCONN;
	if ((rc = client_error(reply->response, "unit import")) != 0) {
		popstat__envelope__free_unpacked(reply, NULL);
		return rc;
	}
	k->n = reply->response->unit_list->n_units;
	k->v = xcalloc(k->n + 1, sizeof *k->v);
	if (k->n > 0) {
		memcpy(k->v, reply->response->unit_list->units,
		    k->n * sizeof *k->v);
		qsort(k->v, k->n, sizeof *k->v, cmp_unit);
	}
	*out = reply;
	return 0;
}

/*
 * Add the new rows, parents first.  A row the server refuses is rejected
 * with its message; so are its children.  Returns 0 or an exit status when
 * the connection fails (then the rows not yet sent are left as they are).
 */
static int
add_units(struct client *c, struct rowset *rs, unsigned long *added)
{
	size_t *order = xcalloc(rs->n + 1, sizeof *order), n = 0, i;
	int rc = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].state == R_NEW)
			order[n++] = i;
	sort_rows = rs;
	qsort(order, n, sizeof *order, cmp_depth);
	for (i = 0; i < n; i++) {
		struct urow *u = &rs->v[order[i]];
		Popstat__Request rq = POPSTAT__REQUEST__INIT;
		Popstat__UnitAdd ua = POPSTAT__UNIT_ADD__INIT;
		Popstat__Unit m = POPSTAT__UNIT__INIT;
		Popstat__Envelope *reply;

		if (u->parent_row >= 0 &&
		    rs->v[u->parent_row].state == R_REJECTED) {
			reject(u, "parent: %s was not added (line %u)",
			    rs->v[u->parent_row].code,
			    rs->v[u->parent_row].line);
			continue;
		}
		m.code = u->code;
		m.name = u->name;
		m.parent = u->parent[0] ? u->parent : NULL;
		m.level = u->level[0] ? u->level : NULL;
		ua.unit = &m;
		rq.body_case = POPSTAT__REQUEST__BODY_UNIT_ADD;
		rq.unit_add = &ua;
		if ((reply = client_call(c, &rq)) == NULL) {
			rc = EXIT_NOCONN;
			break;
		}
		if (reply->response->body_case ==
		    POPSTAT__RESPONSE__BODY_ERROR) {
			Popstat__Error *e = reply->response->error;

			if (e->code == POPSTAT__ERROR_CODE__ERR_FORBIDDEN ||
			    e->code ==
				POPSTAT__ERROR_CODE__ERR_UNAUTHENTICATED) {
				rc = client_error(reply->response,
				    "unit import");
				popstat__envelope__free_unpacked(reply, NULL);
				break;
			}
			reject(u, "%s", e->message);
		} else
			(*added)++;
		popstat__envelope__free_unpacked(reply, NULL);
	}
	free(order);
	return rc;
}

static void
free_rows(struct rowset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].code);
		free(rs->v[i].name);
		free(rs->v[i].parent);
		free(rs->v[i].level);
		free(rs->v[i].why);
	}
	free(rs->v);
}

static const char import_usage[] =
    "usage: popstat unit import FILE.csv\n"
    "  Add the units of a CSV file (- for standard input) with the header\n"
    "  code,name,parent,level (any order; parent and level may be left out\n"
    "  or empty).  Parents may come before or after their children.  Units\n"
    "  already on the server with the same content are skipped; rows with\n"
    "  a bad code, a duplicate code, an unknown parent or a cycle are\n"
    "  rejected by line.  Ends with \"added N, existing N, rejected N\".\n";

int
unit_import(int argc, char **argv)
{
	const char *path = NULL;
	struct rowset rs = { NULL, 0, 0 };
	struct known k = { NULL, 0 };
	Popstat__Envelope *list = NULL;
	unsigned long added = 0, existing = 0, rejected = 0;
	size_t *idx = NULL, i;
	struct client c;
	char err[512];
	csv_reader *r;
	FILE *f;
	int rc, hdr;

	if (args_help(argc, argv)) {
		fputs(import_usage, stdout);
		return 0;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error("unit import",
			    "unknown option %s", argv[i]);
		if (path != NULL)
			return args_usage_error("unit import",
			    "one file at a time"
			    " ('%s')",
			    argv[i]);
		path = argv[i];
	}
	if (path == NULL)
		return args_usage_error("unit import", "needs FILE.csv");
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "popstat unit import: %s: %s\n", path,
		    strerror(errno));
		return EXIT_USAGE;
	}
	r = csv_new_file(f);
	err[0] = '\0';
	hdr = read_rows(r, &rs, err, sizeof err);
	csv_free(r);
	if (f != stdin)
		fclose(f);
	if (hdr < 0) {
		printf("%s\n", err);
		printf("added 0, existing 0, rejected %zu\n", rs.n);
		free_rows(&rs);
		return EXIT_REJECTED;
	}
	if ((rc = client_open(&c)) != 0) {
		free_rows(&rs);
		return rc;
	}
	if ((rc = fetch_units(&c, &list, &k)) == 0) {
		idx = xcalloc(rs.n + 1, sizeof *idx);
		for (i = 0; i < rs.n; i++)
			idx[i] = i;
		sort_rows = &rs;
		qsort(idx, rs.n, sizeof *idx, cmp_row_idx);
		check_rows(&rs, idx, &k);
		resolve_parents(&rs, idx, &k);
		rc = add_units(&c, &rs, &added);
	}
	client_close(&c);
	if (rc == 0) {
		if (rs.n > 0)
			qsort(rs.v, rs.n, sizeof *rs.v, cmp_line);
		for (i = 0; i < rs.n; i++) {
			if (rs.v[i].state == R_EXISTING)
				existing++;
			else if (rs.v[i].state == R_REJECTED) {
				printf("line %u: %s\n", rs.v[i].line,
				    rs.v[i].why);
				rejected++;
			}
		}
		printf("added %lu, existing %lu, rejected %lu\n", added,
		    existing, rejected);
	} else if (added > 0)
		fprintf(stderr,
		    "popstat unit import: stopped after adding %lu"
		    " units; run it again: units added count as existing\n",
		    added);
	free(idx);
	free(k.v);
	if (list)
		popstat__envelope__free_unpacked(list, NULL);
	free_rows(&rs);
	if (rc != 0)
		return rc;
	return rejected ? EXIT_REJECTED : EXIT_OK;
}

static const char export_usage[] =
    "usage: popstat unit export [--root CODE]\n"
    "  Write the units (those under CODE, and CODE itself) as CSV on\n"
    "  standard output: code,name,parent,level, each parent before its\n"
    "  children; the format 'popstat unit import' reads.  --output FILE,\n"
    "  --bom and --encoding gb18030 as for every CSV; a name that a\n"
    "  spreadsheet would take for a formula (=, +, -, @) gets a leading '.\n";

int
unit_export(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitList ul = POPSTAT__UNIT_LIST__INIT;
	Popstat__Envelope *reply;
	Popstat__UnitListOk *ok;
	sbuf b;
	size_t k;
	int i, rc;

	if (args_help(argc, argv)) {
		fputs(export_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			ul.root = argv[++i];
		else
			return args_usage_error("unit export",
			    "unexpected '%s'", argv[i]);
	}
	if ((rc = out_check("unit export", 1)) != 0)
		return rc;
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_LIST;
	rq.unit_list = &ul;
	if ((rc = client_simple(&rq, "unit export", &reply)) != 0)
		return rc;
	ok = reply->response->unit_list;
	sbuf_init(&b);
	sbuf_puts(&b, "code,name,parent,level\n");
	/* The server lists each root followed by its subtree, top down. */
	for (k = 0; k < ok->n_units; k++) {
		Popstat__Unit *u = ok->units[k];

		/* Names that look like formulas stay text (csvout.h). */
		csv_put_text(&b, u->code);
		sbuf_putc(&b, ',');
		csv_put_text(&b, u->name);
		sbuf_putc(&b, ',');
		csv_put_text(&b, u->parent ? u->parent : "");
		sbuf_putc(&b, ',');
		csv_put_text(&b, u->level ? u->level : "");
		sbuf_putc(&b, '\n');
	}
	rc = out_csv("unit export", &b);
	sbuf_free(&b);
	popstat__envelope__free_unpacked(reply, NULL);
	return rc;
}
