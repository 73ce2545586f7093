/*
 * cmd_export.c - popstat export: the counters and indicator values of a
 * unit and the units under it for one period, as CSV, JSON or ADX.
 *
 *   popstat export --parent CODE --period P [--format csv|json|adx]
 *                  [--mapping FILE] [--unmapped error|skip] [--subtree]
 *                  [--as-of DATE]
 *
 * The numbers are the server's: one StatusQuery per unit (the parent, then
 * its children, or its whole subtree with --subtree), over one connection.
 *
 * ADX is the IHE "Aggregate Data Exchange" XML profile (namespace
 * urn:ihe:qrph:adx:2015) that DHIS2 imports at /api/dataValueSets with
 * Content-Type application/adx+xml.  One <group orgUnit period dataSet>
 * per unit holds one <dataValue dataElement value> per exported number;
 * periods are ISO 8601 start/duration ("2026-01-01/P1Y", "2026-11-01/P1M",
 * "2026-11-11/P10D").  popstat names become DHIS2 codes through a mapping
 * file (see mapping_read and popstat(1)):
 *
 *   dataSet = FP_MONTHLY
 *   [dataElements]
 *   births = FP_BIRTHS
 *   birth_rate.annualized = FP_BIRTH_RATE
 *   days = -                      # "-": deliberately not exported
 *   [orgUnits]
 *   610328101 = OU_CHENGGUAN
 *
 * Every counter, every indicator value and every annualized value of a
 * per-mille indicator must be mapped (or mapped to "-"), and so must every
 * exported unit, unless --unmapped skip.  "score" and "NAME.judged" are
 * exported when mapped.  A number without a value is left out (ADX has no
 * empty value).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bulletin.h"
#include "client.h"
#include "csvout.h"
#include "date.h"
#include "grid.h"
#include "lang.h"
#include "record.h"
#include "report.h"
#include "sbuf.h"
#include "sheets.h"

enum format { F_CSV, F_JSON, F_ADX };

struct mentry {
	char *key, *code; /* code "-": not exported */
	unsigned line;
};

struct mapping {
	const char *path;
	char *data_set;
	struct mentry *de, *ou;
	size_t nde, nou, capde, capou;
};

static void
mapping_free(struct mapping *m)
{
	size_t i;

	for (i = 0; i < m->nde; i++) {
		free(m->de[i].key);
		free(m->de[i].code);
	}
	for (i = 0; i < m->nou; i++) {
		free(m->ou[i].key);
		free(m->ou[i].code);
	}
	free(m->de);
	free(m->ou);
	free(m->data_set);
}

static const struct mentry *
mapping_find(const struct mentry *v, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

/* A DHIS2 code or uid: 1-230 bytes without control characters. */
static int
code_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 230)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Read a mapping file: "#" comments, blank lines, "dataSet = CODE" before
 * any section, then "[dataElements]" and "[orgUnits]" sections of
 * "popstat_name = DHIS2_CODE" lines.  Returns 0, or -1 after printing the
 * file, line and reason.
 */
