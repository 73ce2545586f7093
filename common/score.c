/*
 * score.c - judging targets, scoring and ranking (doc/indicators.md §6-§7).
 *
 * "What a user sees is what is judged": every comparison is made on values
 * rounded by score_round2(), which goes through the same "%.2f" conversion the
 * renderers use.  score_round2() is idempotent, so the functions below round
 * their inputs again rather than trust every caller to have done it.
 *
 * The "%.2f" conversion follows LC_NUMERIC: the program must keep the "C"
 * numeric locale.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

/* The reference: the decimal "%.2f" prints, read back. */
static double
round2_printf(double v)
{
	char buf[512]; /* "%.2f" of DBL_MAX is 313 bytes with its sign */
	double r;

	snprintf(buf, sizeof buf, "%.2f", v);
	r = strtod(buf, NULL);
	return r == 0 ? 0.0 : r;
}

/*
 * v rounded to 2 decimals exactly as printf("%.2f", v) shows it (the
 * double nearest to the printed decimal), with -0.00 made 0.  Infinities
 * and NaN are returned unchanged.
 *
 * printf rounds the exact binary value of v, ties to even; so does this,
 * without formatting: n is found with n <= 100v < n + 1 and then compared
 * with the midpoint n + 1/2.  Each fma() gives the sign of 100v - m
 * exactly (one rounding never turns a non-zero into zero or flips its
 * sign), and n / 100.0 is the double nearest to the decimal n/100, as
 * strtod() would read it.  Above 2^50 / 100 the integers involved stop
 * being exact and the printf path is taken (tests/unit/test_score.c
 * compares both on millions of values).
 */
double
score_round2(double v)
{
	double n, d;

	if (!isfinite(v))
		return v;
	if (fabs(v) >= 1e13)
		return round2_printf(v);
	n = floor(v * 100.0);
	if (fma(v, 100.0, -n) < 0)
		n -= 1;
	else if (fma(v, 100.0, -(n + 1)) >= 0)
		n += 1;
	d = fma(v, 100.0, -(n + 0.5));
	if (d > 0 || (d == 0 && fmod(n, 2.0) != 0))
		n += 1;
	return n == 0 ? 0.0 : n / 100.0;
}

double
score_round2_reference(double v)
{
	return isfinite(v) ? round2_printf(v) : v;
}

/*
 * Parse "<=", ">=", "<" or ">" into *op.  Returns 0, or -1 (and *op
 * unchanged) for anything else.
 */
int
score_op_parse(const char *s, target_op *op)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "<=") == 0)
		*op = OP_LE;
	else if (strcmp(s, ">=") == 0)
		*op = OP_GE;
	else if (strcmp(s, "<") == 0)
		*op = OP_LT;
	else if (strcmp(s, ">") == 0)
		*op = OP_GT;
	else
		return -1;
	return 0;
}

/*
 * The text of op: "<=", ">=", "<" or ">"; NULL for a value outside the
 * enum.
 */
const char *
score_op_str(target_op op)
{
	switch (op) {
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_LT: return "<";
	case OP_GT: return ">";
	}
	return NULL;
}

/*
 * Nonzero if the judged value meets target t: judged <= t, >= t, < t or
 * > t by op.  The target is the configured number as it is; the judged
 * value is (re)rounded to 2 decimals.  0 for NaN or an unknown op.
 */
int
score_target_met(target_op op, double t, double judged)
{
	double v = score_round2(judged);

	switch (op) {
	case OP_LE: return v <= t;
	case OP_GE: return v >= t;
	case OP_LT: return v < t;
	case OP_GT: return v > t;
	}
	return 0;
}

/*
 * Score of one target in [0, 1]: 1 when met; when missed
 * max(0, 1 - |v - T| / |T|) with v the judged value rounded to 2 decimals,
 * and 0 when T is 0 (or the result is not a number).
 */
