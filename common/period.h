/*
 * period.h - reporting periods (doc/indicators.md §4).
 *
 * Forms: "2026" year; "SY2026" statistical year 2025-10-01..2026-09-30;
 * "2026H1"/"2026H2"; "2026Q1".."2026Q4"; "2026-11" month; "2026-11D1"
 * (days 1-10), "D2" (11-20), "D3" (21-end of month); "2026-11-05" one day;
 * "2026-01-01..2026-06-30" inclusive range; "2026YTD" from 2026-01-01 to
 * `today` (the caller's today or --as-of date).
 */
#ifndef POPSTAT_PERIOD_H
#define POPSTAT_PERIOD_H

#include <stddef.h>
#include <stdint.h>

typedef struct period {
	int32_t start; /* first day, day number (date.h) */
	int32_t end;   /* last day, inclusive */
} period;

/*
 * Parse s into *out.  `today` is used only by the YTD form: the period ends
 * on min(today, 31 December of that year); it is an error when today is
 * before 1 January of that year.  Letters are case-insensitive ("sy2026",
 * "2026q3", "2026-11d2", "2026ytd").  Returns 0, or -1 with a message that
 * names the bad part, e.g. "period '2026Q5': quarter must be 1-4".
 */
int period_parse(const char *s, int32_t today, period *out, char *err,
    size_t errlen);

/* Number of days in the period (end - start + 1). */
int period_days(const period *p);

/*
 * The dekad (1, 2 or 3) containing day d, and its first and last day.
 */
int period_dekad_of(int32_t d, period *out);

/*
 * The same period last year (同比, doc/indicators.md §14): [a - 1 year,
 * b - 1 year], 29 February becoming 28 February.  So 2024-02-29 gives
 * 2023-02-28, SY2026 gives SY2025, and 2026YTD up to 2026-06-30 gives
 * 2025-01-01..2025-06-30.
 */
void period_last_year(const period *p, period *out);

#endif
