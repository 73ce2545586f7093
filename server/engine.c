/*
 * engine.c - indicators, targets, population accounting and judging.
 */
#include "engine.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "sbuf.h"
#include "tally.h"
#include "units.h"

_Static_assert(TALLY_K == CTR_DAILY_COUNT, "tally.h counts the daily counters");

const char *const engine_var_names[VAR_COUNT] = { "births", "births_male",
	"births_female", "births_policy", "births_order3", "deaths", "mig_in",
	"mig_out", "verified", "verified_missed", "pop_start", "pop_end",
	"pop_avg", "days", "year_days" };

static struct indicator inds[ENGINE_MAX_INDICATORS];
static int ninds;
static struct target *tgts;
static int ntgts, captgts;

int
engine_count(void)
{
	return ninds;
}

const struct indicator *
engine_indicator(int i)
{
	return i >= 0 && i < ninds ? &inds[i] : NULL;
}

int
engine_find(const char *name)
{
	int i;

	for (i = 0; i < ninds; i++)
		if (strcmp(inds[i].name, name) == 0)
			return i;
	return -1;
}

int
engine_ntargets(void)
{
	return ntgts;
}

const struct target *
engine_target_at(int i)
{
	return i >= 0 && i < ntgts ? &tgts[i] : NULL;
}

const struct target *
engine_target(int ind, int u)
{
	const struct target *def = NULL;
	int i;

	for (i = 0; i < ntgts; i++) {
		if (tgts[i].indicator != ind)
			continue;
		if (tgts[i].unit == u && u >= 0)
			return &tgts[i];
		if (tgts[i].unit < 0)
			def = &tgts[i];
	}
	return def;
}

static void
load_indicator(const store_indicator *si, void *arg)
{
	struct indicator *in;
	char err[256];
	expr *e;

	(void)arg;
	if (ninds == ENGINE_MAX_INDICATORS) {
		log_warn("indicator %s ignored: more than %d indicators",
		    si->name, ENGINE_MAX_INDICATORS);
		return;
	}
	e = expr_compile(si->expr, engine_var_names, VAR_COUNT, err,
	    sizeof err);
	if (e == NULL) {
		log_warn("indicator %s ignored: %s", si->name, err);
		return;
	}
	in = &inds[ninds++];
	in->name = xstrdup(si->name);
	in->src = xstrdup(si->expr);
	in->unit = xstrdup(si->unit);
	in->e = e;
	in->permille = strcmp(si->unit, "‰") == 0;
}

static void
load_target(const store_target *st, void *arg)
{
	struct target *t;
	int ind = engine_find(st->indicator);
	int u = st->unit_id ? unit_by_id(st->unit_id) : -1;
	target_op op;

	(void)arg;
	if (ind < 0 || (st->unit_id && u < 0) ||
	    score_op_parse(st->op, &op) < 0)
		return;
	if (ntgts == captgts) {
		captgts = captgts ? captgts * 2 : 16;
		tgts = xrealloc(tgts, (size_t)captgts * sizeof *tgts);
	}
	t = &tgts[ntgts++];
	t->indicator = ind;
	t->unit = u;
	t->op = op;
	t->value = st->value;
	t->veto = st->veto;
	t->weight = st->weight;
}

void
engine_free(void)
{
	int i;

	for (i = 0; i < ninds; i++) {
		free(inds[i].name);
		free(inds[i].src);
		free(inds[i].unit);
		expr_free(inds[i].e);
	}
	ninds = 0;
	free(tgts);
	tgts = NULL;
	ntgts = captgts = 0;
}

static uint64_t generation; /* loads made, for server/rowcache.h */

uint64_t
engine_generation(void)
{
	return generation;
}

/*
 * (Re)load indicators and targets from the writer connection, so a change
 * made in the open transaction is seen at once.
 */
int
engine_load(void)
{
	generation++;
	engine_free();
	if (store_indicators_load(load_indicator, NULL) < 0 ||
	    store_targets_load(load_target, NULL) < 0)
		return -1;
	return 0;
}

/* Add the counters of u's subtree over [start, end] to out (tally.h). */
static void
tree_counters(int u, int32_t start, int32_t end, int64_t out[TALLY_K])
{
	const struct unit *un = unit_at(u);
	int64_t c[TALLY_K];
	int i, k;

	tally_sum((int)un->id, start, end, c);
	for (k = 0; k < TALLY_K; k++)
		out[k] += c[k];
	for (i = 0; i < un->nchildren; i++)
		tree_counters(un->children[i], start, end, out);
}

