/*
 * engine.h - the indicator engine (doc/indicators.md §5-§7).
 *
 * Counters come from the per-unit, per-day table kept on ingest, summed
 * over a unit's subtree; populations from snapshots rolled with the
 * balancing equation.  Indicators are compiled expressions over the
 * counters; targets are judged on values rounded to 2 decimals.
 */
#ifndef POPSTAT_ENGINE_H
#define POPSTAT_ENGINE_H

#include <stdint.h>

#include "expr.h"
#include "period.h"
#include "score.h"
#include "store.h"

/* Expression variables: the daily counters, then these. */
enum {
	VAR_POP_START = CTR_BASE_COUNT,
	VAR_POP_END,
	VAR_POP_AVG,
	VAR_DAYS,
	VAR_YEAR_DAYS,
	VAR_COUNT
};
extern const char *const engine_var_names[VAR_COUNT];

struct indicator {
	char *name, *src, *unit;
	expr *e;
	int permille; /* unit is ‰: annualized and judged annualized */
};

struct target {
	int indicator; /* index */
	int unit;      /* unit index, -1 for the default */
	target_op op;
	double value;
	int veto;
	double weight;
};

#define ENGINE_MAX_INDICATORS 64

/* What the engine says about one unit over one period. */
struct unit_eval {
	int unit;
	period p;
	int days, year_days;
	counters total; /* every stored counter over the subtree */
	double vars[VAR_COUNT];
	unsigned char known[VAR_COUNT];
	unit_status status;
	int has_score;
	double score;
	int nind;
	/* Per indicator: only the first nind of each are set. */
	int has_value[ENGINE_MAX_INDICATORS];
	double value[ENGINE_MAX_INDICATORS];      /* rounded */
	double annualized[ENGINE_MAX_INDICATORS]; /* rounded; permille only */
	const struct target *target[ENGINE_MAX_INDICATORS];
	target_eval te[ENGINE_MAX_INDICATORS];
};

int engine_load(void);
/* A count of the loads made (server/rowcache.h). */
uint64_t engine_generation(void);
void engine_free(void);
int engine_count(void);
const struct indicator *engine_indicator(int i);
int engine_find(const char *name);
/* The target that applies to unit u (its override, else the default). */
const struct target *engine_target(int ind, int u);
int engine_ntargets(void);
const struct target *engine_target_at(int i);

/* Evaluate unit u over p.  Returns 0, or -1 on a database error. */
int engine_eval(int u, const period *p, struct unit_eval *out);

/*
 * Evaluate unit u month by month into out[0..n): over months[i] itself,
 * or, with from, over *from .. months[i].end (year to date at each
 * month's end).  ok[i] is nonzero where out[i] was evaluated.  Returns how
 * many were.
 */
int engine_eval_months(int u, const period *months, int n, const int32_t *from,
    struct unit_eval *out, int *ok);

/*
 * 同比 (doc/indicators.md §14): each indicator's value over the same period
 * last year (period_last_year) and the change from it.
 */
struct unit_yoy {
	int has[ENGINE_MAX_INDICATORS];       /* both values exist */
	double value[ENGINE_MAX_INDICATORS];  /* last year's value, rounded */
	double change[ENGINE_MAX_INDICATORS]; /* this value - that, rounded */
};

/*
 * Evaluate ev's unit over the same period last year into *scratch and set
 * *out from both.  Returns 0, or -1 on a database error.
 */
int engine_eval_yoy(const struct unit_eval *ev, struct unit_eval *scratch,
    struct unit_yoy *out);
/*
 * engine_eval_yoy() with last year's period given: lyp must be
 * period_last_year(&ev->p) (a ranking works it out once for all its rows),
 * and only the indicators of the bits set in want (bit i: indicator i);
 * out->has is 0 for the others.  Sets only the variables and values of
 * *scratch, not its targets or score.
 */
int engine_eval_yoy_at(const struct unit_eval *ev, const period *lyp,
    uint64_t want, struct unit_eval *scratch, struct unit_yoy *out);

/*
 * Why indicator i of ev has no value (doc/indicators.md §6: not
 * assessed): "no_population" (its expression needs a population that is
 * unknown), "no_verification" (no verification record: never inspected),
 * "no_births", or "zero_denominator"; NULL when it has a value.
 */
const char *engine_na_reason(const struct unit_eval *ev, int i);
/*
 * The children of u (direct, in tree order) whose population is unknown
 * at the start or end of p, into v (at most cap); returns how many.
 */
int engine_unknown_children(int u, const period *p, int *v, int cap);

/* Population of unit u at the end of day d: 1 known, 0 unknown, -1 error. */
int engine_population(int u, int32_t d, int64_t *out);

#endif
