/*
 * score.h - judging targets, scoring and ranking (doc/indicators.md §6-§7).
 *
 * Pure functions, no I/O.  Every value that is judged or compared has first
 * been rounded to 2 decimals with score_round2() ("what a user sees is what is
 * judged").
 */
#ifndef POPSTAT_SCORE_H
#define POPSTAT_SCORE_H

#include <stddef.h>

typedef enum target_op { OP_LE = 0, OP_GE, OP_LT, OP_GT } target_op;

typedef enum target_result {
	RESULT_NONE = 0, /* no target */
	RESULT_MET,
	RESULT_MISSED,
	RESULT_NOT_ASSESSED, /* target exists, indicator has no value */
} target_result;

typedef enum unit_status {
	STATUS_MET = 0,
	STATUS_MISSED,     /* a non-veto target missed, no veto */
	STATUS_INCOMPLETE, /* no veto, some target not assessed */
	STATUS_VETO,       /* a veto target missed */
} unit_status;

/*
 * Round to 2 decimals exactly as printf("%.2f") shows the value, so the
 * judged number is the number displayed.
 */
double score_round2(double v);
/* The same through snprintf("%.2f") and strtod(), for the tests. */
double score_round2_reference(double v);

/* "<=" ">=" "<" ">" <-> target_op.  Returns 0 / -1 on an unknown op. */
int score_op_parse(const char *s, target_op *op);
const char *score_op_str(target_op op);

/* Judge an already rounded value against target value t. */
int score_target_met(target_op op, double t, double judged);

/*
 * Score of one target in [0, 1]: 1 when met; when missed
 * max(0, 1 - |v - T| / |T|), and 0 when T == 0.
 */
double score_target(target_op op, double t, double judged);

typedef struct target_eval {
	int has_target;
	target_op op;
	double target;
	int veto;
	double weight;
	int has_value; /* judged value exists */
	double judged; /* rounded judged value (annualized for per-mille) */
	/* outputs of score_unit(): */
	target_result result;
	double score; /* score_target() when assessed */
} target_eval;

/*
 * Judge each target of one unit (fills result and score of every element)
 * and combine: *status as doc/indicators.md §7; *score = 100 * sum(w*s) /
 * sum(w) over assessed targets.  Returns 1 when a score exists, 0 when no
 * target was assessed (or the weights of the assessed ones sum to 0).
 */
int score_unit(target_eval *t, size_t n, unit_status *status, double *score);

const char *score_status_str(unit_status s);
const char *score_result_str(target_result r); /* NULL for RESULT_NONE */

typedef struct rank_item {
	/* inputs */
	const char *key; /* tie-break for a stable order: unit code */
	int tag;         /* the caller's, carried along (e.g. an index) */
	unit_status status;
	int has_score;
	double score; /* rounded to 2 decimals by score_rank_units */
	/* output */
	int rank; /* 0: no rank (no score) */
} rank_item;

/*
 * The tier of a unit in a ranking (doc/indicators.md §7): 0 every target
 * assessed and none vetoed (met, missed), 1 incomplete, 2 vetoed, 3 no
 * score at all (no rank).
 */
int score_rank_tier(unit_status status, int has_score);

/*
 * Sort items in rank order: by score_rank_tier(), then score highest first,
 * then key ascending.  Equal (tier, score_round2(score)) share a rank and the
 * next rank skips: 1, 2, 2, 4.  Items without a score come last with
 * rank 0 (no rank).
 */
void score_rank_units(rank_item *items, size_t n);

typedef struct rank_value {
	const char *key;
	int tag; /* the caller's, carried along */
	int has_value;
	double value; /* judged, rounded */
	int rank;
} rank_value;

/*
 * Rank by one indicator: ascending when lower_is_better, else descending;
 * items with no value last, unranked (rank 0); ties share a rank; key
 * ascending as the tie-break of the order.
 */
void score_rank_values(rank_value *items, size_t n, int lower_is_better);

#endif
