/*
 * metrics.c - the server's counters and their Prometheus rendering.
 */
#include "metrics.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "rcache.h"
#include "rowcache.h"
#include "tally.h"

/* A counter family with one label set per entry (preformatted text). */
#define SERIES_MAX 96

struct family {
	const char *name, *help;
	int n;
	struct {
		char labels[96]; /* e.g. reason="idle_timeout" */
		uint64_t value;
	} e[SERIES_MAX];
};

#define COMMIT_BUCKETS 13
#define BATCH_BUCKETS 10

static const double commit_le[COMMIT_BUCKETS - 1] = { 0.0005, 0.001, 0.0025,
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
static const double batch_le[BATCH_BUCKETS - 1] = { 1, 2, 4, 8, 16, 32, 64, 128,
	256 };

struct histogram {
	const char *name, *help;
	int nb;
	const double *le;    /* nb - 1 bounds; the last bucket is +Inf */
	uint64_t bucket[16]; /* not cumulative; summed when rendered */
	uint64_t count;
	double sum;
};

static struct family drops = { "popstat_connections_dropped_total",
	"Protocol connections dropped or refused, by reason.", 0,
	{ { "", 0 } } };
static struct family requests = { "popstat_requests_total",
	"Protocol requests served, by type (HTTP reads included).", 0,
	{ { "", 0 } } };
static struct family http = { "popstat_http_requests_total",
	"HTTP requests answered, by route and status code.", 0, { { "", 0 } } };
static struct family stored = { "popstat_records_stored_total",
	"Records stored and committed, by kind.", 0, { { "", 0 } } };
static struct family duplicate = { "popstat_records_duplicate_total",
	"Rows recognised as already stored (idempotent re-sends), by kind.", 0,
	{ { "", 0 } } };
static struct family rejected = { "popstat_records_rejected_total",
	"Rows rejected, by reason class.", 0, { { "", 0 } } };
static struct family commits = { "popstat_commits_total",
	"Group commits, by result.", 0, { { "", 0 } } };

static struct histogram commit_seconds = { "popstat_commit_duration_seconds",
	"Time taken by one group commit.", COMMIT_BUCKETS, commit_le, { 0 }, 0,
	0 };
static struct histogram wal_sync_seconds = {
	"popstat_wal_sync_duration_seconds",
	"Time taken by one fdatasync of the WAL (durability full): "
	"acknowledgements"
	" wait for it.",
	COMMIT_BUCKETS, commit_le, { 0 }, 0, 0
};
static struct histogram commit_batch = { "popstat_commit_batch_size",
	"Write requests acknowledged by one group commit.", BATCH_BUCKETS,
	batch_le, { 0 }, 0, 0 };

static uint64_t conns_accepted;
static int64_t conns_open;
static int64_t http_sessions;
static time_t started;

/* Submitted rows waiting for the commit, by kind. */
static struct {
	char kind[16];
	uint64_t stored, duplicate;
} pending[8];

double
metrics_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keep a label value to [A-Za-z0-9_./-]: it goes inside quotes. */
static void
label_value(char *out, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = ((s[i] >= 'a' && s[i] <= 'z') ||
			     (s[i] >= 'A' && s[i] <= 'Z') ||
			     (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			     s[i] == '/' || s[i] == '-') ?
		    s[i] :
		    '_';
	out[i] = '\0';
}

static void
family_add(struct family *f, const char *labels, uint64_t d)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->e[i].labels, labels) == 0) {
			f->e[i].value += d;
			return;
		}
	if (f->n == SERIES_MAX) {
		/* Full: the last entry becomes the catch-all. */
		f->e[SERIES_MAX - 1].value += d;
		xsnprintf(f->e[SERIES_MAX - 1].labels, sizeof f->e[0].labels,
		    "%s", "other=\"1\"");
		return;
	}
	xsnprintf(f->e[f->n].labels, sizeof f->e[0].labels, "%s", labels);
	f->e[f->n++].value = d;
}

static void
family_add1(struct family *f, const char *key, const char *value, uint64_t d)
{
	char v[64], labels[96];

	label_value(v, sizeof v, value);
	xsnprintf(labels, sizeof labels, "%s=\"%s\"", key, v);
	family_add(f, labels, d);
}

