/*
 * req_warning.c - early warning (预警) and data quality (数据质量),
 * doc/indicators.md §15.
 *
 * The warning reads only the engine's in-memory counters: per child,
 * one engine_eval() over [Y-01-01, D], then per per-mille "<=" target
 * the projection, the headroom (the same score_round2() judging as a status,
 * through the indicator's own expression) and the Poisson risk.  The
 * quality checks use the counters too, except double registration, which
 * reads the pairs of births the submit path keeps (mother_pairs).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "engine.h"
#include "popstatd.h"
#include "sbuf.h"
#include "stats.h"
#include "store.h"
#include "units.h"
#include "warning.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

static const char *
day_text(struct req *r, int32_t d)
{
	char b[11];

	return req_strdup(r, date_format(d, b));
}

/* The expression of one indicator at the year's end with B = b + h. */
struct yearend {
	const struct indicator *in;
	double vars[VAR_COUNT];
	unsigned char known[VAR_COUNT];
	int64_t b;
	double target;
};

static int
yearend_meets(int64_t h, void *arg)
{
	struct yearend *y = arg;
	double v;

	y->vars[CTR_BIRTHS] = (double)(y->b + h);
	if (expr_eval(y->in->e, y->vars, y->known, &v) != 0 || !isfinite(v))
		return 0;
	return score_target_met(OP_LE, y->target, v);
}

/*
 * Where the search starts: the rate is linear in the births for every
 * default indicator, so two values (at b and b + 1000 births) give the
 * births that reach T exactly; the search is exact whatever this says.
 */
static int64_t
yearend_guess(struct yearend *y)
{
	double v0, v1, x;

	y->vars[CTR_BIRTHS] = (double)y->b;
	if (expr_eval(y->in->e, y->vars, y->known, &v0) != 0)
		return 0;
	y->vars[CTR_BIRTHS] = (double)y->b + 1000;
	if (expr_eval(y->in->e, y->vars, y->known, &v1) != 0 || !isfinite(v0) ||
	    !isfinite(v1) || !(v1 > v0))
		return 0;
	x = floor((y->target - v0) * 1000 / (v1 - v0));
	if (!(x > -1e15 && x < 1e15))
		return 0;
	return (int64_t)x;
}

/* Worst first: the highest risk of the row, then the lowest headroom. */
struct wrow {
	Popstat__WarningRow *row;
	int has_risk;
	double risk;
	int has_headroom;
	int64_t headroom;
	const char *code;
};

static int
wrow_cmp(const void *va, const void *vb)
{
	const struct wrow *a = va, *b = vb;

	if (a->has_risk != b->has_risk)
		return a->has_risk ? -1 : 1;
	if (a->has_risk && a->risk != b->risk)
		return a->risk > b->risk ? -1 : 1;
	if (a->has_headroom != b->has_headroom)
		return a->has_headroom ? -1 : 1;
	if (a->has_headroom && a->headroom != b->headroom)
		return a->headroom < b->headroom ? -1 : 1;
	return strcmp(a->code, b->code);
}

/*
 * One cell: projected = the annualized value as judged; R ~ Poisson(b (N
 * - t) / t); headroom = the largest h >= -b whose year-end value (births
 * b + h, deaths d N / t, population average p) meets T; risk = P(R >
 * headroom).
 */
static Popstat__WarningCell *
warning_cell(struct req *r, const struct unit_eval *ev, int i,
    const struct target *t, int N, int tdays)
{
	Popstat__WarningCell *c = req_alloc(r, sizeof *c);
	const struct indicator *in = engine_indicator(i);
	struct yearend y;
	int64_t b, h;
	double lambda;
	int k, rc;

	popstat__warning_cell__init(c);
	c->indicator = in->name;
	c->target = t->value;
	if (tdays <= 0 || !ev->known[VAR_POP_AVG])
		return c;
	if (ev->has_value[i]) {
		c->has_projected = 1;
		c->projected = ev->annualized[i];
	}
	b = (int64_t)ev->vars[CTR_BIRTHS];
	memset(&y, 0, sizeof y);
	y.in = in;
	y.b = b;
	y.target = t->value;
	for (k = 0; k < VAR_COUNT; k++) {
		y.vars[k] = ev->vars[k];
		y.known[k] = ev->known[k];
	}
	y.vars[CTR_DEATHS] = ev->vars[CTR_DEATHS] * N / tdays;
	y.vars[VAR_DAYS] = N;
	y.vars[VAR_YEAR_DAYS] = N;
	if (!(ev->vars[VAR_POP_AVG] > 0))
		return c;
	lambda = (double)b * (N - tdays) / tdays;
	rc = stats_headroom_search(b, yearend_meets, &y, yearend_guess(&y), &h);
	if (rc == 1) {
		c->has_headroom = 1;
		c->headroom = h;
		c->has_risk = 1;
		c->risk = round4(stats_poisson_sf(h, lambda));
		c->level = (char *)stats_warning_level(h, c->risk);
	} else {
		/* Not met even without another birth: over, for certain. */
		c->has_risk = 1;
		c->risk = 1;
		c->level = "over";
	}
	return c;
}

