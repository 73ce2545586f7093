/*
 * sheets.h - report status and the monthly bulletin as workbooks
 * (--format xlsx --output FILE), report status as CSV.
 */
#ifndef POPSTAT_SHEETS_H
#define POPSTAT_SHEETS_H

#include "popstat.pb-c.h"
#include "sbuf.h"

/* A counter's name (births, pop_avg, ...) in lang: 出生, 平均人口. */
const char *counter_name(const char *name, int lang);
/* One sheet of every unit's dekad reporting; 0 or an exit status. */
int reporting_xlsx(const Popstat__ReportStatusOk *s);
/* The same as CSV (English keys, counts; text cells guarded). */
void reporting_csv(sbuf *b, const Popstat__ReportStatusOk *s);
/*
 * One sheet per table of the bulletin (ranking, 同比, reporting, overdue
 * tasks, early warning and data quality when present) in lang; written to
 * --output.  Returns 0 or an exit status.
 */
int bulletin_xlsx(const Popstat__BulletinData *d, int lang);

#endif
