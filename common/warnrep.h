/*
 * warnrep.h - renderings of early warning and data quality replies
 * (doc/indicators.md §15): the JSON of `popstat warning --json` and
 * `popstat quality --json` (and the dashboard's API), and the words of
 * levels and checks in Chinese and English.
 */
#ifndef POPSTAT_WARNREP_H
#define POPSTAT_WARNREP_H

#include "popstat.pb-c.h"
#include "sbuf.h"

void report_warning_json(sbuf *b, const Popstat__WarningOk *w);
void report_quality_json(sbuf *b, const Popstat__QualityOk *q);

/*
 * Words in Chinese when zh is nonzero, else English.
 *
 * over, high, watch, low; "-" for NULL.
 */
const char *warning_level_name(const char *level, int zh);
/* A check of section 15. */
const char *quality_check_name(const char *check, int zh);
/* The indicator's name in the terms of the bulletin, else name itself. */
const char *warning_indicator_name(const char *name, int zh);
/*
 * The headroom as a county head says it: "还可出生 N 人" / "N more
 * births", "已超 N 人" / "N over"; "-" when there is none.
 */
void warning_headroom_text(char *buf, size_t n, const Popstat__WarningCell *c,
    int zh);
/* One line saying what a flag found, into buf. */
void
quality_flag_text(char *buf, size_t n, const Popstat__QualityFlag *f, int zh);

/*
 * Why a target is not assessed, from a reason code of the engine
 * (no_population, no_verification, no_births, zero_denominator).
 */
const char *na_reason_text(const char *code, int zh);

#endif