static int
mapping_read(struct mapping *m, const char *path)
{
	enum { S_TOP, S_DE, S_OU } sec = S_TOP;
	char line[2048];
	unsigned n = 0;
	FILE *f;

	memset(m, 0, sizeof *m);
	m->path = path;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "popstat export: mapping %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *k, *v, *eq, *hash;
		const char *why = NULL;
		struct mentry **vec;
		size_t *nv, *cap;

		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			why = "line too long";
			goto bad;
		}
		/* A comment starts at '#' at the start or after a blank. */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash == line || hash[-1] == ' ' ||
			    hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		k = str_trim(line);
		if (*k == '\0')
			continue;
		if (*k == '[') {
			if (strcmp(k, "[dataElements]") == 0)
				sec = S_DE;
			else if (strcmp(k, "[orgUnits]") == 0)
				sec = S_OU;
			else {
				why = "unknown section (expected "
				      "[dataElements] or"
				      " [orgUnits])";
				goto bad;
			}
			continue;
		}
		if ((eq = strchr(k, '=')) == NULL) {
			why = "expected NAME = CODE";
			goto bad;
		}
		*eq = '\0';
		k = str_trim(k);
		v = str_trim(eq + 1);
		if (*k == '\0' || !code_ok(v)) {
			why = "expected NAME = CODE (a code of 1-230 printable"
			      " characters, or - to leave the name out)";
			goto bad;
		}
		if (sec == S_TOP) {
			if (strcmp(k, "dataSet") != 0) {
				fprintf(stderr,
				    "popstat export: %s line %u: unknown"
				    " key '%s' (expected dataSet = CODE, then"
				    " [dataElements] and [orgUnits] "
				    "sections)\n",
				    path, n, k);
				goto fail;
			}
			if (m->data_set) {
				why = "dataSet given twice";
				goto bad;
			}
			m->data_set = xstrdup(v);
			continue;
		}
		if (sec == S_OU && !unit_code_valid(k)) {
			fprintf(stderr,
			    "popstat export: %s line %u: '%s' is not a"
			    " unit code (1-20 of 0-9 A-Z a-z _ -)\n",
			    path, n, k);
			goto fail;
		}
		vec = sec == S_DE ? &m->de : &m->ou;
		nv = sec == S_DE ? &m->nde : &m->nou;
		cap = sec == S_DE ? &m->capde : &m->capou;
		if (mapping_find(*vec, *nv, k)) {
			fprintf(stderr,
			    "popstat export: %s line %u: '%s' mapped"
			    " twice (first on line %u)\n",
			    path, n, k, mapping_find(*vec, *nv, k)->line);
			goto fail;
		}
		if (*nv == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			*vec = xrealloc(*vec, *cap * sizeof **vec);
		}
		(*vec)[*nv].key = xstrdup(k);
		(*vec)[*nv].code = xstrdup(v);
		(*vec)[*nv].line = n;
		(*nv)++;
		continue;
	bad:
		fprintf(stderr, "popstat export: %s line %u: %s\n", path, n,
		    why);
		goto fail;
	}
	fclose(f);
	if (m->data_set == NULL || strcmp(m->data_set, "-") == 0) {
		fprintf(stderr,
		    "popstat export: %s: no 'dataSet = CODE' line"
		    " (the DHIS2 data set the values belong to)\n",
		    path);
		mapping_free(m);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	mapping_free(m);
	return -1;
}

/* One exported number of a unit: its popstat name and value. */
struct item {
	char name[96];
	int required; /* must be mapped unless --unmapped skip */
	int has;
	double value;
	int integer;
};

static int
is_permille(const Popstat__IndicatorResult *in)
{
	return strcmp(in->unit, "‰") == 0;
}

/*
 * The numbers of one status reply, in a fixed order: counters, score, then
 * for each indicator its value, annualized and judged values.  Returns the
 * count; *out is allocated.
 */
static size_t
status_items(const Popstat__StatusOk *s, struct item **out)
{
	size_t n = 0, i;
	struct item *v =
	    xcalloc(s->n_counters + 1 + 3 * s->n_indicators, sizeof *v);

	for (i = 0; i < s->n_counters; i++, n++) {
		xsnprintf(v[n].name, sizeof v[n].name, "%s",
		    s->counters[i]->name);
		v[n].required = 1;
		v[n].has = s->counters[i]->has_value;
		v[n].value = s->counters[i]->value;
		v[n].integer = s->counters[i]->integer;
	}
	xsnprintf(v[n].name, sizeof v[n].name, "score");
	v[n].has = s->has_score;
	v[n++].value = s->score;
	for (i = 0; i < s->n_indicators; i++) {
		const Popstat__IndicatorResult *in = s->indicators[i];

		xsnprintf(v[n].name, sizeof v[n].name, "%s", in->name);
		v[n].required = 1;
		v[n].has = in->has_value;
		v[n++].value = in->value;
		xsnprintf(v[n].name, sizeof v[n].name, "%s.annualized",
		    in->name);
		v[n].required = is_permille(in);
		v[n].has = in->has_annualized;
		v[n++].value = in->annualized;
		xsnprintf(v[n].name, sizeof v[n].name, "%s.judged", in->name);
		v[n].has = in->has_judged && in->target;
		v[n++].value = in->judged;
	}
	*out = v;
	return n;
}

