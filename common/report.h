/*
 * report.h - machine-readable renderings of query replies, shared by the
 * client (--json, --csv) and the server's HTTP API, so both print exactly
 * the same bytes (DESIGN.md section 12 fixes the JSON shapes).
 */
#ifndef POPSTAT_REPORT_H
#define POPSTAT_REPORT_H

#include "popstat.pb-c.h"
#include "sbuf.h"

void report_status_json(sbuf *b, const Popstat__StatusOk *s);
void report_ranking_json(sbuf *b, const Popstat__RankingOk *r);
void report_ranking_csv(sbuf *b, const Popstat__RankingOk *r);
void report_verify_json(sbuf *b, const Popstat__VerifyReportOk *v);
/* A number as JSON: %.15g, so 11.5 -> 11.5 and 25 -> 25. */
void report_json_g(sbuf *b, double v);

#endif