/*
 * The same over [start, end] with the tree of day `at` (the tree does not
 * change within the span): the units that were ever u's children and are
 * its children on `at`.  A merged unit is its new parent's child: its
 * records from the merge on count there.
 */
static void
tree_counters_at(int u, int32_t at, int32_t start, int32_t end,
    int64_t out[TALLY_K])
{
	const struct unit *un = unit_at(u);
	int64_t c[TALLY_K];
	int i, k;

	tally_sum((int)un->id, start, end, c);
	for (k = 0; k < TALLY_K; k++)
		out[k] += c[k];
	for (i = 0; i < un->never; i++)
		if (unit_parent_at(un->ever[i], at) == u)
			tree_counters_at(un->ever[i], at, start, end, out);
}

/*
 * u's subtree over [start, end], the tree of each day (issue 22): the span
 * is cut at every day a unit moved, and each piece summed with its tree.
 */
static void
subtree_counters(int u, int32_t start, int32_t end, int64_t out[TALLY_K])
{
	const struct unit_move *mv;
	int32_t s, e;
	int n, k;

	mv = units_moves(&n);
	if (n == 0) {
		tree_counters(u, start, end, out);
		return;
	}
	for (s = start; s <= end; s = e + 1) {
		/* The piece ends the day before the next move after s. */
		e = end;
		for (k = 0; k < n; k++)
			if (mv[k].day > s && mv[k].day - 1 < e)
				e = mv[k].day - 1;
		tree_counters_at(u, s, s, e, out);
	}
}

/* births - deaths + in - out over u's subtree and [start, end]. */
static int64_t
subtree_net(int u, int32_t start, int32_t end)
{
	int64_t c[TALLY_K] = { 0 };

	if (start > end)
		return 0;
	subtree_counters(u, start, end, c);
	return c[CTR_BIRTHS] - c[CTR_DEATHS] + c[CTR_MIG_IN] - c[CTR_MIG_OUT];
}

/*
 * The people units brought into u's subtree (minus those they took out)
 * by moving on days lo..hi (issue 22): a unit that moves in on day D
 * brings its population at the end of D - 1, as the tree was then.  Sets
 * *out; returns 1, 0 when a moved unit's population is unknown, -1 on
 * error.
 */
static int
transfers(int u, int32_t lo, int32_t hi, int64_t *out)
{
	const struct unit_move *mv;
	int64_t x;
	int n, k, in, was, rc;

	*out = 0;
	mv = units_moves(&n);
	for (k = 0; k < n; k++) {
		if (mv[k].day < lo || mv[k].day > hi || mv[k].unit == u)
			continue;
		was = mv[k].from >= 0 &&
		    unit_within_at(mv[k].from, u, mv[k].day - 1);
		in = unit_within_at(mv[k].to, u, mv[k].day);
		if (in == was)
			continue;
		if ((rc = engine_population(mv[k].unit, mv[k].day - 1, &x)) <=
		    0)
			return rc;
		*out += in ? x : -x;
	}
	return 1;
}

/*
 * P(d) per doc/indicators.md §5: from the unit's own latest snapshot on or
 * before d rolled forward, else its earliest later one rolled back; a unit
 * without snapshots of its own is the sum of its children on day d
 * (unknown if any child is unknown, or if it has none).  With moves, the
 * roll counts the people moved in and out (transfers()).
 */
int
engine_population(int u, int32_t d, int64_t *out)
{
	struct unit *un = unit_at(u);
	int32_t s;
	int64_t persons, sum = 0, x, t = 0;
	int rc, i, n = 0, nmv;

	units_moves(&nmv);
	if (tally_has_pop((int)un->id)) {
		if (tally_pop_near((int)un->id, d, 1, &s, &persons)) {
			if (nmv && (rc = transfers(u, s + 1, d, &t)) <= 0)
				return rc;
			*out = persons + subtree_net(u, s + 1, d) + t;
			return 1;
		}
		if (!tally_pop_near((int)un->id, d, 0, &s, &persons))
			return -1;
		if (nmv && (rc = transfers(u, d + 1, s, &t)) <= 0)
			return rc;
		*out = persons - subtree_net(u, d + 1, s) - t;
		return 1;
	}
	if (nmv == 0) {
		if (un->nchildren == 0)
			return 0;
		for (i = 0; i < un->nchildren; i++) {
			rc = engine_population(un->children[i], d, &x);
			if (rc <= 0)
				return rc;
			sum += x;
		}
		*out = sum;
		return 1;
	}
	for (i = 0; i < un->never; i++) {
		if (unit_parent_at(un->ever[i], d) != u)
			continue;
		n++;
		rc = engine_population(un->ever[i], d, &x);
		if (rc <= 0)
			return rc;
		sum += x;
	}
	if (n == 0)
		return 0;
	*out = sum;
	return 1;
}