/* A number as text: integers whole, others rounded to 2 decimals. */
static void
put_number(sbuf *b, const struct item *it)
{
	if (it->integer)
		sbuf_printf(b, "%.0f", it->value);
	else
		sbuf_json_num2(b, it->value);
}

/*
 * The ADX period of [start, end]: whole months as PnM (whole years PnY),
 * anything else as PnD.
 */
static void
adx_period(char *buf, size_t n, const Popstat__Period *p)
{
	int32_t a, b;
	int y1, m1, d1, y2, m2, d2;
	char err[64];

	if (date_parse(p->start, &a, err, sizeof err) < 0 ||
	    date_parse(p->end, &b, err, sizeof err) < 0) {
		xsnprintf(buf, n, "%s/P%uD", p->start, p->days);
		return;
	}
	date_to_ymd(a, &y1, &m1, &d1);
	date_to_ymd(b, &y2, &m2, &d2);
	if (d1 == 1 && d2 == date_days_in_month(y2, m2) && a < b) {
		int months = (y2 * 12 + m2) - (y1 * 12 + m1) + 1;

		if (months % 12 == 0)
			xsnprintf(buf, n, "%s/P%dY", p->start, months / 12);
		else
			xsnprintf(buf, n, "%s/P%dM", p->start, months);
	} else
		xsnprintf(buf, n, "%s/P%dD", p->start, (int)(b - a + 1));
}

static void
xml_attr(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_puts(b, "&amp;"); break;
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		default: sbuf_putc(b, *s);
		}
	}
}

struct export
{
	const char *parent, *period, *as_of;
	enum format format;
	int skip_unmapped, subtree;
	struct mapping map;
	/* The units exported and their status replies, parents first. */
	Popstat__Unit **units;
	Popstat__Envelope **status;
	size_t n;
};

/* Lists of what the mapping lacks; 0 when complete, else an exit status. */
static int
adx_check_mapping(struct export *x)
{
	const Popstat__StatusOk *s0 = x->status[0]->response->status;
	struct item *items;
	size_t ni = status_items(s0, &items), i, k;
	sbuf miss_de, miss_ou;
	int rc = 0;

	/* Every data element key must name something popstat exports. */
	for (k = 0; k < x->map.nde; k++) {
		for (i = 0; i < ni; i++)
			if (strcmp(items[i].name, x->map.de[k].key) == 0)
				break;
		if (i == ni) {
			fprintf(stderr,
			    "popstat export: %s line %u: '%s' is not a"
			    " popstat counter or indicator (names: counters,"
			    " score, INDICATOR, INDICATOR.annualized,"
			    " INDICATOR.judged)\n",
			    x->map.path, x->map.de[k].line, x->map.de[k].key);
			free(items);
			return EXIT_USAGE;
		}
	}
	sbuf_init(&miss_de);
	sbuf_init(&miss_ou);
	for (i = 0; i < ni; i++)
		if (items[i].required &&
		    !mapping_find(x->map.de, x->map.nde, items[i].name))
			sbuf_printf(&miss_de, " %s", items[i].name);
	for (k = 0; k < x->n; k++)
		if (!mapping_find(x->map.ou, x->map.nou, x->units[k]->code))
			sbuf_printf(&miss_ou, " %s", x->units[k]->code);
	if (miss_de.len || miss_ou.len) {
		if (!x->skip_unmapped) {
			fprintf(stderr,
			    "popstat export: not in the mapping %s (map"
			    " them, map them to -, or use --unmapped skip):\n",
			    x->map.path);
			rc = EXIT_USAGE;
		} else if (!opt.quiet)
			fprintf(stderr,
			    "popstat export: left out, not in the"
			    " mapping %s:\n",
			    x->map.path);
		if (rc || !opt.quiet) {
			if (miss_de.len)
				fprintf(stderr, "  [dataElements]%s\n",
				    sbuf_str(&miss_de));
			if (miss_ou.len)
				fprintf(stderr, "  [orgUnits]%s\n",
				    sbuf_str(&miss_ou));
		}
	}
	sbuf_free(&miss_de);
	sbuf_free(&miss_ou);
	free(items);
	return rc;
}