/* The period of the warning for year: [Y-01-01, min(as_of, Y-12-31)]. */
static void
warning_period(int year, int32_t as_of, period *p, int *N, int *tdays)
{
	int32_t end = date_from_ymd(year, 12, 31);

	p->start = date_from_ymd(year, 1, 1);
	*N = end - p->start + 1;
	p->end = as_of < end ? as_of : end;
	*tdays = p->end - p->start + 1;
}

/* One unit's row; w gets its worst risk and headroom for the order. */
static int
warning_row(struct req *r, int c, const period *pp, int N, int tdays,
    struct unit_eval *ev, struct wrow *w)
{
	Popstat__WarningRow *row = req_alloc(r, sizeof *row);
	period p = *pp;
	int k;

	if (tdays <= 0)
		p.end = p.start; /* nothing counted: every value is null */
	if (engine_eval(c, &p, ev) < 0)
		return req_error(r, E(INTERNAL),
		    "database error while"
		    " computing %s",
		    unit_at(c)->code);
	popstat__warning_row__init(row);
	row->unit = unit_at(c)->code;
	row->name = unit_at(c)->name;
	row->indicators =
	    req_alloc(r, (size_t)(ev->nind + 1) * sizeof *row->indicators);
	memset(w, 0, sizeof *w);
	w->row = row;
	w->code = row->unit;
	for (k = 0; k < ev->nind; k++) {
		const struct target *t = ev->target[k];
		Popstat__WarningCell *cell;

		/* Per-mille "<=" targets on rates that count births. */
		if (t == NULL || t->op != OP_LE ||
		    !engine_indicator(k)->permille ||
		    !expr_uses(engine_indicator(k)->e, CTR_BIRTHS))
			continue;
		cell = warning_cell(r, ev, k, t, N, tdays);
		row->indicators[row->n_indicators++] = cell;
		if (cell->has_risk && (!w->has_risk || cell->risk > w->risk)) {
			w->has_risk = 1;
			w->risk = cell->risk;
		}
		if (cell->has_headroom &&
		    (!w->has_headroom || cell->headroom < w->headroom)) {
			w->has_headroom = 1;
			w->headroom = cell->headroom;
		}
	}
	return 0;
}

int
warning_one(struct req *r, int u, int year, int32_t as_of,
    Popstat__WarningRow **out)
{
	struct unit_eval *ev = req_alloc_raw(r, sizeof *ev);
	struct wrow w;
	period p;
	int N, tdays;

	warning_period(year, as_of, &p, &N, &tdays);
	if (warning_row(r, u, &p, N, tdays, ev, &w) < 0)
		return -1;
	*out = w.row;
	return 0;
}

int
warning_build(struct req *r, int u, int year, int32_t as_of,
    Popstat__WarningOk **out)
{
	Popstat__WarningOk *ok = req_alloc(r, sizeof *ok);
	struct unit *pu = unit_at(u);
	struct unit_eval *ev;
	struct wrow *w;
	period p;
	int n, i, N, tdays, *kids;

	popstat__warning_ok__init(ok);
	ok->parent = pu->code;
	ok->parent_name = pu->name;
	ok->year = (uint32_t)year;
	warning_period(year, as_of, &p, &N, &tdays);
	ok->as_of = (char *)day_text(r, p.end);
	/* The children as the tree was on the last day counted (issue 22). */
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	n = unit_children_at(u, p.end, kids);
	ev = req_alloc_raw(r, sizeof *ev);
	w = req_alloc(r, (size_t)(n ? n : 1) * sizeof *w);
	ok->rows = req_alloc(r, (size_t)(n ? n : 1) * sizeof *ok->rows);
	for (i = 0; i < n; i++)
		if (warning_row(r, kids[i], &p, N, tdays, ev, &w[i]) < 0)
			return -1;
	qsort(w, (size_t)n, sizeof *w, wrow_cmp);
	for (i = 0; i < n; i++)
		ok->rows[i] = w[i].row;
	ok->n_rows = (size_t)n;
	*out = ok;
	return 0;
}