static void
histogram_observe(struct histogram *h, double v)
{
	int i;

	for (i = 0; i < h->nb - 1 && v > h->le[i]; i++)
		;
	h->bucket[i]++;
	h->count++;
	h->sum += v;
}

/* Series that exist from the start, so a dashboard sees zeros, not gaps. */
static void
seed(void)
{
	static const char *const reasons[] = { "idle_timeout", "write_timeout",
		"output_overflow", "frame_too_large", "empty_frame",
		"unparsable", "version", "auth_throttled", "frame_timeout",
		"unauthenticated" };
	static const char *const kinds[] = { "birth", "death", "migration",
		"population", "verification" };
	size_t i;

	if (started)
		return;
	started = time(NULL);
	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		family_add1(&drops, "reason", reasons[i], 0);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		family_add1(&stored, "kind", kinds[i], 0);
		family_add1(&duplicate, "kind", kinds[i], 0);
	}
	family_add1(&commits, "result", "ok", 0);
	family_add1(&commits, "result", "failed", 0);
}

void
metrics_conn_accepted(void)
{
	seed();
	conns_accepted++;
	conns_open++;
}

void
metrics_conn_closed(void)
{
	conns_open--;
}

void
metrics_conn_dropped(const char *reason)
{
	seed();
	family_add1(&drops, "reason", reason, 1);
}

void
metrics_request(const char *type)
{
	seed();
	family_add1(&requests, "type", type, 1);
}

void
metrics_http_request(const char *route, int code)
{
	char r[64], labels[96];

	seed();
	label_value(r, sizeof r, route);
	xsnprintf(labels, sizeof labels, "route=\"%s\",code=\"%d\"", r, code);
	family_add(&http, labels, 1);
}

void
metrics_reject_class(const char *column, const char *reason, char *out,
    size_t cap)
{
	char col[32];

	if (strncmp(reason, "conflict", 8) == 0)
		xsnprintf(out, cap, "conflict");
	else if (strstr(reason, "locked period"))
		xsnprintf(out, cap, "locked");
	else if (strstr(reason, "outside your scope"))
		xsnprintf(out, cap, "scope");
	else if (strncmp(reason, "unknown unit", 12) == 0)
		xsnprintf(out, cap, "unknown_unit");
	else if (strstr(reason, "was voided"))
		xsnprintf(out, cap, "voided");
	else if (strncmp(reason, "population of", 13) == 0)
		xsnprintf(out, cap, "population_conflict");
	else {
		label_value(col, sizeof col, *column ? column : "row");
		xsnprintf(out, cap, "invalid_%s", col);
	}
}

void
metrics_submitted(const char *kind, const Popstat__SubmitOk *ok)
{
	size_t i, n = sizeof pending / sizeof pending[0];
	char cls[64];

	seed();
	for (i = 0; i < ok->n_rejected; i++) {
		metrics_reject_class(ok->rejected[i]->column,
		    ok->rejected[i]->reason, cls, sizeof cls);
		family_add1(&rejected, "reason", cls, 1);
	}
	for (i = 0; i < n; i++)
		if (pending[i].kind[0] == '\0' ||
		    strcmp(pending[i].kind, kind) == 0)
			break;
	if (i == n)
		i = n - 1;
	xsnprintf(pending[i].kind, sizeof pending[i].kind, "%s", kind);
	pending[i].stored += ok->accepted;
	pending[i].duplicate += ok->duplicate;
}

void
metrics_wal_sync(double seconds)
{
	histogram_observe(&wal_sync_seconds, seconds);
}

void
metrics_commit(int batch, double seconds, int failed)
{
	size_t i;

	seed();
	family_add1(&commits, "result", failed ? "failed" : "ok", 1);
	histogram_observe(&commit_seconds, seconds);
	histogram_observe(&commit_batch, batch);
	for (i = 0; i < sizeof pending / sizeof pending[0]; i++) {
		if (pending[i].kind[0] && !failed) {
			family_add1(&stored, "kind", pending[i].kind,
			    pending[i].stored);
			family_add1(&duplicate, "kind", pending[i].kind,
			    pending[i].duplicate);
		}
		memset(&pending[i], 0, sizeof pending[i]);
	}
}