static int
render_adx(struct export *x, sbuf *b)
{
	char stamp[32], period[64];
	time_t now = time(NULL);
	struct tm tm;
	size_t u, i, groups = 0;
	int rc;

	if ((rc = adx_check_mapping(x)) != 0)
		return rc;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sbuf_printf(b,
	    "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"%s\">\n", stamp);
	for (u = 0; u < x->n; u++) {
		const Popstat__StatusOk *s = x->status[u]->response->status;
		const struct mentry *ou =
		    mapping_find(x->map.ou, x->map.nou, s->unit);
		struct item *items;
		size_t ni, values = 0;
		sbuf g;

		if (ou == NULL || strcmp(ou->code, "-") == 0)
			continue;
		ni = status_items(s, &items);
		adx_period(period, sizeof period, s->period);
		sbuf_init(&g);
		sbuf_puts(&g, "  <group orgUnit=\"");
		xml_attr(&g, ou->code);
		sbuf_printf(&g, "\" period=\"%s\" dataSet=\"", period);
		xml_attr(&g, x->map.data_set);
		sbuf_puts(&g, "\">\n");
		for (i = 0; i < ni; i++) {
			const struct mentry *de =
			    mapping_find(x->map.de, x->map.nde, items[i].name);

			if (de == NULL || strcmp(de->code, "-") == 0 ||
			    !items[i].has)
				continue;
			sbuf_puts(&g, "    <dataValue dataElement=\"");
			xml_attr(&g, de->code);
			sbuf_puts(&g, "\" value=\"");
			put_number(&g, &items[i]);
			sbuf_puts(&g, "\"/>\n");
			values++;
		}
		sbuf_puts(&g, "  </group>\n");
		/* ADX wants at least one value in a group. */
		if (values > 0) {
			sbuf_puts(b, sbuf_str(&g));
			groups++;
		}
		sbuf_free(&g);
		free(items);
	}
	sbuf_puts(b, "</adx>\n");
	if (groups == 0) {
		fprintf(stderr,
		    "popstat export: nothing to export: no mapped"
		    " unit has a mapped value for %s\n",
		    x->period);
		return EXIT_REJECTED;
	}
	return 0;
}

/* The indicator whose judged value is item i (see status_items), or -1. */
static size_t
judged_index(const Popstat__StatusOk *s, size_t i)
{
	size_t j;

	if (i < s->n_counters + 1)
		return (size_t)-1;
	j = i - s->n_counters - 1;
	return j % 3 == 2 && j / 3 < s->n_indicators ? j / 3 : (size_t)-1;
}

static void
render_csv(struct export *x, sbuf *b)
{
	const Popstat__StatusOk *s0 = x->status[0]->response->status;
	struct item *items;
	size_t ni = status_items(s0, &items), u, i, k;

	/* The period's length is the counter "days". */
	sbuf_puts(b, "unit,name,parent,start,end,status");
	for (i = 0; i < ni; i++) {
		sbuf_putc(b, ',');
		csv_put_text(b, items[i].name);
		/* Each indicator's result follows its judged value. */
		if ((k = judged_index(s0, i)) != (size_t)-1) {
			sbuf_putc(b, ',');
			csv_put_text(b, s0->indicators[k]->name);
			sbuf_puts(b, ".result");
		}
	}
	sbuf_putc(b, '\n');
	free(items);
	for (u = 0; u < x->n; u++) {
		const Popstat__StatusOk *s = x->status[u]->response->status;

		ni = status_items(s, &items);
		/* Text through csv_put_text: see issue 21 item 8. */
		csv_put_text(b, s->unit);
		sbuf_putc(b, ',');
		csv_put_text(b, s->name);
		sbuf_putc(b, ',');
		csv_put_text(b, x->units[u]->parent ? x->units[u]->parent : "");
		sbuf_printf(b, ",%s,%s,", s->period->start, s->period->end);
		sbuf_csv_field(b, s->status);
		for (i = 0; i < ni; i++) {
			sbuf_putc(b, ',');
			if (items[i].has)
				put_number(b, &items[i]);
			if ((k = judged_index(s, i)) != (size_t)-1) {
				sbuf_putc(b, ',');
				if (s->indicators[k]->result)
					sbuf_csv_field(b,
					    s->indicators[k]->result);
			}
		}
		sbuf_putc(b, '\n');
		free(items);
	}
}

