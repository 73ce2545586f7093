/*
 * report.h - machine-readable renderings of query replies, shared by the
 * client (--json, --csv) and the server's HTTP API, so both print exactly
 * the same bytes (doc/rules.md §12 fixes the JSON shapes).
 */
#ifndef POPSTAT_REPORT_H
#define POPSTAT_REPORT_H

#include "popstat.pb-c.h"
#include "sbuf.h"

/* A number to 2 decimals, or null; a period as {"start", "end", "days"}. */
void report_num2_or_null(sbuf *b, int has, double v);
void report_period_json(sbuf *b, const Popstat__Period *p);
void report_status_json(sbuf *b, const Popstat__StatusOk *s);
void report_ranking_json(sbuf *b, const Popstat__RankingOk *r);
void report_ranking_csv(sbuf *b, const Popstat__RankingOk *r);
void report_verify_json(sbuf *b, const Popstat__VerifyReportOk *v);
/*
 * A ranking row's indicator values (see RankRow in proto/popstat.proto).
 * Set: n values (has[k] says whether v[k] exists; values are already
 * rounded to 2 decimals), stored in the caller's ibuf[n] or dbuf[n], which
 * must outlive the row.  Read: 1 and *v when indicator k has a value.
 */
void rank_row_set_values(Popstat__RankRow *row, size_t n, const int *has,
    const double *v, int64_t *ibuf, double *dbuf);
size_t rank_row_count(const Popstat__RankRow *row);
int rank_row_value(const Popstat__RankRow *row, size_t k, double *v);
/* 同比 of the k-th of RankingOk.yoy_names: 1 with last year's value and
 * the change, or 0 when there is none. */
int rank_row_yoy(const Popstat__RankRow *row, size_t k, double *v, double *c);

/* A number as JSON: %.15g, so 11.5 -> 11.5 and 25 -> 25. */
void report_json_g(sbuf *b, double v);

#endif