void
metrics_http_sessions(int n)
{
	http_sessions = n;
}

static void
render_family(sbuf *b, const struct family *f)
{
	int i;

	sbuf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", f->name, f->help,
	    f->name);
	for (i = 0; i < f->n; i++)
		sbuf_printf(b, "%s{%s} %llu\n", f->name, f->e[i].labels,
		    (unsigned long long)f->e[i].value);
}

static void
render_histogram(sbuf *b, const struct histogram *h)
{
	uint64_t cum = 0;
	int i;

	sbuf_printf(b, "# HELP %s %s\n# TYPE %s histogram\n", h->name, h->help,
	    h->name);
	for (i = 0; i < h->nb; i++) {
		cum += h->bucket[i];
		if (i < h->nb - 1)
			sbuf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", h->name,
			    h->le[i], (unsigned long long)cum);
		else
			sbuf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", h->name,
			    (unsigned long long)cum);
	}
	sbuf_printf(b, "%s_sum %.9g\n%s_count %llu\n", h->name, h->sum, h->name,
	    (unsigned long long)h->count);
}

void
metrics_render(sbuf *b)
{
	seed();
	sbuf_printf(b,
	    "# HELP popstat_start_time_seconds When popstatd started"
	    " (Unix time).\n# TYPE popstat_start_time_seconds gauge\n"
	    "popstat_start_time_seconds %lld\n",
	    (long long)started);
	sbuf_printf(b,
	    "# HELP popstat_connections_accepted_total Protocol"
	    " connections accepted.\n"
	    "# TYPE popstat_connections_accepted_total counter\n"
	    "popstat_connections_accepted_total %llu\n",
	    (unsigned long long)conns_accepted);
	sbuf_printf(b,
	    "# HELP popstat_connections_open Protocol connections"
	    " open now.\n# TYPE popstat_connections_open gauge\n"
	    "popstat_connections_open %lld\n",
	    (long long)conns_open);
	render_family(b, &drops);
	render_family(b, &requests);
	render_family(b, &stored);
	render_family(b, &duplicate);
	render_family(b, &rejected);
	render_family(b, &commits);
	render_histogram(b, &commit_batch);
	render_histogram(b, &commit_seconds);
	render_histogram(b, &wal_sync_seconds);
	render_family(b, &http);
	sbuf_printf(b,
	    "# HELP popstat_http_sessions Dashboard login sessions"
	    " alive.\n# TYPE popstat_http_sessions gauge\n"
	    "popstat_http_sessions %lld\n",
	    (long long)http_sessions);
	sbuf_printf(b,
	    "# HELP popstat_reply_cache_hits_total Status and ranking"
	    " requests answered with a kept reply.\n"
	    "# TYPE popstat_reply_cache_hits_total counter\n"
	    "popstat_reply_cache_hits_total %llu\n"
	    "# HELP popstat_reply_cache_misses_total Status and ranking"
	    " requests computed.\n"
	    "# TYPE popstat_reply_cache_misses_total counter\n"
	    "popstat_reply_cache_misses_total %llu\n"
	    "# HELP popstat_reply_cache_bytes Bytes of kept replies.\n"
	    "# TYPE popstat_reply_cache_bytes gauge\n"
	    "popstat_reply_cache_bytes %zu\n"
	    "# HELP popstat_tally_bytes Bytes of the in-memory daily"
	    " counters.\n# TYPE popstat_tally_bytes gauge\n"
	    "popstat_tally_bytes %zu\n",
	    (unsigned long long)rcache_hits(),
	    (unsigned long long)rcache_misses(), rcache_bytes(), tally_bytes());
	sbuf_printf(b,
	    "# HELP popstat_row_cache_hits_total Ranking rows taken from"
	    " the row cache.\n"
	    "# TYPE popstat_row_cache_hits_total counter\n"
	    "popstat_row_cache_hits_total %llu\n"
	    "# HELP popstat_row_cache_misses_total Ranking rows"
	    " evaluated.\n"
	    "# TYPE popstat_row_cache_misses_total counter\n"
	    "popstat_row_cache_misses_total %llu\n",
	    (unsigned long long)rowcache_hits(),
	    (unsigned long long)rowcache_misses());
}