/* An item's column header in the reader's language (see status_items). */
static void
item_header(char *buf, size_t n, const char *name)
{
	const char *dot = strchr(name, '.');
	char base[96];

	if (opt.lang != LANG_ZH) {
		xsnprintf(buf, n, "%s", name);
		return;
	}
	xsnprintf(base, sizeof base, "%.*s",
	    dot ? (int)(dot - name) : (int)strlen(name), name);
	if (strcmp(base, "score") == 0)
		xsnprintf(buf, n, "得分");
	else if (dot == NULL &&
	    strcmp(bulletin_indicator_name(base, LANG_ZH), base) == 0)
		xsnprintf(buf, n, "%s", counter_name(base, LANG_ZH));
	else
		xsnprintf(buf, n, "%s%s",
		    bulletin_indicator_name(base, LANG_ZH),
		    dot == NULL                         ? "" :
			strcmp(dot, ".annualized") == 0 ? "（年化）" :
			strcmp(dot, ".judged") == 0     ? "（考核值）" :
			strcmp(dot, ".result") == 0     ? "（结果）" :
							  dot);
}

/*
 * The CSV's table as a workbook sheet (--format xlsx): the same columns,
 * headers in the reader's language, numbers as numbers, a missed judged
 * value and a vetoed status marked.
 */
static int
render_xlsx(struct export *x)
{
	const Popstat__StatusOk *s0 = x->status[0]->response->status;
	struct grid *g = grid_new(opt.lang == LANG_ZH ? "导出" : "export");
	struct item *items;
	size_t ni = status_items(s0, &items), u, i, k;
	char h[160];

	grid_col(g, opt.lang == LANG_ZH ? "单位代码" : "unit", 0);
	grid_col(g, opt.lang == LANG_ZH ? "单位" : "name", 0);
	grid_col(g, opt.lang == LANG_ZH ? "上级单位" : "parent", 0);
	grid_col(g, opt.lang == LANG_ZH ? "起始日期" : "start", 0);
	grid_col(g, opt.lang == LANG_ZH ? "截止日期" : "end", 0);
	grid_col(g, opt.lang == LANG_ZH ? "考核结果" : "status", 0);
	for (i = 0; i < ni; i++) {
		item_header(h, sizeof h, items[i].name);
		grid_col(g, h, 1);
		if ((k = judged_index(s0, i)) != (size_t)-1) {
			char r[128];

			xsnprintf(r, sizeof r, "%s.result",
			    s0->indicators[k]->name);
			item_header(h, sizeof h, r);
			grid_col(g, h, 0);
		}
	}
	free(items);
	for (u = 0; u < x->n; u++) {
		const Popstat__StatusOk *s = x->status[u]->response->status;
		int veto = strcmp(s->status, "veto") == 0;

		ni = status_items(s, &items);
		grid_text(g, s->unit);
		grid_text(g, s->name);
		grid_text(g, x->units[u]->parent ? x->units[u]->parent : "");
		grid_text(g, s->period->start);
		grid_text(g, s->period->end);
		grid_text_mark(g,
		    opt.lang == LANG_ZH ?
			bulletin_status_name(s->status, LANG_ZH) :
			s->status,
		    veto);
		for (i = 0; i < ni; i++) {
			const char *res = NULL;
			int missed;

			if ((k = judged_index(s, i)) != (size_t)-1)
				res = s->indicators[k]->result;
			missed = res && strcmp(res, "missed") == 0;
			if (items[i].has && items[i].integer)
				grid_int(g, (long long)items[i].value);
			else
				grid_num(g, items[i].has, items[i].value,
				    missed);
			if (missed)
				grid_note(g,
				    opt.lang == LANG_ZH ? "未达标" :
							  "target missed");
			if (k != (size_t)-1)
				grid_text_mark(g,
				    res ? (opt.lang == LANG_ZH ?
						  bulletin_status_name(res,
						      LANG_ZH) :
						  res) :
					  "",
				    missed);
		}
		grid_end_row(g);
		free(items);
	}
	return out_grids(&g, 1);
}

