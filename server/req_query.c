/*
 * req_query.c - status, ranking, verification report; indicators and
 * targets.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "engine.h"
#include "log.h"
#include "popstatd.h"
#include "report.h"
#include "rowcache.h"
#include "sbuf.h"
#include "units.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

/* Parse a period with an optional --as-of date for YTD. */
static int
parse_period(struct req *r, const char *spec, const char *as_of, period *p)
{
	char err[256];
	int32_t today = server_today();

	if (as_of && *as_of && date_parse(as_of, &today, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--as-of %.20s: %s", as_of,
		    err);
	if (server_period_parse(spec, today, p, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	return 0;
}

/* The reply form of a period, allocated from the request. */
Popstat__Period *
period_msg(struct req *r, const period *p)
{
	Popstat__Period *m = req_alloc(r, sizeof *m);
	char b[11];

	popstat__period__init(m);
	m->start = req_strdup(r, date_format(p->start, b));
	m->end = req_strdup(r, date_format(p->end, b));
	m->days = (uint32_t)period_days(p);
	m->year_days = (uint32_t)date_year_days(p->start);
	return m;
}

static Popstat__TargetInfo *
target_msg(struct req *r, const struct target *t)
{
	Popstat__TargetInfo *m = req_alloc(r, sizeof *m);

	popstat__target_info__init(m);
	m->op = (char *)score_op_str(t->op);
	m->value = t->value;
	m->veto = t->veto != 0;
	m->weight = t->weight;
	if (t->unit >= 0)
		m->unit = unit_at(t->unit)->code;
	return m;
}

static int
eval_or_error(struct req *r, int u, const period *p, struct unit_eval *ev)
{
	if (engine_eval(u, p, ev) < 0)
		return req_error(r, E(INTERNAL),
		    "database error while computing"
		    " %s",
		    unit_at(u)->code);
	return 0;
}

int
h_status(struct req *r)
{
	const Popstat__StatusQuery *q = r->rq->status;
	Popstat__StatusOk *ok;
	struct unit_eval *ev, *ly;
	struct unit_yoy *yoy;
	period p;
	int u, i;

	/* A unit's own figures: a row of the rankings circulated. */
	if ((u = scope_unit(r, q->unit, SCOPE_STATUS)) < 0 ||
	    parse_period(r, q->period, q->as_of, &p) < 0)
		return -1;
	ev = req_alloc(r, sizeof *ev);
	ly = req_alloc(r, sizeof *ly);
	yoy = req_alloc(r, sizeof *yoy);
	if (eval_or_error(r, u, &p, ev) < 0)
		return -1;
	if (engine_eval_yoy(ev, ly, yoy) < 0)
		return req_error(r, E(INTERNAL),
		    "database error while computing"
		    " %s last year",
		    unit_at(u)->code);
	ok = req_alloc(r, sizeof *ok);
	popstat__status_ok__init(ok);
	ok->unit = unit_at(u)->code;
	ok->name = (char *)unit_name_at(u, p.end);
	ok->period = period_msg(r, &p);
	ok->status = (char *)score_status_str(ev->status);
	ok->has_score = ev->has_score != 0;
	ok->score = score_round2(ev->score);
	ok->n_counters = VAR_COUNT;
	ok->counters = req_alloc(r, VAR_COUNT * sizeof *ok->counters);
	for (i = 0; i < VAR_COUNT; i++) {
		Popstat__CounterValue *c = req_alloc(r, sizeof *c);

		popstat__counter_value__init(c);
		c->name = (char *)engine_var_names[i];
		c->has_value = ev->known[i] != 0;
		c->value = ev->vars[i];
		c->has_integer = 1;
		c->integer = i != VAR_POP_AVG;
		ok->counters[i] = c;
	}
	ok->n_indicators = (size_t)ev->nind;
	ok->indicators =
	    req_alloc(r, (size_t)ev->nind * sizeof *ok->indicators);
	for (i = 0; i < ev->nind; i++) {
		const struct indicator *in = engine_indicator(i);
		Popstat__IndicatorResult *m = req_alloc(r, sizeof *m);

		popstat__indicator_result__init(m);
		m->name = in->name;
		m->unit = in->unit;
		m->has_value = ev->has_value[i] != 0;
		m->value = ev->value[i];
		m->has_annualized = in->permille && ev->has_value[i];
		m->annualized = ev->annualized[i];
		m->has_judged = ev->has_value[i] != 0;
		m->judged = ev->te[i].judged;
		if (ev->target[i]) {
			m->target = target_msg(r, ev->target[i]);
			m->result = (char *)score_result_str(ev->te[i].result);
			m->na_reason = (char *)engine_na_reason(ev, i);
		}
		m->has_yoy_value = m->has_yoy_change = yoy->has[i] != 0;
		m->yoy_value = yoy->value[i];
		m->yoy_change = yoy->change[i];
		ok->indicators[i] = m;
	}
	/* A parent without a population: which children lack one. */
	if (!ev->known[VAR_POP_AVG] && unit_at(u)->nchildren > 0) {
		int nc = unit_at(u)->nchildren, *v, k;

		v = req_alloc(r, (size_t)nc * sizeof *v);
		k = engine_unknown_children(u, &p, v, nc);
		ok->unknown_population = req_alloc(r,
		    (size_t)(k + 1) * sizeof *ok->unknown_population);
		for (i = 0; i < k; i++)
			ok->unknown_population[i] = req_printf(r, "%s %s",
			    unit_at(v[i])->code, unit_at(v[i])->name);
		ok->n_unknown_population = (size_t)k;
	}
	r->resp.body_case = POPSTAT__RESPONSE__BODY_STATUS;
	r->resp.status = ok;
	return 0;
}

/*
 * What a ranking keeps of each unit's evaluation (by child index; the
 * indicator values go to flat arrays beside it).  A struct unit_eval is
 * 6 KiB (room for ENGINE_MAX_INDICATORS): one for each of a thousand units
 * was 6 MiB of fresh memory a request.  Each unit is evaluated into one
 * unit_eval, and this much is copied out.
 */
struct ranked {
	unit_status status;
	int has_score;
	double score;
	uint64_t missed; /* bit k: indicator k missed its target */
};

_Static_assert(ROWCACHE_MAX_IND >= ENGINE_MAX_INDICATORS,
    "a row cache row holds every indicator");

/* The highest tally version in u's subtree: every unit ever under it. */
static uint64_t
subtree_version(int u)
{
	const struct unit *un = unit_at(u);
	uint64_t v = rowcache_version((int)un->id), w;
	int i;

	for (i = 0; i < un->never; i++)
		if ((w = subtree_version(un->ever[i])) > v)
			v = w;
	return v;
}

/* Evaluate unit u into what a ranking keeps of it (rowcache.h). */
static int
eval_row(struct req *r, int u, const period *p, const period *lyp,
    uint64_t ywant, struct unit_eval *ev, struct unit_eval *ly,
    struct unit_yoy *yoy, struct rowcache_row *out)
{
	int k, j, nind = engine_count();

	if (eval_or_error(r, u, p, ev) < 0)
		return -1;
	memset(out, 0, offsetof(struct rowcache_row, has));
	if (ywant && engine_eval_yoy_at(ev, lyp, ywant, ly, yoy) < 0)
		return req_error(r, E(INTERNAL),
		    "database error while computing %s last year",
		    unit_at(u)->code);
	for (k = 0, j = 0; k < nind; k++) {
		if (!(ywant >> k & 1))
			continue;
		out->yval[j] = yoy->value[k];
		out->ychg[j] = yoy->change[k];
		if (!yoy->has[k])
			out->ynone |= (uint64_t)1 << j;
		j++;
	}
	out->status = (int)ev->status;
	out->has_score = ev->has_score;
	out->score = ev->score;
	for (k = 0; k < nind; k++) {
		if (ev->te[k].result == RESULT_MISSED && k < 64)
			out->missed |= (uint64_t)1 << k;
		out->has[k] = ev->has_value[k] != 0;
		out->val[k] = ev->te[k].judged;
	}
	return 0;
}

int
h_ranking(struct req *r)
{
	const Popstat__RankingQuery *q = r->rq->ranking;
	Popstat__RankingOk *ok;
	struct unit_eval *ev, *ly;
	struct unit_yoy *yoy;
	struct unit *parent;
	struct ranked *rk;
	rank_item *items;
	rank_value *vals = NULL;
	period p, lyp;
	int u, n, i, k, ind = -1, nind = engine_count(), ny = 0;
	size_t m = (size_t)(nind ? nind : 1);
	int *has, *kids, yind[ENGINE_MAX_INDICATORS];
	double *val, *yval, *ychg;
	uint64_t *ynone, ywant = 0;
	struct rowcache_key key;
	struct rowcache_row one;
	int nmoves;

	if ((u = scope_unit(r, q->parent, SCOPE_RANKING)) < 0 ||
	    parse_period(r, q->period, q->as_of, &p) < 0)
		return -1;
	if (q->indicator && *q->indicator &&
	    (ind = engine_find(q->indicator)) < 0)
		return req_error(r, E(NOT_FOUND), "no indicator named %.40s",
		    q->indicator);
	parent = unit_at(u);
	period_last_year(&p, &lyp); /* once for every row's 同比 */
	/* The children as the tree was on the period's last day. */
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	n = unit_children_at(u, p.end, kids);
	/* engine_eval() sets what it uses of it. */
	ev = req_alloc_raw(r, sizeof *ev);
	ly = req_alloc_raw(r, sizeof *ly);
	yoy = req_alloc_raw(r, sizeof *yoy);
	/* 同比 for the indicators with a target (doc/indicators.md §14). */
	for (k = 0; k < nind; k++)
		if (engine_target(k, -1) != NULL) {
			ywant |= (uint64_t)1 << k;
			yind[ny++] = k;
		}
	yval = req_alloc(r,
	    (size_t)(n ? n : 1) * (size_t)(ny ? ny : 1) * sizeof *yval);
	ychg = req_alloc(r,
	    (size_t)(n ? n : 1) * (size_t)(ny ? ny : 1) * sizeof *ychg);
	ynone = req_alloc(r, (size_t)(n ? n : 1) * sizeof *ynone);
	rk = req_alloc(r, (size_t)(n ? n : 1) * sizeof *rk);
	has = req_alloc_raw(r, (size_t)(n ? n : 1) * m * sizeof *has);
	val = req_alloc_raw(r, (size_t)(n ? n : 1) * m * sizeof *val);
	items = req_alloc(r, (size_t)(n ? n : 1) * sizeof *items);
	if (ind >= 0)
		vals = req_alloc(r, (size_t)(n ? n : 1) * sizeof *vals);
	/* Unit moves make an evaluation read outside the present subtree. */
	units_moves(&nmoves);
	key.start = p.start;
	key.end = p.end;
	key.units_gen = units_generation();
	key.engine_gen = engine_generation();
	key.ywant = ywant;
	for (i = 0; i < n; i++) {
		const struct rowcache_row *c = NULL;
		uint64_t stamp;

		key.unit = kids[i];
		if (nmoves == 0 && (c = rowcache_get(&key, &stamp)) != NULL &&
		    subtree_version(kids[i]) > stamp)
			c = NULL;
		rowcache_count(c != NULL);
		if (c == NULL) {
			stamp = rowcache_stamp();
			if (eval_row(r, kids[i], &p, &lyp, ywant, ev, ly, yoy,
				&one) < 0)
				return -1;
			if (nmoves == 0)
				rowcache_put(&key, stamp, &one);
			c = &one;
		}
		for (k = 0; k < ny; k++) {
			yval[(size_t)i * (size_t)ny + (size_t)k] = c->yval[k];
			ychg[(size_t)i * (size_t)ny + (size_t)k] = c->ychg[k];
		}
		ynone[i] = c->ynone;
		rk[i].status = (unit_status)c->status;
		rk[i].has_score = c->has_score;
		rk[i].score = c->score;
		rk[i].missed = c->missed;
		for (k = 0; k < nind; k++) {
			has[(size_t)i * m + (size_t)k] = c->has[k];
			val[(size_t)i * m + (size_t)k] = c->val[k];
		}
		items[i].key = unit_at(kids[i])->code;
		items[i].tag = i;
		items[i].status = rk[i].status;
		items[i].has_score = c->has_score;
		items[i].score = c->score;
		if (ind >= 0) {
			vals[i].key = items[i].key;
			vals[i].tag = i;
			vals[i].has_value = c->has[ind];
			vals[i].value = c->val[ind];
		}
	}
	if (ind >= 0) {
		const struct target *t = engine_target(ind, -1);

		/* No target: lower first, like the rates that have one. */
		score_rank_values(vals, (size_t)n,
		    t == NULL || t->op == OP_LE || t->op == OP_LT);
	} else {
		score_rank_units(items, (size_t)n);
	}
	ok = req_alloc(r, sizeof *ok);
	popstat__ranking_ok__init(ok);
	ok->parent = parent->code;
	ok->parent_name = parent->name;
	ok->period = period_msg(r, &p);
	if (ind >= 0)
		ok->indicator = engine_indicator(ind)->name;
	ok->n_indicator_names = (size_t)nind;
	ok->indicator_names =
	    req_alloc(r, (size_t)(nind + 1) * sizeof *ok->indicator_names);
	for (k = 0; k < nind; k++)
		ok->indicator_names[k] = engine_indicator(k)->name;
	ok->n_yoy_names = (size_t)ny;
	ok->yoy_names = req_alloc(r, (size_t)(ny + 1) * sizeof *ok->yoy_names);
	for (k = 0; k < ny; k++)
		ok->yoy_names[k] = engine_indicator(yind[k])->name;
	ok->n_rows = (size_t)n;
	ok->rows = req_alloc(r, (size_t)(n ? n : 1) * sizeof *ok->rows);
	for (i = 0; i < n; i++) {
		int t = ind >= 0 ? vals[i].tag : items[i].tag;
		const struct ranked *e = &rk[t];
		const struct unit *c = unit_at(kids[t]);
		Popstat__RankRow *row = req_alloc(r, sizeof *row);

		popstat__rank_row__init(row);
		row->rank = (uint32_t)(ind >= 0 ? vals[i].rank : items[i].rank);
		row->unit = c->code;
		row->name = (char *)unit_name_at(kids[t], p.end);
		row->status = (char *)score_status_str(e->status);
		row->has_score = e->has_score != 0;
		row->score = score_round2(e->score);
		rank_row_set_values(row, (size_t)nind, has + (size_t)t * m,
		    val + (size_t)t * m, req_alloc_raw(r, m * sizeof(int64_t)),
		    req_alloc_raw(r, m * sizeof(double)));
		row->n_yoy_values = row->n_yoy_changes = (size_t)ny;
		row->yoy_values = yval + (size_t)t * (size_t)ny;
		row->yoy_changes = ychg + (size_t)t * (size_t)ny;
		row->has_yoy_none = ny > 0;
		row->yoy_none = ynone[t];
		row->has_missed = 1;
		row->missed = e->missed;
		ok->rows[i] = row;
	}
	r->resp.body_case = POPSTAT__RESPONSE__BODY_RANKING;
	r->resp.ranking = ok;
	return 0;
}

struct missed_ctx {
	struct req *r;
	int unit;
	Popstat__MissedVerification **v;
	size_t n, cap;
};

static void
missed_one(const char *record_id, int32_t day, void *arg)
{
	struct missed_ctx *x = arg;
	Popstat__MissedVerification *m;
	char b[11];

	if (x->n == x->cap) {
		Popstat__MissedVerification **nv;

		x->cap = x->cap ? x->cap * 2 : 32;
		nv = req_alloc(x->r, x->cap * sizeof *nv);
		if (x->n)
			memcpy(nv, x->v, x->n * sizeof *nv);
		x->v = nv;
	}
	m = req_alloc(x->r, sizeof *m);
	popstat__missed_verification__init(m);
	m->record_id = req_strdup(x->r, record_id);
	m->unit = unit_at(x->unit)->code;
	m->unit_name = unit_at(x->unit)->name;
	m->date = req_strdup(x->r, date_format(day, b));
	x->v[x->n++] = m;
}

int
h_verify_report(struct req *r)
{
	const Popstat__VerifyReport *q = r->rq->verify_report;
	Popstat__VerifyReportOk *ok;
	struct missed_ctx x;
	struct unit_eval *ev;
	int *sub = NULL, cap = 0, n, i, u;
	period p;

	/* Record ids of the subtree: record-level. */
	if ((u = scope_unit(r, q->unit, SCOPE_RECORD)) < 0 ||
	    parse_period(r, q->period, q->as_of, &p) < 0)
		return -1;
	memset(&x, 0, sizeof x);
	x.r = r;
	n = unit_subtree(u, &sub, &cap);
	for (i = 0; i < n; i++) {
		x.unit = sub[i];
		if (store_missed_verifications(unit_at(sub[i])->id, p.start,
			p.end, missed_one, &x) < 0) {
			free(sub);
			return req_error(r, E(INTERNAL), "database error");
		}
	}
	free(sub);
	ev = req_alloc(r, sizeof *ev);
	if (eval_or_error(r, u, &p, ev) < 0)
		return -1;
	ok = req_alloc(r, sizeof *ok);
	popstat__verify_report_ok__init(ok);
	ok->period = period_msg(r, &p);
	ok->missed = x.v;
	ok->n_missed = x.n;
	ok->verified = (uint32_t)ev->vars[CTR_VERIFIED];
	r->resp.body_case = POPSTAT__RESPONSE__BODY_VERIFY_REPORT;
	r->resp.verify_report = ok;
	return 0;
}

int
h_indicator_list(struct req *r)
{
	Popstat__IndicatorListOk *ok = req_alloc(r, sizeof *ok);
	int i, k, n = engine_count();

	popstat__indicator_list_ok__init(ok);
	ok->n_indicators = (size_t)n;
	ok->indicators =
	    req_alloc(r, (size_t)(n ? n : 1) * sizeof *ok->indicators);
	for (i = 0; i < n; i++) {
		const struct indicator *in = engine_indicator(i);
		Popstat__Indicator *m = req_alloc(r, sizeof *m);
		size_t nt = 0;

		popstat__indicator__init(m);
		m->name = in->name;
		m->expr = in->src;
		m->unit = in->unit;
		m->targets = req_alloc(r,
		    (size_t)(engine_ntargets() + 1) * sizeof *m->targets);
		/* The default first, then the per-unit overrides. */
		for (k = 0; k < engine_ntargets(); k++)
			if (engine_target_at(k)->indicator == i &&
			    engine_target_at(k)->unit < 0)
				m->targets[nt++] =
				    target_msg(r, engine_target_at(k));
		for (k = 0; k < engine_ntargets(); k++)
			if (engine_target_at(k)->indicator == i &&
			    engine_target_at(k)->unit >= 0)
				m->targets[nt++] =
				    target_msg(r, engine_target_at(k));
		m->n_targets = nt;
		ok->indicators[i] = m;
	}
	r->resp.body_case = POPSTAT__RESPONSE__BODY_INDICATOR_LIST;
	r->resp.indicator_list = ok;
	return 0;
}

static int
indicator_name_ok(const char *s)
{
	size_t n = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
			(s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n <= 40;
}

static const char *
target_text(struct req *r, const struct target *t)
{
	if (t == NULL)
		return NULL;
	return req_printf(r, "%s %.15g veto=%s weight=%.15g",
	    score_op_str(t->op), t->value, t->veto ? "yes" : "no", t->weight);
}

int
h_indicator_set(struct req *r)
{
	const Popstat__IndicatorSet *q = r->rq->indicator_set;
	char err[256];
	const char *old = NULL;
	expr *e;
	int i;

	if (!indicator_name_ok(q->name))
		return req_error(r, E(BAD_REQUEST),
		    "indicator name '%.40s': must"
		    " be 1-40 of a-z 0-9 _, starting with a letter",
		    q->name);
	if (engine_count() >= ENGINE_MAX_INDICATORS && engine_find(q->name) < 0)
		return req_error(r, E(TOO_LARGE), "at most %d indicators",
		    ENGINE_MAX_INDICATORS);
	e = expr_compile(q->expr, engine_var_names, VAR_COUNT, err, sizeof err);
	if (e == NULL)
		return req_error(r, E(BAD_REQUEST), "expression: %s", err);
	expr_free(e);
	if (strlen(q->unit) == 0 || strlen(q->unit) > 32)
		return req_error(r, E(BAD_REQUEST),
		    "--unit: 1-32 bytes, e.g. ‰ or %%");
	if ((i = engine_find(q->name)) >= 0)
		old = req_printf(r, "%s [%s]", engine_indicator(i)->src,
		    engine_indicator(i)->unit);
	if (store_indicator_put(q->name, q->expr, q->unit) < 0 ||
	    store_audit(r->who->name, "indicator.set", NULL, q->name, old,
		req_printf(r, "%s [%s]", q->expr, q->unit), NULL) < 0 ||
	    engine_load() < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	req_ack(r,
	    req_printf(r, "indicator %s = %s [%s]", q->name, q->expr, q->unit));
	return 0;
}

int
h_target_set(struct req *r)
{
	const Popstat__TargetSet *q = r->rq->target_set;
	const struct target *cur, *def;
	store_target t;
	target_op op;
	int ind, u = -1;

	if ((ind = engine_find(q->indicator)) < 0)
		return req_error(r, E(NOT_FOUND), "no indicator named %.40s",
		    q->indicator);
	if (score_op_parse(q->op, &op) < 0)
		return req_error(r, E(BAD_REQUEST),
		    "operator '%.8s': must be <=,"
		    " >=, < or >",
		    q->op);
	if (!isfinite(q->value))
		return req_error(r, E(BAD_REQUEST),
		    "target value must be a number");
	if (q->has_weight &&
	    (!isfinite(q->weight) || q->weight < 0 || q->weight > 1000))
		return req_error(r, E(BAD_REQUEST), "--weight must be 0-1000");
	if (q->unit && *q->unit && (u = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	def = engine_target(ind, -1);
	cur = engine_target(ind, u);
	if (cur && u >= 0 && cur->unit != u)
		cur = NULL; /* only the default exists: a new override */
	memset(&t, 0, sizeof t);
	/* A copy: engine_load() below frees the engine's strings. */
	t.indicator = req_strdup(r, engine_indicator(ind)->name);
	t.unit_id = u >= 0 ? unit_at(u)->id : 0;
	t.op = score_op_str(op);
	t.value = q->value;
	/* Unset flags keep the current value, else inherit the default. */
	t.veto = q->has_veto ? q->veto : cur ? cur->veto : def ? def->veto : 0;
	t.weight = q->has_weight ? q->weight :
	    cur                  ? cur->weight :
	    def                  ? def->weight :
				   25;
	if (store_target_put(&t) < 0 ||
	    store_audit(r->who->name, "target.set",
		u >= 0 ? unit_at(u)->code : NULL, t.indicator,
		target_text(r, cur),
		req_printf(r, "%s %.15g veto=%s weight=%.15g", t.op, t.value,
		    t.veto ? "yes" : "no", t.weight),
		NULL) < 0 ||
	    engine_load() < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	req_ack(r,
	    req_printf(r, "target %s %s %.15g (veto %s, weight %.15g)%s%s",
		t.indicator, t.op, t.value, t.veto ? "yes" : "no", t.weight,
		u >= 0 ? " for unit " : "", u >= 0 ? unit_at(u)->code : ""));
	return 0;
}

int
h_target_delete(struct req *r)
{
	const Popstat__TargetDelete *q = r->rq->target_delete;
	const struct target *cur;
	const char *name;
	int ind, u = -1, rc;

	if ((ind = engine_find(q->indicator)) < 0)
		return req_error(r, E(NOT_FOUND), "no indicator named %.40s",
		    q->indicator);
	if (q->unit && *q->unit && (u = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	cur = engine_target(ind, u);
	if (cur == NULL || cur->unit != u)
		return req_error(r, E(NOT_FOUND), "%s has no target%s%s",
		    q->indicator, u >= 0 ? " override for " : "",
		    u >= 0 ? unit_at(u)->code : "");
	name = req_strdup(r, engine_indicator(ind)->name);
	rc = store_target_delete(name, u >= 0 ? unit_at(u)->id : 0);
	if (rc < 0 ||
	    store_audit(r->who->name, "target.delete",
		u >= 0 ? unit_at(u)->code : NULL, name, target_text(r, cur),
		NULL, NULL) < 0 ||
	    engine_load() < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	req_ack(r, "target deleted");
	return 0;
}