double
score_target(target_op op, double t, double judged)
{
	double v = score_round2(judged), s;

	if (score_target_met(op, t, v))
		return 1.0;
	if (t == 0)
		return 0.0;
	s = 1.0 - fabs(v - t) / fabs(t);
	if (!(s > 0))
		return 0.0;
	return s;
}

/*
 * Judge each of the n targets of one unit, filling result and score of
 * every element: RESULT_NONE (score 0) without a target,
 * RESULT_NOT_ASSESSED (score 0) with a target but no finite judged value,
 * else RESULT_MET or RESULT_MISSED with score_target().
 *
 * *status: STATUS_VETO if a veto target is missed; else STATUS_INCOMPLETE
 * if a target is not assessed; else STATUS_MISSED if a target is missed;
 * else STATUS_MET (also when there is no target at all).
 *
 * *score = 100 * sum(w * s) / sum(w) over the assessed (met or missed)
 * targets, unrounded.  Returns 1 when a score exists, 0 (and *score 0)
 * when no target was assessed or the assessed weights do not sum to a
 * positive number.  status and score may be NULL.
 */
int
score_unit(target_eval *t, size_t n, unit_status *status, double *score)
{
	double wsum = 0, wssum = 0;
	int veto = 0, unassessed = 0, missed = 0, assessed = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		t[i].score = 0;
		if (!t[i].has_target) {
			t[i].result = RESULT_NONE;
			continue;
		}
		if (!t[i].has_value || !isfinite(t[i].judged)) {
			t[i].result = RESULT_NOT_ASSESSED;
			unassessed = 1;
			continue;
		}
		assessed = 1;
		if (score_target_met(t[i].op, t[i].target, t[i].judged)) {
			t[i].result = RESULT_MET;
			t[i].score = 1.0;
		} else {
			t[i].result = RESULT_MISSED;
			t[i].score =
			    score_target(t[i].op, t[i].target, t[i].judged);
			if (t[i].veto)
				veto = 1;
			else
				missed = 1;
		}
		wsum += t[i].weight;
		wssum += t[i].weight * t[i].score;
	}

	if (status != NULL) {
		if (veto)
			*status = STATUS_VETO;
		else if (unassessed)
			*status = STATUS_INCOMPLETE;
		else if (missed)
			*status = STATUS_MISSED;
		else
			*status = STATUS_MET;
	}

	if (!assessed || !(wsum > 0) || !isfinite(wssum)) {
		if (score != NULL)
			*score = 0;
		return 0;
	}
	if (score != NULL)
		*score = 100.0 * wssum / wsum;
	return 1;
}

/*
 * "met", "missed", "incomplete" or "veto"; NULL for a value outside the
 * enum.
 */
const char *
score_status_str(unit_status s)
{
	switch (s) {
	case STATUS_MET: return "met";
	case STATUS_MISSED: return "missed";
	case STATUS_INCOMPLETE: return "incomplete";
	case STATUS_VETO: return "veto";
	}
	return NULL;
}

/*
 * "met", "missed" or "not_assessed"; NULL for RESULT_NONE or a value
 * outside the enum.
 */
const char *
score_result_str(target_result r)
{
	switch (r) {
	case RESULT_MET: return "met";
	case RESULT_MISSED: return "missed";
	case RESULT_NOT_ASSESSED: return "not_assessed";
	case RESULT_NONE: break;
	}
	return NULL;
}