static void
render_json(struct export *x, sbuf *b)
{
	const Popstat__Period *p = x->status[0]->response->status->period;
	size_t u;

	sbuf_puts(b, "{\"parent\": ");
	sbuf_json_str(b, x->parent);
	sbuf_puts(b, ", \"period\": {\"start\": ");
	sbuf_json_str(b, p->start);
	sbuf_puts(b, ", \"end\": ");
	sbuf_json_str(b, p->end);
	sbuf_printf(b, ", \"days\": %u},\n\"units\": [\n", p->days);
	for (u = 0; u < x->n; u++) {
		if (u)
			sbuf_puts(b, ",\n");
		report_status_json(b, x->status[u]->response->status);
		/* report_status_json ends with a newline; keep it tidy. */
		if (b->len && b->s[b->len - 1] == '\n')
			b->s[--b->len] = '\0';
	}
	sbuf_puts(b, "]}\n");
}

/* Fetch the unit list and each unit's status; 0 or an exit status. */
static int
fetch(struct export *x, Popstat__Envelope **list)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitList ul = POPSTAT__UNIT_LIST__INIT;
	Popstat__UnitListOk *ok;
	struct client c;
	size_t k;
	int rc;

	if ((rc = client_open(&c)) != 0)
		return rc;
	ul.root = (char *)x->parent;
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_LIST;
	rq.unit_list = &ul;
	if ((*list = client_call(&c, &rq)) == NULL) {
		client_close(&c);
		return EXIT_NOCONN;
	}
	if ((rc = client_error((*list)->response, "export")) != 0) {
		client_close(&c);
		return rc;
	}
	ok = (*list)->response->unit_list;
	x->units = xcalloc(ok->n_units + 1, sizeof *x->units);
	x->status = xcalloc(ok->n_units + 1, sizeof *x->status);
	/* The parent comes first, then its subtree top down. */
	for (k = 0; k < ok->n_units; k++) {
		Popstat__Unit *u = ok->units[k];

		if (k == 0 || x->subtree ||
		    (u->parent && strcmp(u->parent, x->parent) == 0))
			x->units[x->n++] = u;
	}
	for (k = 0; k < x->n; k++) {
		Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
		Popstat__Request sr = POPSTAT__REQUEST__INIT;

		q.unit = x->units[k]->code;
		q.period = (char *)x->period;
		q.as_of = (char *)x->as_of;
		sr.body_case = POPSTAT__REQUEST__BODY_STATUS;
		sr.status = &q;
		if ((x->status[k] = client_call(&c, &sr)) == NULL) {
			rc = EXIT_NOCONN;
			break;
		}
		if ((rc = client_error(x->status[k]->response, "export")) != 0)
			break;
	}
	client_close(&c);
	return rc;
}

static const char export_usage[] =
    "usage: popstat export --parent CODE --period P [--format csv|json|adx]\n"
    "                      [--mapping FILE] [--unmapped error|skip]"
    " [--subtree]\n"
    "                      [--as-of DATE]\n"
    "  Write the counters and indicator values (value, annualized, judged,\n"
    "  result) of CODE and the units directly under it (with --subtree:\n"
    "  every unit under it) for period P.  csv: one row per unit; json: an\n"
    "  object with one status object per unit; adx: ADX XML for DHIS2\n"
    "  (urn:ihe:qrph:adx:2015), which needs --mapping FILE:\n"
    "    dataSet = DHIS2_DATASET_CODE\n"
    "    [dataElements]\n"
    "    births = DHIS2_CODE        (counters, score, INDICATOR,\n"
    "    birth_rate.annualized = .. INDICATOR.annualized, INDICATOR.judged;\n"
    "    days = -                   - leaves a name out)\n"
    "    [orgUnits]\n"
    "    610328101 = DHIS2_ORGUNIT_CODE\n"
    "  Every counter, indicator and per-mille annualized value, and every\n"
    "  unit, must be mapped unless --unmapped skip.  The default format is\n"
    "  csv (json with --json or 'format = json' in the config file).\n";