/*
 * P(d1) and P(d2) of u (d1 < d2) as engine_population() gives them, for
 * a tree without moves, in one walk instead of two.  A unit whose two
 * days use the same snapshot (s, x) has P(d) = x + N(d) - N(s) on both,
 * N the running net change of its subtree, so P(d2) = P(d1) + the net
 * change over [d1 + 1, d2]: exactly the same integers, over a span of the
 * period's length instead of one from the snapshot.  rc[j] and out[j] are
 * engine_population()'s return value and *out for day j (out[j] is left
 * alone unless rc[j] is 1).
 */
static void
population_pair(int u, int32_t d1, int32_t d2, int rc[2], int64_t out[2])
{
	const struct unit *un = unit_at(u);
	int32_t s1, s2;
	int64_t x1, x2, x[2];
	int i, j, c[2], b1, b2;

	if (tally_has_pop((int)un->id)) {
		b1 = tally_pop_near((int)un->id, d1, 1, &s1, &x1) ||
		    tally_pop_near((int)un->id, d1, 0, &s1, &x1);
		b2 = tally_pop_near((int)un->id, d2, 1, &s2, &x2) ||
		    tally_pop_near((int)un->id, d2, 0, &s2, &x2);
		if (b1 && b2 && s1 == s2 && x1 == x2 &&
		    (rc[0] = engine_population(u, d1, &out[0])) == 1) {
			rc[1] = 1;
			out[1] = out[0] + subtree_net(u, d1 + 1, d2);
			return;
		}
		rc[0] = engine_population(u, d1, &out[0]);
		rc[1] = engine_population(u, d2, &out[1]);
		return;
	}
	if (un->nchildren == 0) {
		rc[0] = rc[1] = 0;
		return;
	}
	/* The first child not known on a day decides that day, as there. */
	rc[0] = rc[1] = 1;
	x1 = x2 = 0;
	for (i = 0; i < un->nchildren && (rc[0] == 1 || rc[1] == 1); i++) {
		population_pair(un->children[i], d1, d2, c, x);
		for (j = 0; j < 2; j++)
			if (rc[j] == 1 && c[j] <= 0)
				rc[j] = c[j];
		if (rc[0] == 1)
			x1 += x[0];
		if (rc[1] == 1)
			x2 += x[1];
	}
	if (rc[0] == 1)
		out[0] = x1;
	if (rc[1] == 1)
		out[1] = x2;
}

/*
 * engine_eval()'s walk of a tree without moves: adds u's subtree's
 * counters over [start, end] to sub (as tree_counters()) and sets rc and
 * pop to P(start - 1) and P(end) (as population_pair()), one tally_sum()
 * per unit serving both: a unit whose two days use the same snapshot
 * gets P(end) = P(start - 1) + its subtree's net change over the period,
 * the counters just summed.
 */
static void
eval_walk(int u, int32_t start, int32_t end, int64_t sub[TALLY_K], int rc[2],
    int64_t pop[2])
{
	const struct unit *un = unit_at(u);
	int64_t own[TALLY_K], x1, x2, x[2];
	int32_t s1, s2;
	int i, k, c[2], b1, b2;

	tally_sum((int)un->id, start, end, own);
	if (tally_has_pop((int)un->id)) {
		for (i = 0; i < un->nchildren; i++)
			tree_counters(un->children[i], start, end, own);
		b1 = tally_pop_near((int)un->id, start - 1, 1, &s1, &x1) ||
		    tally_pop_near((int)un->id, start - 1, 0, &s1, &x1);
		b2 = tally_pop_near((int)un->id, end, 1, &s2, &x2) ||
		    tally_pop_near((int)un->id, end, 0, &s2, &x2);
		if (b1 && b2 && s1 == s2 && x1 == x2 &&
		    (rc[0] = engine_population(u, start - 1, &pop[0])) == 1) {
			rc[1] = 1;
			pop[1] = pop[0] + own[CTR_BIRTHS] - own[CTR_DEATHS] +
			    own[CTR_MIG_IN] - own[CTR_MIG_OUT];
		} else {
			rc[0] = engine_population(u, start - 1, &pop[0]);
			rc[1] = engine_population(u, end, &pop[1]);
		}
	} else if (un->nchildren == 0) {
		rc[0] = rc[1] = 0;
	} else {
		/* The first child not known on a day decides that day. */
		rc[0] = rc[1] = 1;
		x1 = x2 = 0;
		for (i = 0; i < un->nchildren; i++) {
			eval_walk(un->children[i], start, end, own, c, x);
			if (rc[0] == 1 && c[0] <= 0)
				rc[0] = c[0];
			if (rc[1] == 1 && c[1] <= 0)
				rc[1] = c[1];
			if (rc[0] == 1)
				x1 += x[0];
			if (rc[1] == 1)
				x2 += x[1];
		}
		if (rc[0] == 1)
			pop[0] = x1;
		if (rc[1] == 1)
			pop[1] = x2;
	}
	for (k = 0; k < TALLY_K; k++)
		sub[k] += own[k];
}

