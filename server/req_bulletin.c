/*
 * req_bulletin.c - the monthly bulletin (月通报): computed, published
 * (frozen with the data it was computed from), shown and compared with what
 * the data say now (a restatement).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "date.h"
#include "engine.h"
#include "log.h"
#include "period.h"
#include "popstatd.h"
#include "sbuf.h"
#include "supervision.h"
#include "units.h"
#include "utf8.h"
#include "warning.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

static const char *
fmt_day(struct req *r, int32_t d)
{
	char b[11];

	return req_strdup(r, date_format(d, b));
}

/* Parse a month "YYYY-MM" into its period; -1 with the error set. */
static int
parse_month(struct req *r, const char *spec, period *m)
{
	char err[256];
	int y, mo, d;

	if (server_period_parse(spec, server_today(), m, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	date_to_ymd(m->start, &y, &mo, &d);
	if (d != 1 || m->end != m->start + date_days_in_month(y, mo) - 1)
		return req_error(r, E(BAD_REQUEST),
		    "period '%.40s' is not a"
		    " month; a bulletin covers one month, e.g. 2026-11",
		    spec);
	if (m->start > server_today())
		return req_error(r, E(BAD_REQUEST), "month %.20s has not begun",
		    spec);
	return 0;
}

/* Each judgement's cumulative value and 同比 (doc/indicators.md §14). */
static void
judgements_yoy(const struct unit_eval *ev, const struct unit_yoy *y,
    Popstat__IndicatorJudgement **v, size_t n)
{
	size_t k;
	int i;

	for (k = 0; k < n; k++) {
		if ((i = engine_find(v[k]->name)) < 0 || i >= ev->nind)
			continue;
		v[k]->has_cumulative = ev->has_value[i] != 0;
		v[k]->cumulative = ev->value[i];
		v[k]->has_yoy_value = v[k]->has_yoy_change = y->has[i] != 0;
		v[k]->yoy_value = y->value[i];
		v[k]->yoy_change = y->change[i];
	}
}

/*
 * Why a unit's targets are not assessed (doc/indicators.md §7: outputs say
 * why): the reason codes, once each, and the children without a known
 * population.
 */
static void
bulletin_na(struct req *r, const struct unit_eval *e, Popstat__BulletinUnit *bu)
{
	int k, j, nc = unit_at(e->unit)->nchildren, *v;

	bu->na_reasons =
	    req_alloc(r, (size_t)(e->nind + 1) * sizeof *bu->na_reasons);
	for (k = 0; k < e->nind; k++) {
		const char *why;

		if (e->target[k] == NULL ||
		    (why = engine_na_reason(e, k)) == NULL)
			continue;
		for (j = 0; j < (int)bu->n_na_reasons; j++)
			if (strcmp(bu->na_reasons[j], why) == 0)
				break;
		if (j == (int)bu->n_na_reasons)
			bu->na_reasons[bu->n_na_reasons++] = (char *)why;
	}
	if (e->known[VAR_POP_AVG] || nc == 0)
		return;
	v = req_alloc(r, (size_t)nc * sizeof *v);
	nc = engine_unknown_children(e->unit, &e->p, v, nc);
	bu->unknown_population =
	    req_alloc(r, (size_t)(nc + 1) * sizeof *bu->unknown_population);
	for (k = 0; k < nc; k++)
		bu->unknown_population[k] = unit_at(v[k])->name;
	bu->n_unknown_population = (size_t)nc;
}

/*
 * Compute the bulletin data of month m for the children of unit u.
 * Ranking and status are year to date (1 January to the end of the month,
 * or today); reporting is counted as of the day after the month's last
 * dekad report fell due (or today, if earlier): the bulletin's date.
 */
static int
bulletin_data(struct req *r, int u, const period *m,
    Popstat__BulletinData **out)
{
	Popstat__BulletinData *d = req_alloc(r, sizeof *d);
	struct unit *pu = unit_at(u);
	int n, i, y, mo, dd, *kids;
	int32_t today = server_today(), issued;
	struct unit_eval *ev, *ly;
	struct unit_yoy *yoy;
	rank_item *items;
	period ytd, ytd_rep;
	char key[16];

	popstat__bulletin_data__init(d);
	date_to_ymd(m->start, &y, &mo, &dd);
	xsnprintf(key, sizeof key, "%04d-%02d", y, mo);
	d->month = req_strdup(r, key);
	d->parent = pu->code;
	d->parent_name = pu->name;
	ytd.start = date_from_ymd(y, 1, 1);
	ytd.end = m->end < today ? m->end : today;
	/* Issued the day after the month's last dekad report fell due. */
	issued = m->end + (int32_t)srv.set.report_due_days + 1;
	if (issued > today)
		issued = today;
	d->ytd_start = (char *)fmt_day(r, ytd.start);
	d->ytd_end = (char *)fmt_day(r, ytd.end);
	d->issued = (char *)fmt_day(r, issued);
	d->timely_days = (uint32_t)srv.set.timely_days;
	ytd_rep.start = ytd.start;
	ytd_rep.end = m->end;
	/* The townships as the tree was at the month's end (a published
	 * bulletin is stored and never recomputed). */
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	n = unit_children_at(u, m->end, kids);

	/* engine_eval() sets what it uses of each. */
	ev = req_alloc_raw(r, (size_t)(n + 1) * sizeof *ev);
	ly = req_alloc_raw(r, sizeof *ly);
	yoy = req_alloc_raw(r, (size_t)(n + 1) * sizeof *yoy);
	items = req_alloc(r, (size_t)(n ? n : 1) * sizeof *items);
	/* The parent itself, for the opening paragraph: ev[n]. */
	if (engine_eval(u, &ytd, &ev[n]) < 0 ||
	    engine_eval_yoy(&ev[n], ly, &yoy[n]) < 0)
		return req_error(r, E(INTERNAL), "database error");
	supervision_failing(r, &ev[n], &d->parent_indicators,
	    &d->n_parent_indicators, 0);
	judgements_yoy(&ev[n], &yoy[n], d->parent_indicators,
	    d->n_parent_indicators);
	for (i = 0; i < n; i++) {
		if (engine_eval(kids[i], &ytd, &ev[i]) < 0 ||
		    engine_eval_yoy(&ev[i], ly, &yoy[i]) < 0)
			return req_error(r, E(INTERNAL), "database error");
		items[i].key = unit_at(kids[i])->code;
		items[i].tag = i;
		items[i].status = ev[i].status;
		items[i].has_score = ev[i].has_score;
		items[i].score = ev[i].score;
	}
	score_rank_units(items, (size_t)n);
	d->units = req_alloc(r, (size_t)(n ? n : 1) * sizeof *d->units);
	for (i = 0; i < n; i++) {
		struct unit_eval *e = &ev[items[i].tag];
		int c = e->unit;
		Popstat__BulletinUnit *bu = req_alloc(r, sizeof *bu);
		Popstat__UnitReporting *rm, *ry;

		popstat__bulletin_unit__init(bu);
		bu->rank = (uint32_t)items[i].rank;
		bu->unit = unit_at(c)->code;
		bu->name = (char *)unit_name_at(c, m->end);
		bu->status = (char *)score_status_str(e->status);
		bu->has_score = e->has_score != 0;
		bu->score = score_round2(e->score);
		supervision_failing(r, e, &bu->indicators, &bu->n_indicators,
		    0);
		bulletin_na(r, e, bu);
		judgements_yoy(e, &yoy[items[i].tag], bu->indicators,
		    bu->n_indicators);
		if (supervision_reporting(r, c, m, issued, 0, &rm) < 0 ||
		    supervision_reporting(r, c, &ytd_rep, issued, 0, &ry) < 0)
			return req_error(r, E(INTERNAL), "database error");
		bu->due_month = rm->due;
		bu->filed_month = rm->filed;
		bu->on_time_month = rm->on_time;
		bu->due_ytd = ry->due;
		bu->filed_ytd = ry->filed;
		bu->on_time_ytd = ry->on_time;
		bu->records = ry->records;
		bu->records_timely = ry->records_timely;
		d->units[d->n_units++] = bu;
	}
	if (supervision_tasks(r, issued, 1, NULL, u, &d->overdue,
		&d->n_overdue) < 0)
		return req_error(r, E(INTERNAL), "database error");
	/*
	 * 预警 and 数据质量 (section 15), year to date like the ranking; a
	 * bulletin is circulated, so no record ids.
	 */
	if (warning_build(r, u, y, ytd.end, &d->warning) < 0 ||
	    warning_one(r, u, y, ytd.end, &d->parent_warning) < 0 ||
	    quality_build(r, u, &ytd, 0, &d->quality) < 0)
		return -1;
	*out = d;
	return 0;
}

static int
lang_format(struct req *r, const char *l, const char *f, int *lang, int *fmt)
{
	if ((*lang = bulletin_lang_parse(l)) < 0)
		return req_error(r, E(BAD_REQUEST), "--lang %.10s: zh or en",
		    l);
	if ((*fmt = bulletin_format_parse(f)) < 0)
		return req_error(r, E(BAD_REQUEST),
		    "--format %.10s: txt, md or"
		    " html",
		    f);
	return 0;
}

/*
 * The document's head (GB/T 9704): the issuing office and the document
 * number, each one line of at most 64 characters.
 */
static int
document(struct req *r, const char *office, const char *doc_no)
{
	if (office &&
	    (*office == '\0' || utf8_width(office) > 128 ||
		strchr(office, '\t')))
		return req_error(r, E(BAD_REQUEST),
		    "--office: one line of 1-64"
		    " characters, the issuing office, e.g. 某某县卫生健康局");
	if (doc_no &&
	    (*doc_no == '\0' || utf8_width(doc_no) > 128 ||
		strchr(doc_no, '\t')))
		return req_error(r, E(BAD_REQUEST),
		    "--doc-no: one line of 1-64"
		    " characters, the document number, e.g. "
		    "某人口〔2026〕12号");
	return 0;
}

/* Office: as asked, else the server's bulletin-office, else the default. */
static void
set_document(Popstat__BulletinData *d, const char *office, const char *doc_no)
{
	d->office = (char *)(office ? office : srv.set.bulletin_office);
	d->doc_no = (char *)doc_no;
}

static char *
render(struct req *r, const Popstat__BulletinData *d, int lang, int fmt)
{
	sbuf b;
	char *s;

	sbuf_init(&b);
	bulletin_render(d, lang, fmt, &b);
	s = req_strdup(r, sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

int
h_bulletin(struct req *r)
{
	const Popstat__Bulletin *q = r->rq->bulletin;
	Popstat__BulletinOk *ok;
	Popstat__BulletinData *d;
	period m;
	int u, lang, fmt;

	if (lang_format(r, q->lang, q->format, &lang, &fmt) < 0 ||
	    document(r, q->office, q->doc_no) < 0 ||
	    (u = scope_parent(r, q->parent)) < 0 ||
	    parse_month(r, q->period, &m) < 0 ||
	    bulletin_data(r, u, &m, &d) < 0)
		return -1;
	set_document(d, q->office, q->doc_no);
	ok = req_alloc(r, sizeof *ok);
	popstat__bulletin_ok__init(ok);
	ok->data = d;
	ok->text = render(r, d, lang, fmt);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_BULLETIN;
	r->resp.bulletin = ok;
	return 0;
}

/*
 * The key of a published bulletin: "CODE:YYYY-MM" for the original,
 * "CODE:YYYY-MM#N" for its Nth correction (更正).
 */
static char *
bulletin_key(struct req *r, int u, const period *m, unsigned version)
{
	char b[11];

	date_format(m->start, b);
	b[7] = '\0';
	if (version)
		return req_printf(r, "%s:%s#%u", unit_at(u)->code, b, version);
	return req_printf(r, "%s:%s", unit_at(u)->code, b);
}

/* Indexed by lang.h's values. */
static const char *const langs[] = { [LANG_ZH] = "zh", [LANG_EN] = "en" };
static const char *const fmts[] = { "txt", "md", "html" };

/* Store d under key with its six texts, audited as what. */
static int
publish_as(struct req *r, int u, const char *key, Popstat__BulletinData *d,
    const char *what, const char *detail)
{
	uint8_t *buf;
	size_t len;
	int l, f;

	len = popstat__bulletin_data__get_packed_size(d);
	buf = req_alloc(r, len ? len : 1);
	popstat__bulletin_data__pack(d, buf);
	if (store_bulletin_put(key, r->who->name, buf, len) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	for (l = 0; l < 2; l++)
		for (f = 0; f < 3; f++)
			if (store_bulletin_text_put(key,
				req_printf(r, "%s.%s", langs[l], fmts[f]),
				render(r, d, l, f)) < 0)
				return req_error(r, E(INTERNAL),
				    "database error:"
				    " %s",
				    store_errmsg());
	if (store_audit(r->who->name, what, unit_at(u)->code, key, NULL, detail,
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error");
	return 0;
}

struct original {
	struct req *r;
	char *at, *doc_no, *office;
	int bad;
};

static void
got_original(const char *at, const void *data, size_t len, void *arg)
{
	struct original *o = arg;
	Popstat__BulletinData *d =
	    popstat__bulletin_data__unpack(NULL, len, data);

	o->at = req_strdup(o->r, at);
	if (d == NULL) {
		o->bad = 1;
		return;
	}
	o->doc_no = d->doc_no ? req_strdup(o->r, d->doc_no) : NULL;
	o->office = d->office ? req_strdup(o->r, d->office) : NULL;
	popstat__bulletin_data__free_unpacked(d, NULL);
}

/*
 * A correction (更正) of a published bulletin: the data as they are now,
 * as version N (1, 2, ...) beside the original, which stays as it was.
 * It names the original's number and date; its office is the original's
 * unless --office names another.
 */
static int
publish_correction(struct req *r, const Popstat__BulletinPublish *q, int u,
    const period *m)
{
	Popstat__BulletinData *d;
	struct original o;
	char *key = bulletin_key(r, u, m, 0), *ckey;
	unsigned n;
	int rc;

	memset(&o, 0, sizeof o);
	o.r = r;
	rc = store_bulletin_get(key, got_original, &o);
	if (rc < 0 || o.bad)
		return req_error(r, E(INTERNAL), "database error");
	if (rc == 0)
		return req_error(r, E(NOT_FOUND),
		    "no bulletin published for %s:"
		    " only a published bulletin is corrected; publish it"
		    " without --correction",
		    key);
	for (n = 1;; n++) {
		ckey = bulletin_key(r, u, m, n);
		if ((rc = store_bulletin_get(ckey, NULL, NULL)) < 0)
			return req_error(r, E(INTERNAL), "database error");
		if (rc == 0)
			break;
	}
	if (bulletin_data(r, u, m, &d) < 0)
		return -1;
	set_document(d, q->office ? q->office : o.office, q->doc_no);
	/* Dated the day it is issued. */
	d->issued = (char *)fmt_day(r, server_today());
	d->has_correction = 1;
	d->correction = n;
	d->corrects_doc_no = o.doc_no;
	d->corrects_published_at = o.at;
	if (publish_as(r, u, ckey, d, "bulletin.correct",
		req_printf(r, "correction %u of %s%s%s", n, key,
		    o.doc_no ? " " : "", o.doc_no ? o.doc_no : "")) < 0)
		return -1;
	log_info("%s published correction %u of bulletin %s", r->who->name, n,
	    key);
	req_ack(r,
	    req_printf(r,
		"bulletin %s correction %u published (%s);"
		" the original stays as published",
		key, n, ckey));
	return 0;
}

int
h_bulletin_publish(struct req *r)
{
	const Popstat__BulletinPublish *q = r->rq->bulletin_publish;
	Popstat__BulletinData *d;
	period m;
	char *key;
	int u, rc;

	if (document(r, q->office, q->doc_no) < 0 ||
	    (u = scope_parent(r, q->parent)) < 0 ||
	    parse_month(r, q->period, &m) < 0)
		return -1;
	if (m.end >= server_today())
		return req_error(r, E(BAD_REQUEST),
		    "month %.20s has not ended;"
		    " publish it once it is over",
		    q->period);
	if (q->has_correction && q->correction)
		return publish_correction(r, q, u, &m);
	key = bulletin_key(r, u, &m, 0);
	rc = store_bulletin_get(key, NULL, NULL);
	if (rc != 0)
		return rc < 0 ?
		    req_error(r, E(INTERNAL), "database error") :
		    req_error(r, E(CONFLICT),
			"the bulletin for %s is already"
			" published; it never changes (see 'bulletin diff'; "
			"'bulletin"
			" publish --correction' issues a correction)",
			key);
	if (bulletin_data(r, u, &m, &d) < 0)
		return -1;
	set_document(d, q->office, q->doc_no);
	if (publish_as(r, u, key, d, "bulletin.publish", "published") < 0)
		return -1;
	log_info("%s published bulletin %s", r->who->name, key);
	req_ack(r, req_printf(r, "bulletin %s published", key));
	return 0;
}

struct stored {
	struct req *r;
	char *at;
	Popstat__BulletinData *data;
	char *text;
};

static void
got_bulletin(const char *at, const void *data, size_t len, void *arg)
{
	struct stored *x = arg;

	x->at = req_strdup(x->r, at);
	x->data = popstat__bulletin_data__unpack(NULL, len, data);
}

static void
got_text(const char *text, void *arg)
{
	struct stored *x = arg;

	x->text = req_strdup(x->r, text);
}

/* The published bulletin of u and m, or -1 with the error set. */
static int
load_published(struct req *r, const char *parent, const char *period_spec,
    struct stored *x, const char *variant, unsigned version)
{
	period m;
	char *key;
	int u, rc;

	memset(x, 0, sizeof *x);
	x->r = r;
	if ((u = scope_parent(r, parent)) < 0 ||
	    parse_month(r, period_spec, &m) < 0)
		return -1;
	key = bulletin_key(r, u, &m, version);
	rc = store_bulletin_get(key, got_bulletin, x);
	if (rc < 0 || (rc == 1 && x->data == NULL))
		return req_error(r, E(INTERNAL), "database error");
	if (rc == 0)
		return version ? req_error(r, E(NOT_FOUND),
				     "no correction %u"
				     " of the bulletin %s ('bulletin publish "
				     "--correction' issues"
				     " one)",
				     version, bulletin_key(r, u, &m, 0)) :
				 req_error(r, E(NOT_FOUND),
				     "no bulletin published for %s", key);
	if (variant && store_bulletin_text_get(key, variant, got_text, x) != 1)
		return req_error(r, E(INTERNAL), "published text %s missing",
		    variant);
	return u;
}

int
h_bulletin_show(struct req *r)
{
	const Popstat__BulletinShow *q = r->rq->bulletin_show;
	Popstat__BulletinOk *ok;
	struct stored x;
	int lang, fmt, rc;

	if (lang_format(r, q->lang, q->format, &lang, &fmt) < 0)
		return -1;
	rc = load_published(r, q->parent, q->period, &x,
	    req_printf(r, "%s.%s", langs[lang], fmts[fmt]), q->correction);
	if (rc < 0) {
		if (x.data)
			popstat__bulletin_data__free_unpacked(x.data, NULL);
		return -1;
	}
	ok = req_alloc(r, sizeof *ok);
	popstat__bulletin_ok__init(ok);
	ok->text = x.text;
	/* The data go back as stored; freed with the request below. */
	ok->data = x.data;
	ok->published_at = x.at;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_BULLETIN;
	r->resp.bulletin = ok;
	r->owned_data = x.data;
	return 0;
}

static void
diff_add(struct req *r, Popstat__BulletinDiffOk *ok, size_t *cap,
    const char *line)
{
	if (ok->n_changes == *cap) {
		char **nv;

		*cap = *cap ? *cap * 2 : 32;
		nv = req_alloc(r, *cap * sizeof *nv);
		if (ok->n_changes)
			memcpy(nv, ok->changes, ok->n_changes * sizeof *nv);
		ok->changes = nv;
	}
	ok->changes[ok->n_changes++] = req_strdup(r, line);
}

static void
num2(char *b, size_t n, int has, double v)
{
	if (has)
		xsnprintf(b, n, "%.2f", v);
	else
		xsnprintf(b, n, "-");
}

int
h_bulletin_diff(struct req *r)
{
	const Popstat__BulletinDiff *q = r->rq->bulletin_diff;
	Popstat__BulletinDiffOk *ok;
	Popstat__BulletinData *now;
	struct stored x;
	period m;
	size_t cap = 0, i, j, k;
	int u;

	if ((u = load_published(r, q->parent, q->period, &x, NULL, 0)) < 0) {
		if (x.data)
			popstat__bulletin_data__free_unpacked(x.data, NULL);
		return -1;
	}
	r->owned_data = x.data;
	parse_month(r, q->period, &m);
	if (bulletin_data(r, u, &m, &now) < 0)
		return -1;
	ok = req_alloc(r, sizeof *ok);
	popstat__bulletin_diff_ok__init(ok);
	ok->published_at = x.at;
	for (i = 0; i < x.data->n_units; i++) {
		Popstat__BulletinUnit *a = x.data->units[i], *b = NULL;
		sbuf line;
		int changed = 0;
		char s1[32], s2[32];

		for (j = 0; j < now->n_units; j++)
			if (strcmp(now->units[j]->unit, a->unit) == 0)
				b = now->units[j];
		if (b == NULL) {
			diff_add(r, ok, &cap,
			    req_printf(r,
				"%s %s: no longer"
				" listed",
				a->unit, a->name));
			continue;
		}
		sbuf_init(&line);
		sbuf_printf(&line, "%s %s:", a->unit, a->name);
		if (a->rank != b->rank) {
			sbuf_printf(&line, " rank %u -> %u;", a->rank, b->rank);
			changed = 1;
		}
		if (strcmp(a->status, b->status) != 0) {
			sbuf_printf(&line, " status %s -> %s;", a->status,
			    b->status);
			changed = 1;
		}
		num2(s1, sizeof s1, a->has_score, a->score);
		num2(s2, sizeof s2, b->has_score, b->score);
		if (strcmp(s1, s2) != 0) {
			sbuf_printf(&line, " score %s -> %s;", s1, s2);
			changed = 1;
		}
		for (k = 0; k < a->n_indicators; k++) {
			Popstat__IndicatorJudgement *ia = a->indicators[k],
						    *ib = NULL;

			for (j = 0; j < b->n_indicators; j++)
				if (strcmp(b->indicators[j]->name, ia->name) ==
				    0)
					ib = b->indicators[j];
			if (ib == NULL)
				continue;
			num2(s1, sizeof s1, ia->has_value, ia->value);
			num2(s2, sizeof s2, ib->has_value, ib->value);
			if (strcmp(s1, s2) != 0) {
				sbuf_printf(&line, " %s %s -> %s;", ia->name,
				    s1, s2);
				changed = 1;
			}
		}
		if (a->filed_ytd != b->filed_ytd ||
		    a->on_time_ytd != b->on_time_ytd) {
			sbuf_printf(&line, " reports filed %u/%u -> %u/%u;",
			    a->filed_ytd, a->due_ytd, b->filed_ytd, b->due_ytd);
			changed = 1;
		}
		if (a->records != b->records) {
			sbuf_printf(&line, " records %u -> %u;", a->records,
			    b->records);
			changed = 1;
		}
		if (changed) {
			line.s[line.len - 1] = '\0';
			diff_add(r, ok, &cap, sbuf_str(&line));
		}
		sbuf_free(&line);
	}
	for (j = 0; j < now->n_units; j++) {
		int found = 0;

		for (i = 0; i < x.data->n_units; i++)
			if (strcmp(now->units[j]->unit,
				x.data->units[i]->unit) == 0)
				found = 1;
		if (!found)
			diff_add(r, ok, &cap,
			    req_printf(r, "%s %s: new, rank %u",
				now->units[j]->unit, now->units[j]->name,
				now->units[j]->rank));
	}
	r->resp.body_case = POPSTAT__RESPONSE__BODY_BULLETIN_DIFF;
	r->resp.bulletin_diff = ok;
	return 0;
}