int
cmd_export(int argc, char **argv)
{
	struct export x;
	Popstat__Envelope *list = NULL;
	const char *fmt = NULL, *mapping = NULL, *unmapped = NULL;
	size_t k;
	sbuf b;
	int i, rc;

	if (args_help(argc, argv)) {
		fputs(export_usage, stdout);
		return 0;
	}
	memset(&x, 0, sizeof x);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc)
			x.parent = argv[++i];
		else if (strcmp(argv[i], "--period") == 0 && i + 1 < argc)
			x.period = argv[++i];
		else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc)
			x.as_of = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			fmt = argv[++i];
		else if (strcmp(argv[i], "--mapping") == 0 && i + 1 < argc)
			mapping = argv[++i];
		else if (strcmp(argv[i], "--unmapped") == 0 && i + 1 < argc)
			unmapped = argv[++i];
		else if (strcmp(argv[i], "--subtree") == 0)
			x.subtree = 1;
		else
			return args_usage_error("export", "unexpected '%s'",
			    argv[i]);
	}
	if (x.parent == NULL || x.period == NULL)
		return args_usage_error("export",
		    "needs --parent CODE and --period P");
	if (fmt != NULL && opt.xlsx)
		return args_usage_error("export", "one --format: xlsx or %s",
		    fmt);
	if (fmt == NULL && opt.xlsx)
		x.format = F_CSV; /* the CSV's columns, as a workbook */
	else if (fmt == NULL)
		x.format = opt.json ? F_JSON : F_CSV;
	else if (strcmp(fmt, "csv") == 0)
		x.format = F_CSV;
	else if (strcmp(fmt, "json") == 0)
		x.format = F_JSON;
	else if (strcmp(fmt, "adx") == 0)
		x.format = F_ADX;
	else
		return args_usage_error("export",
		    "--format must be csv, json, adx or"
		    " xlsx (with --output FILE)");
	if (unmapped && strcmp(unmapped, "skip") == 0)
		x.skip_unmapped = 1;
	else if (unmapped && strcmp(unmapped, "error") != 0)
		return args_usage_error("export",
		    "--unmapped must be error or skip");
	if (x.format == F_ADX && mapping == NULL)
		return args_usage_error("export",
		    "--format adx needs --mapping FILE"
		    " (popstat names to DHIS2 codes)");
	if (x.format != F_ADX && (mapping || unmapped))
		return args_usage_error("export",
		    "--mapping and --unmapped belong to"
		    " --format adx");
	if ((rc = out_check("export", x.format == F_CSV && !opt.xlsx)) != 0)
		return rc;
	if (mapping && mapping_read(&x.map, mapping) < 0)
		return EXIT_USAGE;
	rc = fetch(&x, &list);
	sbuf_init(&b);
	if (rc == 0 && x.n > 0) {
		if (x.format == F_ADX)
			rc = render_adx(&x, &b);
		else if (x.format == F_JSON)
			render_json(&x, &b);
		else
			render_csv(&x, &b);
		if (rc == 0 && opt.xlsx)
			rc = render_xlsx(&x);
		else if (rc == 0 && x.format == F_CSV)
			rc = out_csv("export", &b);
		else if (rc == 0)
			fputs(sbuf_str(&b), stdout);
	}
	sbuf_free(&b);
	for (k = 0; k < x.n; k++)
		if (x.status[k])
			popstat__envelope__free_unpacked(x.status[k], NULL);
	free(x.status);
	free(x.units);
	if (list)
		popstat__envelope__free_unpacked(list, NULL);
	if (mapping)
		mapping_free(&x.map);
	return rc;
}