int
h_warning(struct req *r)
{
	const Popstat__WarningQuery *q = r->rq->warning;
	Popstat__WarningOk *ok;
	int32_t as_of = server_today();
	char err[256];
	int u, y, m, d, year;

	if ((u = scope_parent(r, q->parent)) < 0)
		return -1;
	if (q->as_of && *q->as_of &&
	    date_parse(q->as_of, &as_of, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--as-of %.20s: %s",
		    q->as_of, err);
	date_to_ymd(as_of, &y, &m, &d);
	year = q->has_year ? (int)q->year : y;
	if (year < 1900 || year > 9999)
		return req_error(r, E(BAD_REQUEST),
		    "--year %d: expected a year"
		    " such as 2026",
		    year);
	if (warning_build(r, u, year, as_of, &ok) < 0)
		return -1;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_WARNING;
	r->resp.warning = ok;
	return 0;
}

/* ---- data quality ------------------------------------------------------- */

/* One birth of a possible double registration. */
struct mbirth {
	int32_t day;
	int unit; /* unit index */
	const char *record_id;
};

/* By date, then unit code, then record id. */
static int
mbirth_cmp(const struct mbirth *a, const struct mbirth *b)
{
	int c;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((c = strcmp(unit_at(a->unit)->code, unit_at(b->unit)->code)))
		return c;
	return strcmp(a->record_id, b->record_id);
}

/* Record-level access to unit u: admin, inspector, a clerk in scope. */
static int
record_access(const struct principal *who, int u)
{
	return scope_may_read(who, u, SCOPE_RECORD);
}

struct flags {
	struct req *r;
	Popstat__QualityFlag **v;
	size_t n, cap;
};

static Popstat__QualityFlag *
flag_new(struct flags *f, int unit, const char *check)
{
	Popstat__QualityFlag *q = req_alloc(f->r, sizeof *q);

	if (f->n == f->cap) {
		Popstat__QualityFlag **nv;

		f->cap = f->cap ? f->cap * 2 : 16;
		nv = req_alloc(f->r, f->cap * sizeof *nv);
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof *nv);
		f->v = nv;
	}
	popstat__quality_flag__init(q);
	q->unit = unit_at(unit)->code;
	q->name = unit_at(unit)->name;
	q->check = (char *)check;
	f->v[f->n++] = q;
	return q;
}

/* A pair of births of one mother in two units within 30 days. */
struct mpair {
	struct mbirth a, b; /* a before b by mbirth_cmp */
};

/* By the first birth's date, unit code and record id, then the second's. */
static int
mpair_cmp(const void *va, const void *vb)
{
	const struct mpair *x = va, *y = vb;
	int c = mbirth_cmp(&x->a, &y->a);

	return c ? c : mbirth_cmp(&x->b, &y->b);
}

struct mcollect {
	struct req *r;
	const period *p;
	const unsigned char *in; /* in[i]: unit index i is under u */
	struct mpair *v;
	size_t n, cap;
};

static void
pair_one(int64_t a_unit, const char *a_rec, int32_t a_day, int64_t b_unit,
    const char *b_rec, int32_t b_day, void *arg)
{
	struct mcollect *x = arg;
	struct mbirth m1, m2;
	struct mpair *q;

	m1.unit = unit_by_id(a_unit);
	m2.unit = unit_by_id(b_unit);
	if (m1.unit < 0 || m2.unit < 0 || !x->in[m1.unit] || !x->in[m2.unit])
		return;
	if ((a_day < x->p->start || a_day > x->p->end) &&
	    (b_day < x->p->start || b_day > x->p->end))
		return;
	m1.day = a_day;
	m1.record_id = req_strdup(x->r, a_rec);
	m2.day = b_day;
	m2.record_id = req_strdup(x->r, b_rec);
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	q = &x->v[x->n++];
	if (mbirth_cmp(&m1, &m2) <= 0) {
		q->a = m1;
		q->b = m2;
	} else {
		q->a = m2;
		q->b = m1;
	}
}

