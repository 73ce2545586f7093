/*
 * metrics.h - counters for /metrics (Prometheus text format).
 *
 * Each event is counted where it happens: connections and drops in conn.c,
 * requests in dispatch.c, records in req_submit.c, commits in the group
 * commit, HTTP requests in http.c.  Everything runs on the event loop, so
 * the counters need no locking.  Label values come from fixed sets (handler
 * names, drop reasons, CSV columns, routes), so the number of series stays
 * bounded; a table that fills up counts the rest under "other".
 */
#ifndef POPSTAT_METRICS_H
#define POPSTAT_METRICS_H

#include "popstat.pb-c.h"
#include "sbuf.h"

/* A monotonic clock in seconds, for latencies. */
double metrics_clock(void);

void metrics_conn_accepted(void);
void metrics_conn_closed(void);
/* A connection dropped or refused: reason is a short snake_case word. */
void metrics_conn_dropped(const char *reason);

/* One protocol request of this type (the dispatch table's name). */
void metrics_request(const char *type);
/* One HTTP request answered on route with status code. */
void metrics_http_request(const char *route, int code);

/*
 * A submit batch was applied inside the open transaction: its stored and
 * duplicate rows count once the transaction commits (metrics_commit());
 * its rejected rows count now, by reason class.
 */
void metrics_submitted(const char *kind, const Popstat__SubmitOk *ok);

/*
 * The group commit ran: `batch` held replies were released after a commit
 * that took `seconds`; failed when it rolled back.
 */
void metrics_commit(int batch, double seconds, int failed);
/* One sync of the WAL by the sync thread (reported by the loop). */
void metrics_wal_sync(double seconds);

/* Live dashboard sessions (a gauge the HTTP layer keeps). */
void metrics_http_sessions(int n);

/* Append every metric family in Prometheus text format 0.0.4. */
void metrics_render(sbuf *b);

/* The reason class of one rejected row, e.g. "conflict", "invalid_date". */
void metrics_reject_class(const char *column, const char *reason, char *out,
    size_t cap);

#endif