/* Keys compare with strcmp(); a NULL key sorts as "". */
static int
compare_keys(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* -1, 0, 1 for a < b, a == b, a > b. */
static int
compare_doubles(double a, double b)
{
	return (a > b) - (a < b);
}

/*
 * The tier of a unit in a ranking, doc/indicators.md §7: 0 when every
 * target was assessed and none vetoed (met, missed), 1 incomplete, 2
 * vetoed, 3 without a score (nothing assessed: no rank).  Missing data
 * never ranks above reporting.
 */
int
score_rank_tier(unit_status status, int has_score)
{
	if (!has_score)
		return 3;
	switch (status) {
	case STATUS_MET:
	case STATUS_MISSED: return 0;
	case STATUS_INCOMPLETE: return 1;
	case STATUS_VETO: return 2;
	}
	return 3;
}

static int
item_tier(const rank_item *a)
{
	return score_rank_tier(a->status, a->has_score);
}

/* Nonzero when a and b share a rank (scores are already rounded). */
static int
same_unit_rank(const rank_item *a, const rank_item *b)
{
	return item_tier(a) == item_tier(b) && a->has_score &&
	    a->score == b->score;
}

static int
compare_units(const void *va, const void *vb)
{
	const rank_item *a = va, *b = vb;
	int c;

	if ((c = item_tier(a) - item_tier(b)) != 0)
		return c;
	if (a->has_score && (c = compare_doubles(b->score, a->score)) != 0)
		return c;
	return compare_keys(a->key, b->key);
}

/*
 * Sort items into rank order and set each rank.  Order: by score_rank_tier()
 * (complete and not vetoed, incomplete, vetoed, no score), each tier by
 * score, highest first, then key ascending.  Each score is first replaced
 * by score_round2() of itself; a score that is not finite counts as no score
 * (has_score is cleared).  Items equal in (tier, score) share a rank and
 * the next rank skips: 1, 2, 2, 4.  Items without a score get rank 0: no
 * rank.
 */
void
score_rank_units(rank_item *items, size_t n)
{
	size_t i;

	if (items == NULL || n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (items[i].has_score && !isfinite(items[i].score))
			items[i].has_score = 0;
		if (items[i].has_score)
			items[i].score = score_round2(items[i].score);
	}
	qsort(items, n, sizeof *items, compare_units);
	for (i = 0; i < n; i++) {
		if (!items[i].has_score)
			items[i].rank = 0;
		else if (i > 0 && same_unit_rank(&items[i - 1], &items[i]))
			items[i].rank = items[i - 1].rank;
		else
			items[i].rank = (int)i + 1;
	}
}

/* Nonzero when a and b share a rank (values are already rounded). */
static int
same_value_rank(const rank_value *a, const rank_value *b)
{
	return a->has_value && b->has_value && a->value == b->value;
}

static int
compare_values(const rank_value *a, const rank_value *b, int lower_is_better)
{
	int c;

	if (!a->has_value != !b->has_value)
		return a->has_value ? -1 : 1;
	if (a->has_value) {
		c = lower_is_better ? compare_doubles(a->value, b->value) :
				      compare_doubles(b->value, a->value);
		if (c != 0)
			return c;
	}
	return compare_keys(a->key, b->key);
}

static int
compare_values_asc(const void *a, const void *b)
{
	return compare_values(a, b, 1);
}

static int
compare_values_desc(const void *a, const void *b)
{
	return compare_values(a, b, 0);
}

/*
 * Sort items by one indicator and set each rank: values ascending when
 * lower_is_better, else descending; items without a value last; key
 * ascending among equals.  Each value is first replaced by score_round2() of
 * itself; a value that is not finite counts as no value (has_value is
 * cleared).  Equal values share a rank and the next rank skips: 1, 2,
 * 2, 4; items without a value are unranked (rank 0).
 */
void
score_rank_values(rank_value *items, size_t n, int lower_is_better)
{
	size_t i;

	if (items == NULL || n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (items[i].has_value && !isfinite(items[i].value))
			items[i].has_value = 0;
		if (items[i].has_value)
			items[i].value = score_round2(items[i].value);
	}
	qsort(items, n, sizeof *items,
	    lower_is_better ? compare_values_asc : compare_values_desc);
	for (i = 0; i < n; i++) {
		if (!items[i].has_value)
			items[i].rank = 0;
		else if (i > 0 && same_value_rank(&items[i - 1], &items[i]))
			items[i].rank = items[i - 1].rank;
		else
			items[i].rank = (int)i + 1;
	}
}