/* P(start - 1) and P(end) of u, the return values in rc. */
static void
population_ends(int u, const period *p, int rc[2], int64_t out[2])
{
	int nmv;

	units_moves(&nmv);
	if (nmv == 0 && p->start <= p->end) {
		population_pair(u, p->start - 1, p->end, rc, out);
		return;
	}
	if ((rc[0] = engine_population(u, p->start - 1, &out[0])) < 0)
		return;
	rc[1] = engine_population(u, p->end, &out[1]);
}

/*
 * The variables of u over p into ev (counters, populations, days): what
 * every indicator's expression reads.  With end_known >= 0, *end_pop is
 * u's population on p->end (engine_population()'s answer and its return
 * value end_known, worked out by the caller in the same request), not
 * asked again.  Returns 0, or -1 on a database error.
 */
static int
eval_vars(int u, const period *p, const int64_t *end_pop, int end_known,
    struct unit_eval *ev)
{
	counters c;
	int64_t ps = 0, pe = 0, pop[2];
	int ks, ke, i, prc[2], nmv;

	/* The per-indicator arrays are set by the callers, as far as used. */
	memset(ev, 0, offsetof(struct unit_eval, has_value));
	ev->unit = u;
	ev->p = *p;
	ev->days = period_days(p);
	ev->year_days = date_year_days(p->start);
	memset(&c, 0, sizeof c);
	pop[0] = pop[1] = 0;
	units_moves(&nmv);
	if (nmv == 0 && p->start <= p->end) {
		eval_walk(u, p->start, p->end, c.v, prc, pop);
	} else {
		subtree_counters(u, p->start, p->end, c.v);
		if (end_known >= 0)
			prc[0] = engine_population(u, p->start - 1, &pop[0]);
		else
			population_ends(u, p, prc, pop);
	}
	ev->total = c;
	for (i = 0; i < CTR_BASE_COUNT; i++) {
		ev->vars[i] = (double)c.v[i];
		ev->known[i] = 1;
	}
	if ((ks = prc[0]) < 0)
		return -1;
	ps = pop[0];
	if (end_known >= 0) {
		ke = end_known;
		pe = ke ? *end_pop : 0;
	} else if ((ke = prc[1]) < 0) {
		return -1;
	} else {
		pe = pop[1];
	}
	ev->vars[VAR_POP_START] = (double)ps;
	ev->known[VAR_POP_START] = (unsigned char)ks;
	ev->vars[VAR_POP_END] = (double)pe;
	ev->known[VAR_POP_END] = (unsigned char)ke;
	ev->vars[VAR_POP_AVG] = ((double)ps + (double)pe) / 2;
	ev->known[VAR_POP_AVG] = ks && ke;
	ev->vars[VAR_DAYS] = ev->days;
	ev->known[VAR_DAYS] = 1;
	ev->vars[VAR_YEAR_DAYS] = ev->year_days;
	ev->known[VAR_YEAR_DAYS] = 1;
	ev->nind = ninds;
	return 0;
}