/*
 * The possible double registrations under u: births of the same mother
 * hash in two different units under u, at most 30 days apart, at least
 * one of them in p.  In order of the first birth's date.  They are kept
 * in mother_pairs as births are stored, so this reads only the pairs
 * (few), never the births.
 */
static int
double_registrations(struct req *r, int u, const period *p, int ids,
    struct flags *f, int *withheld)
{
	struct mcollect x;
	unsigned char *in;
	int *sub = NULL, cap = 0, n, i;
	size_t a;

	memset(&x, 0, sizeof x);
	x.r = r;
	x.p = p;
	in = xcalloc((size_t)units_count() + 1, 1);
	n = unit_subtree(u, &sub, &cap);
	for (i = 0; i < n; i++)
		in[sub[i]] = 1;
	free(sub);
	x.in = in;
	/* The earlier birth of a pair with one in p is at most 30 days
	 * before p. */
	if (store_pairs_range(p->start - 30, p->end, pair_one, &x) < 0) {
		free(in);
		free(x.v);
		return -1;
	}
	free(in);
	if (x.n > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(x.v, x.n, sizeof *x.v, mpair_cmp);
	for (a = 0; a < x.n; a++) {
		const struct mbirth *m1 = &x.v[a].a, *m2 = &x.v[a].b;
		Popstat__QualityFlag *q =
		    flag_new(f, m1->unit, "double_registration");

		q->n_units = 2;
		q->units = req_alloc(r, 2 * sizeof *q->units);
		q->units[0] = unit_at(m1->unit)->code;
		q->units[1] = unit_at(m2->unit)->code;
		q->n_dates = 2;
		q->dates = req_alloc(r, 2 * sizeof *q->dates);
		q->dates[0] = (char *)day_text(r, m1->day);
		q->dates[1] = (char *)day_text(r, m2->day);
		if (ids && record_access(r->who, m1->unit) &&
		    record_access(r->who, m2->unit)) {
			q->n_record_ids = 2;
			q->record_ids = req_alloc(r, 2 * sizeof *q->record_ids);
			q->record_ids[0] = (char *)m1->record_id;
			q->record_ids[1] = (char *)m2->record_id;
		} else
			*withheld = 1;
	}
	free(x.v);
	return 0;
}

int
quality_build(struct req *r, int u, const period *p, int ids,
    Popstat__QualityOk **out)
{
	Popstat__QualityOk *ok = req_alloc(r, sizeof *ok);
	struct unit *pu = unit_at(u);
	struct unit_eval *ev, *pev;
	struct flags f;
	int n, i, withheld = 0, *kids;
	int64_t *boys, *girls, *births, *recs, *timely;
	double *pavg;
	unsigned char *pknown;

	/* The children as the tree was on the period's last day. */
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	n = unit_children_at(u, p->end, kids);
	popstat__quality_ok__init(ok);
	ok->parent = pu->code;
	ok->parent_name = pu->name;
	ok->period = period_msg(r, p);
	memset(&f, 0, sizeof f);
	f.r = r;
	ev = req_alloc_raw(r, sizeof *ev);
	pev = req_alloc_raw(r, sizeof *pev);
	boys = req_alloc(r, (size_t)(n + 1) * 5 * sizeof *boys);
	girls = boys + n + 1;
	births = girls + n + 1;
	recs = births + n + 1;
	timely = recs + n + 1;
	pavg = req_alloc(r, (size_t)(n + 1) * sizeof *pavg);
	pknown = req_alloc(r, (size_t)(n + 1));
	if (engine_eval(u, p, pev) < 0)
		return req_error(r, E(INTERNAL), "database error");
	for (i = 0; i < n; i++) {
		if (engine_eval(kids[i], p, ev) < 0)
			return req_error(r, E(INTERNAL), "database error");
		boys[i] = ev->total.v[CTR_BIRTHS_MALE];
		girls[i] = ev->total.v[CTR_BIRTHS_FEMALE];
		births[i] = ev->total.v[CTR_BIRTHS];
		recs[i] = ev->total.v[CTR_RECORDS];
		timely[i] = ev->total.v[CTR_TIMELY];
		pavg[i] = ev->vars[VAR_POP_AVG];
		pknown[i] = ev->known[VAR_POP_AVG];
	}
	/*
	 * Sex ratio at birth: the Wilson interval of m / (m + f) as a ratio;
	 * judged, like every figure, on the values shown (2 decimals).
	 */
	for (i = 0; i < n; i++) {
		double lo, hi, rlo, rhi;
		const char *check = NULL;
		Popstat__QualityFlag *q;

		if (stats_wilson(boys[i], boys[i] + girls[i], STATS_Z95, &lo,
			&hi) < 0)
			continue;
		rlo = lo < 1 ? score_round2(100 * lo / (1 - lo)) : INFINITY;
		rhi = hi < 1 ? score_round2(100 * hi / (1 - hi)) : INFINITY;
		if (rlo > 107)
			check = "sex_ratio_high";
		else if (rhi < 103)
			check = "sex_ratio_low";
		if (check == NULL)
			continue;
		q = flag_new(&f, kids[i], check);
		q->has_boys = q->has_girls = 1;
		q->boys = (uint32_t)boys[i];
		q->girls = (uint32_t)girls[i];
		if (girls[i] > 0) {
			q->has_ratio = 1;
			q->ratio = score_round2(
			    100.0 * (double)boys[i] / (double)girls[i]);
		}
		q->has_ratio_low = isfinite(rlo);
		q->ratio_low = isfinite(rlo) ? rlo : 0;
		q->has_ratio_high = isfinite(rhi);
		q->ratio_high = isfinite(rhi) ? rhi : 0;
	}
	/*
	 * Possible under-reporting: expected births from the siblings'
	 * combined rate (the parent's counts minus this unit's).
	 */
	for (i = 0; i < n && pev->known[VAR_POP_AVG]; i++) {
		double sib_pop, rate, e, pr;
		Popstat__QualityFlag *q;

		if (!pknown[i])
			continue;
		sib_pop = pev->vars[VAR_POP_AVG] - pavg[i];
		if (!(sib_pop > 0) || !(pavg[i] > 0))
			continue;
		rate = (double)(pev->total.v[CTR_BIRTHS] - births[i]) /
		    sib_pop * 1000;
		e = rate * pavg[i] / 1000;
		pr = stats_poisson_cdf(births[i], e);
		if (!(pr < 0.01))
			continue;
		q = flag_new(&f, kids[i], "under_reporting");
		q->has_births = 1;
		q->births = (uint32_t)births[i];
		q->has_expected = 1;
		q->expected = score_round2(e);
		q->has_probability = 1;
		q->probability = round4(pr);
	}
	if (double_registrations(r, u, p, ids, &f, &withheld) < 0)
		return req_error(r, E(INTERNAL), "database error");
	/* Late records: record timeliness (section 9) below 90%. */
	for (i = 0; i < n; i++) {
		Popstat__QualityFlag *q;

		if (recs[i] <= 0 || (double)timely[i] / (double)recs[i] >= 0.9)
			continue;
		q = flag_new(&f, kids[i], "late_records");
		q->has_records = q->has_timely = q->has_timeliness = 1;
		q->records = (uint32_t)recs[i];
		q->timely = (uint32_t)timely[i];
		q->timeliness =
		    score_round2(100.0 * (double)timely[i] / (double)recs[i]);
	}
	ok->flags = f.v;
	ok->n_flags = f.n;
	ok->has_ids_withheld = 1;
	ok->ids_withheld = withheld != 0;
	*out = ok;
	return 0;
}

int
h_quality(struct req *r)
{
	const Popstat__QualityQuery *q = r->rq->quality;
	Popstat__QualityOk *ok;
	int32_t today = server_today();
	char err[256];
	period p;
	int u;

	if ((u = scope_parent(r, q->parent)) < 0)
		return -1;
	if (q->as_of && *q->as_of &&
	    date_parse(q->as_of, &today, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--as-of %.20s: %s",
		    q->as_of, err);
	if (period_parse(q->period, today, &p, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	if (quality_build(r, u, &p, 1, &ok) < 0)
		return -1;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_QUALITY;
	r->resp.quality = ok;
	return 0;
}