int
engine_eval(int u, const period *p, struct unit_eval *ev)
{
	int i;

	if (eval_vars(u, p, NULL, -1, ev) < 0)
		return -1;
	for (i = 0; i < ninds; i++) {
		const struct target *t = engine_target(i, u);
		target_eval *te = &ev->te[i];
		double v;

		memset(te, 0, sizeof *te);
		ev->has_value[i] = 0;
		ev->value[i] = ev->annualized[i] = 0;
		if (expr_eval(inds[i].e, ev->vars, ev->known, &v) == 0) {
			ev->has_value[i] = 1;
			ev->value[i] = score_round2(v);
			/* Annualize the unrounded value, then round once. */
			ev->annualized[i] = inds[i].permille ?
			    score_round2(v * ev->year_days / ev->days) :
			    ev->value[i];
		}
		te->has_value = ev->has_value[i];
		te->judged = ev->annualized[i];
		ev->target[i] = t;
		if (t != NULL) {
			te->has_target = 1;
			te->op = t->op;
			te->target = t->value;
			te->veto = t->veto;
			te->weight = t->weight;
		}
	}
	ev->has_score =
	    score_unit(ev->te, (size_t)ninds, &ev->status, &ev->score);
	return 0;
}

int
engine_eval_months(int u, const period *months, int n, const int32_t *from,
    struct unit_eval *out, int *ok)
{
	int i, nok = 0;

	for (i = 0; i < n; i++) {
		period p = months[i];

		if (from)
			p.start = *from;
		ok[i] = engine_eval(u, &p, &out[i]) == 0;
		nok += ok[i];
	}
	return nok;
}

int
engine_eval_yoy(const struct unit_eval *ev, struct unit_eval *ly,
    struct unit_yoy *out)
{
	period p;

	period_last_year(&ev->p, &p);
	return engine_eval_yoy_at(ev, &p, ~(uint64_t)0, ly, out);
}

/*
 * Only the rounded values of last year are compared (doc/indicators.md
 * §14): not its annualized values, targets or score, which engine_eval()
 * would also work out.  The value is computed exactly as engine_eval()
 * computes it (same variables, same expression, same rounding).
 */
int
engine_eval_yoy_at(const struct unit_eval *ev, const period *lyp, uint64_t want,
    struct unit_eval *ly, struct unit_yoy *out)
{
	int64_t pop = 0;
	int i, known = -1;

	/*
	 * A period of whole years ends last year on the day before this one
	 * starts: that population is this year's start, already known.
	 */
	if (lyp->end == ev->p.start - 1) {
		known = ev->known[VAR_POP_START];
		pop = (int64_t)ev->vars[VAR_POP_START];
	}
	if (eval_vars(ev->unit, lyp, &pop, known, ly) < 0)
		return -1;
	for (i = 0; i < ninds; i++) {
		double v;

		ly->has_value[i] = 0;
		ly->value[i] = 0;
		if ((want >> i & 1) &&
		    expr_eval(inds[i].e, ly->vars, ly->known, &v) == 0) {
			ly->has_value[i] = 1;
			ly->value[i] = score_round2(v);
		}
	}
	for (i = 0; i < ev->nind && i < ly->nind; i++) {
		out->has[i] = ev->has_value[i] && ly->has_value[i];
		out->value[i] = out->has[i] ? ly->value[i] : 0;
		/* Both are rounded: the difference is a hundredth, to round. */
		out->change[i] =
		    out->has[i] ? score_round2(ev->value[i] - ly->value[i]) : 0;
	}
	for (; i < ev->nind; i++)
		out->has[i] = 0;
	return 0;
}

const char *
engine_na_reason(const struct unit_eval *ev, int i)
{
	const expr *e;

	if (i < 0 || i >= ev->nind || ev->has_value[i])
		return NULL;
	e = inds[i].e;
	if ((expr_uses(e, VAR_POP_AVG) && !ev->known[VAR_POP_AVG]) ||
	    (expr_uses(e, VAR_POP_START) && !ev->known[VAR_POP_START]) ||
	    (expr_uses(e, VAR_POP_END) && !ev->known[VAR_POP_END]))
		return "no_population";
	if ((expr_uses(e, CTR_VERIFIED) || expr_uses(e, CTR_VERIFIED_MISSED)) &&
	    ev->vars[CTR_VERIFIED] == 0)
		return "no_verification";
	if (expr_uses(e, CTR_BIRTHS) && ev->vars[CTR_BIRTHS] == 0)
		return "no_births";
	return "zero_denominator";
}

int
engine_unknown_children(int u, const period *p, int *v, int cap)
{
	const struct unit *un = unit_at(u);
	int64_t x[2];
	int i, n = 0, rc[2];

	for (i = 0; i < un->nchildren; i++) {
		int c = un->children[i];

		population_ends(c, p, rc, x);
		if (rc[0] == 1 && rc[1] == 1)
			continue;
		if (n < cap)
			v[n] = c;
		n++;
	}
	return n;
}
