/*
 * loadgen.c - popstat benchmark load generator.
 *
 * Speaks the real protocol (u32 big-endian length + protobuf Envelope, Hello
 * first) over libevent bufferevents, and prints one JSON object per run on
 * stdout (diagnostics go to stderr).
 *
 *   loadgen setup   --server H:P --token ADMIN [--units N]
 *       the county, N townships under it, one population snapshot per
 *       township and a clerk account of the county (its token is printed)
 *   loadgen ingest  --server H:P --token T [--conns N] [--depth D]
 *                   [--batch B] [--records R] [--start I] [--stream S]
 *       R birth records (rows I.. of stream S) in Submit batches of B rows
 *       from N connections with up to D requests in flight on each;
 *       records/s and acknowledgement latency
 *   loadgen query   --server H:P --token T --kind
 * ping|status|ranking|warning|quality
 *                   [--count K] [--warmup W] [--conns N] [--ping-every B]
 *                   [--after-commit [--clerk-token C] [--stream S]
 *                   [--start I]]
 *       request latency (status: the county over a year, that is the sum of
 *       its townships; ranking: the county's townships over a year); with
 *       --ping-every, blocks of B queries alternate with blocks of B Pings
 *       on the same connection, and the Pings' latency is printed too: a
 *       ratio of the two is then measured under the same conditions; with
 *       --after-commit, each query (not a Ping) follows one new birth,
 *       submitted on a second connection (as C, else T) and acknowledged
 *       first: the query is timed from its own sending, and answers from
 *       data that a commit has just changed (commit_birth(); a birth not
 *       stored anew, a duplicate, is an error)
 *   loadgen idle    --server H:P --token T --conns N [--pid PID] [--hold S]
 *       N authenticated connections that then stay silent; the server's
 *       VmRSS/VmHWM (from /proc/PID/status) once they are all open
 *   loadgen startup --server H:P --token T [--log FILE] -- COMMAND ARGS...
 *       exec COMMAND and time until the port accepts and a Ping (after
 *       Hello) is answered; the server is left running, its pid printed
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "frame.h"
#include "popstat.pb-c.h"
#include "rowgen.h"

#define MAX_DEPTH 64
#define CONNECT_WINDOW 200 /* connects in progress at once (idle mode) */
#define REPLY_MAX (256u << 20)

static struct {
	const char *mode;
	const char *server;
	const char *token;
	const char *kind;
	const char *period;
	const char *log;
	const char *county;
	const char *clerk_token;
	int conns, depth, batch, units, mother, fresh, fresh_from, after_commit;
	int cold;
	long count, warmup, pid, ping_every;
	uint64_t records, start, stream;
	double hold, timeout, max_seconds, rate;
	char **cmd;
} O;

static struct event_base *base;
static struct sockaddr_storage srv_addr;
static socklen_t srv_addrlen;

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "loadgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct timeval
tv_of(double seconds)
{
	struct timeval tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

static void
resolve(const char *server)
{
	struct addrinfo hints, *res;
	char host[256], *port;
	int rc;

	snprintf(host, sizeof host, "%s", server);
	port = strrchr(host, ':');
	if (port == NULL)
		die("--server %s: expected HOST:PORT", server);
	*port++ = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s: %s", server, gai_strerror(rc));
	memcpy(&srv_addr, res->ai_addr, res->ai_addrlen);
	srv_addrlen = (socklen_t)res->ai_addrlen;
	freeaddrinfo(res);
}

/* A malloc'ed frame (header included) carrying rq with request id id. */
static uint8_t *
pack_request(uint64_t id, Popstat__Request *rq, size_t *len)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
	uint8_t *buf;
	size_t n;

	env.version = PROTOCOL_VERSION;
	env.request_id = id;
	env.msg_case = POPSTAT__ENVELOPE__MSG_REQUEST;
	env.request = rq;
	n = popstat__envelope__get_packed_size(&env);
	buf = xmalloc(n + FRAME_HEADER);
	frame_put_len(buf, (uint32_t)n);
	popstat__envelope__pack(&env, buf + FRAME_HEADER);
	*len = n + FRAME_HEADER;
	return buf;
}

static const char *
error_text(const Popstat__Response *r)
{
	if (r->body_case == POPSTAT__RESPONSE__BODY_ERROR)
		return r->error->message;
	return NULL;
}

/* ---- requests -------------------------------------------------------- */

static uint8_t *
req_hello(uint64_t id, const char *token, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Hello h = POPSTAT__HELLO__INIT;

	h.token = (char *)token;
	h.client = "loadgen";
	rq.body_case = POPSTAT__REQUEST__BODY_HELLO;
	rq.hello = &h;
	return pack_request(id, &rq, len);
}

static uint8_t *
req_ping(uint64_t id, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Ping p = POPSTAT__PING__INIT;

	rq.body_case = POPSTAT__REQUEST__BODY_PING;
	rq.ping = &p;
	return pack_request(id, &rq, len);
}

/* --fresh: the as_of days used, from 2030-01-01 on, then again. */
#define FRESH_DAYS 20000

/*
 * --fresh: each query asks "as of" another day.  as_of changes only YTD
 * periods, so the answer is the same, but the request is new to the
 * server's reply cache: every reply is computed.  --fresh-from N starts at
 * the N-th day, so that runs against the same server do not meet each
 * other's kept replies.
 */
static char *
as_of(char *buf)
{
	static int32_t n;

	if (!O.fresh)
		return NULL;
	return date_format(date_from_ymd(2030, 1, 1) +
		(O.fresh_from + n++) % FRESH_DAYS,
	    buf);
}

static uint8_t *
req_status(uint64_t id, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
	char d[11];

	q.unit = (char *)O.county;
	q.period = (char *)O.period;
	q.as_of = as_of(d);
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &q;
	return pack_request(id, &rq, len);
}

/* --cold: windows of 365 days, ending on Dec 30 of --period, then a day
 * earlier each, then again. */
#define COLD_WINDOWS 3000

/*
 * --cold: each ranking asks for a period no earlier one of the run asked,
 * a window of 365 days (Dec 30 of --period and 364 days before it, then
 * one day earlier for each request; never the year itself, which other
 * runs ask for), so that neither the reply cache nor
 * the row cache (server/rowcache.h) holds any of its rows: every row is
 * evaluated.  After COLD_WINDOWS requests the windows come again; by then
 * each has been evicted (4,096 direct-mapped slots, 1,000 rows a window).
 * --fresh-from N starts at the N-th window.
 */
static char *
cold_period(char *buf, size_t size)
{
	static int32_t n;
	char a[11], b[11];
	int32_t end = date_from_ymd(atoi(O.period), 12, 30) -
	    (O.fresh_from + n++) % COLD_WINDOWS;

	snprintf(buf, size, "%s..%s", date_format(end - 364, a),
	    date_format(end, b));
	return buf;
}

static uint8_t *
req_ranking(uint64_t id, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__RankingQuery q = POPSTAT__RANKING_QUERY__INIT;
	char d[11], pb[32];

	q.parent = (char *)O.county;
	q.period = O.cold ? cold_period(pb, sizeof pb) : (char *)O.period;
	q.as_of = O.cold ? NULL : as_of(d);
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &q;
	return pack_request(id, &rq, len);
}

/*
 * The early warning of the county's townships (doc/indicators.md §15) for
 * the year of --period, as of its end (a warning is never kept in the
 * reply cache: every one is computed).
 */
static uint8_t *
req_warning(uint64_t id, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__WarningQuery q = POPSTAT__WARNING_QUERY__INIT;
	char d[11];

	q.parent = (char *)O.county;
	q.has_year = 1;
	q.year = (uint32_t)atoi(O.period);
	q.as_of = date_format(date_from_ymd((int)q.year, 12, 31), d);
	rq.body_case = POPSTAT__REQUEST__BODY_WARNING;
	rq.warning = &q;
	return pack_request(id, &rq, len);
}

/*
 * A data-quality request for the county over the period (the four checks
 * of its townships, double registration read from mother_pairs).
 */
static uint8_t *
req_quality(uint64_t id, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__QualityQuery q = POPSTAT__QUALITY_QUERY__INIT;

	q.parent = (char *)O.county;
	q.period = (char *)O.period;
	rq.body_case = POPSTAT__REQUEST__BODY_QUALITY;
	rq.quality = &q;
	return pack_request(id, &rq, len);
}

/* A Submit of births: rows [first, first + n) of the stream. */
static uint8_t *
req_births(uint64_t id, uint64_t first, uint32_t n, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Submit s = POPSTAT__SUBMIT__INIT;
	struct genrow *g = xmalloc(n * sizeof *g);
	Popstat__Row *rows = xmalloc(n * sizeof *rows);
	Popstat__Row **rp = xmalloc(n * sizeof *rp);
	uint8_t *buf;
	uint32_t i;

	for (i = 0; i < n; i++) {
		rowgen_birth(O.stream, first + i, (unsigned)O.units, &g[i]);
		popstat__row__init(&rows[i]);
		rows[i].line = i + 2; /* as if line 1 were a CSV header */
		rows[i].record_id = g[i].record_id;
		rows[i].unit = g[i].unit;
		rows[i].date = g[i].date;
		rows[i].sex = g[i].sex;
		rows[i].birth_order = g[i].birth_order;
		rows[i].policy = g[i].policy;
		if (O.mother)
			rows[i].mother_id = g[i].mother_id;
		rp[i] = &rows[i];
	}
	s.kind = POPSTAT__RECORD_KIND__KIND_BIRTH;
	s.n_rows = n;
	s.rows = rp;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &s;
	buf = pack_request(id, &rq, len);
	free(g);
	free(rows);
	free(rp);
	return buf;
}

/* ---- blocking calls (setup, startup) ---------------------------------- */

static int
sync_connect(int quiet)
{
	int fd = socket(srv_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&srv_addr, srv_addrlen) < 0) {
		if (!quiet)
			die("connect %s: %s", O.server, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("send: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static void
read_all(int fd, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r = recv(fd, p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("recv: %s",
			    r == 0 ? "connection closed by the server" :
				     strerror(errno));
		p += r;
		n -= (size_t)r;
	}
}

static Popstat__Envelope *
sync_read(int fd)
{
	uint8_t hdr[FRAME_HEADER], *buf;
	uint32_t len;
	Popstat__Envelope *env;

	read_all(fd, hdr, sizeof hdr);
	if (frame_get_len(hdr, REPLY_MAX, &len) != FRAME_OK)
		die("bad frame from the server");
	buf = xmalloc(len);
	read_all(fd, buf, len);
	env = popstat__envelope__unpack(NULL, len, buf);
	free(buf);
	if (env == NULL || env->msg_case != POPSTAT__ENVELOPE__MSG_RESPONSE)
		die("unreadable reply");
	return env;
}

/* Send a frame and return its reply; dies on an Error reply. */
static Popstat__Envelope *
sync_call(int fd, uint8_t *frame, const size_t *len, const char *what)
{
	Popstat__Envelope *env;

	write_all(fd, frame, *len);
	free(frame);
	env = sync_read(fd);
	if (error_text(env->response))
		die("%s: %s", what, error_text(env->response));
	return env;
}

static int
sync_open(const char *token)
{
	int fd = sync_connect(0);
	size_t len;

	popstat__envelope__free_unpacked(sync_call(fd,
					     req_hello(1, token, &len), &len,
					     "hello"),
	    NULL);
	return fd;
}

static uint8_t *
req_unit_add(uint64_t id, const char *code, const char *name,
    const char *parent, const char *level, size_t *len)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitAdd ua = POPSTAT__UNIT_ADD__INIT;
	Popstat__Unit u = POPSTAT__UNIT__INIT;

	u.code = (char *)code;
	u.name = (char *)name;
	u.parent = (char *)parent;
	u.level = (char *)level;
	ua.unit = &u;
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_ADD;
	rq.unit_add = &ua;
	return pack_request(id, &rq, len);
}

/*
 * BENCH_NATIONAL=1 (rowgen.h): the nation, its 31 provinces, 2,790
 * counties and 41,850 townships, each level added over 16 connections in
 * windows of 4096 (parents before children), a population snapshot per
 * township (Submits of 10,000 rows) and a clerk of the nation.
 */
enum { NAT_NFD = 16, NAT_WINDOW = 4096 };

static void
nat_add(int *fds, char (*codes)[24], char (*names)[64], char (*parents)[24],
    int n, const char *level)
{
	int i, j, end;
	size_t len;
	uint8_t *frame;
	Popstat__Envelope *env;

	for (i = 0; i < n; i = end) {
		end = i + NAT_WINDOW < n ? i + NAT_WINDOW : n;
		for (j = i; j < end; j++) {
			frame = req_unit_add((uint64_t)j + 10, codes[j],
			    names[j], parents ? parents[j] : NULL, level, &len);
			write_all(fds[j % NAT_NFD], frame, len);
			free(frame);
		}
		for (j = i; j < end; j++) {
			env = sync_read(fds[j % NAT_NFD]);
			if (error_text(env->response))
				die("unit add %s: %s", codes[j],
				    error_text(env->response));
			popstat__envelope__free_unpacked(env, NULL);
		}
	}
}

static int
cmd_setup_national(void)
{
	int fds[NAT_NFD], k, p, c, i, n, done;
	int np = ROWGEN_NAT_PROVINCES, nc = np * ROWGEN_NAT_COUNTIES;
	int nt = ROWGEN_NAT_UNITS;
	size_t len;
	char(*codes)[24], (*names)[64], (*parents)[24], (*ids)[24];
	char(*persons)[16];
	char token[128];
	Popstat__Envelope *env;
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UserAdd ua = POPSTAT__USER_ADD__INIT;
	Popstat__Submit s = POPSTAT__SUBMIT__INIT;
	Popstat__Row *rows, **rp;
	double t0 = now_s();

	codes = xmalloc((size_t)nt * sizeof *codes);
	names = xmalloc((size_t)nt * sizeof *names);
	parents = xmalloc((size_t)nt * sizeof *parents);
	for (k = 0; k < NAT_NFD; k++)
		fds[k] = sync_open(O.token);
	snprintf(codes[0], sizeof codes[0], ROWGEN_NATION);
	snprintf(names[0], sizeof names[0], "全国");
	nat_add(fds, codes, names, NULL, 1, "nation");
	for (p = 0; p < np; p++) {
		rowgen_nat_province((unsigned)p, codes[p], sizeof codes[p]);
		snprintf(names[p], sizeof names[p], "省%02d", p + 1);
		snprintf(parents[p], sizeof parents[p], ROWGEN_NATION);
	}
	nat_add(fds, codes, names, parents, np, "province");
	for (i = 0; i < nc; i++) {
		p = i / ROWGEN_NAT_COUNTIES;
		c = i % ROWGEN_NAT_COUNTIES;
		rowgen_nat_county((unsigned)p, (unsigned)c, codes[i],
		    sizeof codes[i]);
		snprintf(names[i], sizeof names[i], "县%02d%02d", p + 1, c + 1);
		rowgen_nat_province((unsigned)p, parents[i], sizeof parents[i]);
	}
	nat_add(fds, codes, names, parents, nc, "county");
	for (i = 0; i < nt; i++) {
		rowgen_unit_code((unsigned)i, codes[i], sizeof codes[i]);
		snprintf(names[i], sizeof names[i], "镇%05d", i);
		c = i / ROWGEN_NAT_TOWNSHIPS;
		rowgen_nat_county((unsigned)(c / ROWGEN_NAT_COUNTIES),
		    (unsigned)(c % ROWGEN_NAT_COUNTIES), parents[i],
		    sizeof parents[i]);
	}
	nat_add(fds, codes, names, parents, nt, "township");
	for (k = 1; k < NAT_NFD; k++)
		close(fds[k]);
	free(names);
	free(parents);

	ua.name = "bench-clerk";
	ua.role = "clerk";
	ua.unit = (char *)ROWGEN_NATION;
	rq.body_case = POPSTAT__REQUEST__BODY_USER_ADD;
	rq.user_add = &ua;
	env = sync_call(fds[0], pack_request(3, &rq, &len), &len, "user add");
	if (env->response->body_case != POPSTAT__RESPONSE__BODY_USER_ADD)
		die("user add: unexpected reply");
	snprintf(token, sizeof token, "%s", env->response->user_add->token);
	popstat__envelope__free_unpacked(env, NULL);

	rows = xmalloc((size_t)nt * sizeof *rows);
	rp = xmalloc((size_t)nt * sizeof *rp);
	ids = xmalloc((size_t)nt * sizeof *ids);
	persons = xmalloc((size_t)nt * sizeof *persons);
	for (i = 0; i < nt; i++) {
		snprintf(ids[i], sizeof ids[i], "P-%s", codes[i]);
		snprintf(persons[i], sizeof persons[i], "%llu",
		    20000ULL + rowgen_mix((uint64_t)i) % 60000ULL);
		popstat__row__init(&rows[i]);
		rows[i].line = (uint32_t)(i % 10000) + 2;
		rows[i].record_id = ids[i];
		rows[i].unit = codes[i];
		rows[i].date = ROWGEN_POP_DATE;
		rows[i].persons = persons[i];
		rp[i] = &rows[i];
	}
	s.kind = POPSTAT__RECORD_KIND__KIND_POPULATION;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &s;
	for (done = 0; done < nt; done += n) {
		n = nt - done < 10000 ? nt - done : 10000;
		s.n_rows = (size_t)n;
		s.rows = rp + done;
		env = sync_call(fds[0], pack_request(4, &rq, &len), &len,
		    "population");
		if (env->response->body_case !=
			POPSTAT__RESPONSE__BODY_SUBMIT ||
		    env->response->submit->accepted != (uint32_t)n)
			die("population: not every snapshot was accepted");
		popstat__envelope__free_unpacked(env, NULL);
	}
	free(rows);
	free(rp);
	free(ids);
	free(codes);
	free(persons);
	close(fds[0]);
	printf("{\"mode\":\"setup\",\"units\":%d,\"counties\":%d,"
	       "\"provinces\":%d,\"seconds\":%.3f,\"clerk_token\":\"%s\"}\n",
	    nt, nc, np, now_s() - t0, token);
	return 0;
}

/*
 * The county, its townships (added over 16 connections, so they share
 * group commits), a population snapshot per township and a clerk.
 */
static int
cmd_setup(void)
{
	enum { NFD = 16 };
	int fds[NFD], fd, i, k;
	size_t len;
	char code[24], name[64];
	Popstat__Envelope *env;
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UserAdd ua = POPSTAT__USER_ADD__INIT;
	Popstat__Submit s = POPSTAT__SUBMIT__INIT;
	Popstat__Row *rows, **rp;
	char(*ids)[24], (*codes)[24], (*persons)[16];
	double t0 = now_s();
	char token[128];
	uint8_t *frame;

	fd = sync_open(O.token);
	popstat__envelope__free_unpacked(sync_call(fd,
					     req_unit_add(2, O.county, "陇县",
						 NULL, "county", &len),
					     &len, "unit add county"),
	    NULL);
	for (k = 0; k < NFD; k++)
		fds[k] = k == 0 ? fd : sync_open(O.token);
	for (i = 0; i < O.units; i++) {
		rowgen_unit_code((unsigned)i, code, sizeof code);
		snprintf(name, sizeof name, "镇%04d", i);
		frame = req_unit_add((uint64_t)i + 10, code, name, O.county,
		    "township", &len);
		write_all(fds[i % NFD], frame, len);
		free(frame);
	}
	for (i = 0; i < O.units; i++) {
		env = sync_read(fds[i % NFD]);
		if (error_text(env->response))
			die("unit add: %s", error_text(env->response));
		popstat__envelope__free_unpacked(env, NULL);
	}
	for (k = 1; k < NFD; k++)
		close(fds[k]);

	ua.name = "bench-clerk";
	ua.role = "clerk";
	ua.unit = (char *)O.county;
	rq.body_case = POPSTAT__REQUEST__BODY_USER_ADD;
	rq.user_add = &ua;
	env = sync_call(fd, pack_request(3, &rq, &len), &len, "user add");
	if (env->response->body_case != POPSTAT__RESPONSE__BODY_USER_ADD)
		die("user add: unexpected reply");
	snprintf(token, sizeof token, "%s", env->response->user_add->token);
	popstat__envelope__free_unpacked(env, NULL);

	rows = xmalloc((size_t)O.units * sizeof *rows);
	rp = xmalloc((size_t)O.units * sizeof *rp);
	ids = xmalloc((size_t)O.units * sizeof *ids);
	codes = xmalloc((size_t)O.units * sizeof *codes);
	persons = xmalloc((size_t)O.units * sizeof *persons);
	for (i = 0; i < O.units; i++) {
		rowgen_unit_code((unsigned)i, codes[i], sizeof codes[i]);
		snprintf(ids[i], sizeof ids[i], "P-%s", codes[i]);
		snprintf(persons[i], sizeof persons[i], "%llu",
		    150000ULL + rowgen_mix((uint64_t)i) % 350000ULL);
		popstat__row__init(&rows[i]);
		rows[i].line = (uint32_t)i + 2;
		rows[i].record_id = ids[i];
		rows[i].unit = codes[i];
		rows[i].date = ROWGEN_POP_DATE;
		rows[i].persons = persons[i];
		rp[i] = &rows[i];
	}
	s.kind = POPSTAT__RECORD_KIND__KIND_POPULATION;
	s.n_rows = (size_t)O.units;
	s.rows = rp;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &s;
	env = sync_call(fd, pack_request(4, &rq, &len), &len, "population");
	if (env->response->body_case != POPSTAT__RESPONSE__BODY_SUBMIT ||
	    env->response->submit->accepted != (uint32_t)O.units)
		die("population: not every snapshot was accepted");
	popstat__envelope__free_unpacked(env, NULL);
	free(rows);
	free(rp);
	free(ids);
	free(codes);
	free(persons);
	close(fd);
	printf("{\"mode\":\"setup\",\"units\":%d,\"seconds\":%.3f,"
	       "\"clerk_token\":\"%s\"}\n",
	    O.units, now_s() - t0, token);
	return 0;
}

/* ---- asynchronous connections ----------------------------------------- */

struct pending {
	double t;
	uint64_t id;
	uint32_t rows;
	int warm; /* a warm-up request: not in the latency figures */
	int ping; /* an interleaved Ping (--ping-every) */
};

struct lconn {
	struct bufferevent *bev;
	int idx, ready, done;
	int inflight, qh;
	struct pending q[MAX_DEPTH];
	uint64_t next_id;
	double t_next;      /* --rate: when the next request is due */
	struct event *pace; /* --rate: wakes pump() when it is */
};

static struct lconn *conns;
static int nconns, nstarted, nready, ndone, nfailed;
static double t_start, t_end;

/* Results: latencies in milliseconds. */
struct lats {
	double *v;
	size_t n, cap;
};
static struct lats lat;  /* the requests measured */
static struct lats plat; /* the interleaved Pings */
static double first_ms = -1;
static double decode_s; /* unpacking replies, the client's own work */
static uint64_t ndecoded, reply_bytes, nsame;
static uint64_t accepted, duplicate, rejected, nerr, replies;
static char first_err[512];

/* Work. */
static uint64_t next_row, end_row;
static long q_sent, q_pings; /* queries (warm-up included), Pings */

static void
lat_add(struct lats *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (l->v == NULL)
			die("out of memory");
	}
	l->v[l->n++] = ms;
}

/* Nearest-rank percentile of sorted latencies. */
static double
pct(const struct lats *l, double p)
{
	size_t k;

	if (l->n == 0)
		return NAN;
	k = (size_t)ceil(p / 100.0 * (double)l->n);
	if (k < 1)
		k = 1;
	return l->v[k - 1];
}

/* A JSON member: a latency, or null when there is none (JSON has no NaN). */
static void
put_ms(const char *name, double v)
{
	if (isnan(v))
		printf(",\"%s\":null", name);
	else
		printf(",\"%s\":%.4f", name, v);
}

static void
print_latency(void)
{
	double sum = 0;
	size_t i;

	qsort(lat.v, lat.n, sizeof *lat.v, bench_cmp_double);
	for (i = 0; i < lat.n; i++)
		sum += lat.v[i];
	printf("\"n\":%zu", lat.n);
	put_ms("p50_ms", pct(&lat, 50));
	put_ms("p90_ms", pct(&lat, 90));
	put_ms("p99_ms", pct(&lat, 99));
	put_ms("max_ms", lat.n ? lat.v[lat.n - 1] : NAN);
	put_ms("mean_ms", lat.n ? sum / (double)lat.n : NAN);
	put_ms("first_ms", first_ms >= 0 ? first_ms : NAN);
	if (O.ping_every > 0) {
		qsort(plat.v, plat.n, sizeof *plat.v, bench_cmp_double);
		printf(",\"ping_every\":%ld,\"ping_n\":%zu", O.ping_every,
		    plat.n);
		put_ms("ping_p50_ms", pct(&plat, 50));
		put_ms("ping_p99_ms", pct(&plat, 99));
	}
	printf(",\"decode_ms\":%.4f,\"reply_bytes\":%llu,\"decoded\":%llu,"
	       "\"same_as_first\":%llu",
	    ndecoded ? decode_s * 1000.0 / (double)ndecoded : 0.0,
	    (unsigned long long)reply_bytes, (unsigned long long)ndecoded,
	    (unsigned long long)nsame);
}

static void
note_error(const char *msg)
{
	nerr++;
	if (first_err[0] == '\0') {
		snprintf(first_err, sizeof first_err, "%s", msg);
		fprintf(stderr, "loadgen: error reply: %s\n", msg);
	}
}

static void conn_start(int i);
static void all_ready(void);

/*
 * --after-commit: one new birth, submitted on a blocking connection of its
 * own (the clerk's) and acknowledged, so that the query sent next answers
 * from data a commit has just changed (and the reply cache, cleared by
 * every commit, cannot answer it).  Birth k (from --start on) is record
 * AC<stream>-<k> of township k mod --units, dated in the year of --period
 * (day k mod 365), so it changes that year's figures.  Anything but one
 * birth stored (a duplicate: already there from an earlier run; a
 * rejection) is an error.  The query connection waits meanwhile: a single
 * one (--conns 1), so no other reply waits unread.
 */
static int commit_fd = -1;
static uint64_t ncommits;

static void
commit_birth(void)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Submit s = POPSTAT__SUBMIT__INIT;
	Popstat__Row row = POPSTAT__ROW__INIT, *rp = &row;
	Popstat__Envelope *env;
	const Popstat__Response *r;
	uint64_t k = O.start + ncommits++;
	struct genrow g;
	char id[64], msg[256];
	uint8_t *frame;
	size_t len;

	if (commit_fd < 0)
		commit_fd = sync_open(O.clerk_token ? O.clerk_token : O.token);
	rowgen_birth(O.stream, k, (unsigned)O.units, &g);
	rowgen_unit_code((unsigned)(k % (uint64_t)O.units), g.unit,
	    sizeof g.unit);
	date_format(date_from_ymd(atoi(O.period), 1, 1) + (int32_t)(k % 365),
	    g.date);
	snprintf(id, sizeof id, "AC%llu-%llu", (unsigned long long)O.stream,
	    (unsigned long long)k);
	row.line = 2;
	row.record_id = id;
	row.unit = g.unit;
	row.date = g.date;
	row.sex = g.sex;
	row.birth_order = g.birth_order;
	row.policy = g.policy;
	if (O.mother)
		row.mother_id = g.mother_id;
	s.kind = POPSTAT__RECORD_KIND__KIND_BIRTH;
	s.n_rows = 1;
	s.rows = &rp;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &s;
	frame = pack_request(ncommits + 1, &rq, &len);
	write_all(commit_fd, frame, len);
	free(frame);
	env = sync_read(commit_fd);
	r = env->response;
	if (error_text(r)) {
		snprintf(msg, sizeof msg, "after-commit birth %s: %s", id,
		    error_text(r));
		note_error(msg);
	} else if (r->body_case != POPSTAT__RESPONSE__BODY_SUBMIT) {
		note_error("after-commit: unexpected reply to Submit");
	} else if (r->submit->n_rejected) {
		snprintf(msg, sizeof msg,
		    "after-commit birth %s rejected: %s: %s", id,
		    r->submit->rejected[0]->column,
		    r->submit->rejected[0]->reason);
		note_error(msg);
	} else if (r->submit->accepted != 1) {
		snprintf(msg, sizeof msg,
		    "after-commit birth %s was already stored (a duplicate)",
		    id);
		note_error(msg);
	}
	popstat__envelope__free_unpacked(env, NULL);
}

/* Produce the next request of this connection; 0 when the work is done. */
static int
produce(struct lconn *c, uint8_t **frame, size_t *len, struct pending *p)
{
	uint64_t id = ++c->next_id;

	p->id = id;
	p->rows = 0;
	p->warm = 0;
	if (strcmp(O.mode, "ingest") == 0) {
		uint64_t n;

		if (next_row >= end_row)
			return 0;
		n = end_row - next_row;
		if (n > (uint64_t)O.batch)
			n = (uint64_t)O.batch;
		*frame = req_births(id, next_row, (uint32_t)n, len);
		next_row += n;
		p->rows = (uint32_t)n;
		return 1;
	}
	if (strcmp(O.mode, "query") == 0) {
		long m = q_sent - O.warmup; /* measured queries sent so far */
		long want_pings = O.ping_every > 0 ? O.count : 0;

		if (m >= O.count && q_pings >= want_pings)
			return 0;
		/* A time cap, once a few measured requests are in. */
		if (O.max_seconds > 0 && m >= 3 &&
		    (q_pings >= 3 || want_pings == 0) &&
		    now_s() - t_start > O.max_seconds)
			return 0;
		p->warm = m < 0;
		/* After the warm-up, B queries, B Pings, B queries, ... */
		p->ping = !p->warm && q_pings < want_pings &&
		    (m >= O.count || (m + q_pings) / O.ping_every % 2 == 1);
		if (p->ping)
			q_pings++;
		else
			q_sent++;
		/* Before the query is built: pump() times it from then on. */
		if (!p->ping && O.after_commit)
			commit_birth();
		if (p->ping || strcmp(O.kind, "ping") == 0)
			*frame = req_ping(id, len);
		else if (strcmp(O.kind, "warning") == 0)
			*frame = req_warning(id, len);
		else if (strcmp(O.kind, "quality") == 0)
			*frame = req_quality(id, len);
		else if (strcmp(O.kind, "status") == 0)
			*frame = req_status(id, len);
		else
			*frame = req_ranking(id, len);
		return 1;
	}
	return 0;
}

static void
consume(struct lconn *c, const Popstat__Response *r, const struct pending *p,
    double ms)
{
	const char *e = error_text(r);

	(void)c;
	replies++;
	if (p->ping) {
		if (e || r->body_case != POPSTAT__RESPONSE__BODY_PONG)
			note_error(e ? e : "unexpected reply to Ping");
		else
			lat_add(&plat, ms);
		return;
	}
	if (first_ms < 0)
		first_ms = ms;
	if (!p->warm)
		lat_add(&lat, ms);
	if (e) {
		note_error(e);
		return;
	}
	if (strcmp(O.mode, "ingest") == 0) {
		const Popstat__SubmitOk *ok = r->submit;

		if (r->body_case != POPSTAT__RESPONSE__BODY_SUBMIT) {
			note_error("unexpected reply to Submit");
			return;
		}
		accepted += ok->accepted;
		duplicate += ok->duplicate;
		rejected += ok->n_rejected;
		if (ok->n_rejected && first_err[0] == '\0') {
			snprintf(first_err, sizeof first_err, "line %u: %s: %s",
			    ok->rejected[0]->line, ok->rejected[0]->column,
			    ok->rejected[0]->reason);
			fprintf(stderr, "loadgen: rejected: %s\n", first_err);
		}
	} else if (strcmp(O.mode, "query") == 0) {
		Popstat__Response__BodyCase want = strcmp(O.kind, "ping") == 0 ?
		    POPSTAT__RESPONSE__BODY_PONG :
		    strcmp(O.kind, "status") == 0 ?
		    POPSTAT__RESPONSE__BODY_STATUS :
		    strcmp(O.kind, "warning") == 0 ?
		    POPSTAT__RESPONSE__BODY_WARNING :
		    strcmp(O.kind, "quality") == 0 ?
		    POPSTAT__RESPONSE__BODY_QUALITY :
		    POPSTAT__RESPONSE__BODY_RANKING;

		if (r->body_case != want)
			note_error("unexpected reply type");
		else if (want == POPSTAT__RESPONSE__BODY_RANKING &&
		    r->ranking->n_rows !=
			(size_t)(rowgen_national() ? ROWGEN_NAT_COUNTIES :
						     O.units))
			/* national: a province's counties */
			note_error("ranking does not list every township");
		else if (want == POPSTAT__RESPONSE__BODY_WARNING &&
		    r->warning->n_rows !=
			(size_t)(rowgen_national() ? ROWGEN_NAT_TOWNSHIPS :
						     O.units))
			note_error("warning does not list every township");
	}
}

static void
finish_conn(struct lconn *c)
{
	if (c->done)
		return;
	c->done = 1;
	if (++ndone == nconns) {
		t_end = now_s();
		event_base_loopbreak(base);
	}
}

/*
 * --rate R: each connection's requests are due at fixed times, R a second
 * (the connections' schedules spread evenly over 1/R), whatever the
 * replies do: an open-loop load below the server's capacity, so that a
 * latency is the server's answer time, not a queue of the clients' own
 * making.  A request sent late because its connection still waited for
 * the previous reply counts from when it was due (no coordinated
 * omission, as in wrk2).
 */
static void pump(struct lconn *c);

static void
pace_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

static void
pump(struct lconn *c)
{
	while (c->inflight < O.depth) {
		struct pending *p = &c->q[(c->qh + c->inflight) % MAX_DEPTH];
		uint8_t *frame;
		size_t len;

		if (O.rate > 0) {
			double now = now_s();

			if (c->t_next > now) {
				struct timeval tv = tv_of(c->t_next - now);

				evtimer_add(c->pace, &tv);
				return;
			}
		}
		if (!produce(c, &frame, &len, p))
			break;
		/* Timed from when it was due (--rate), or from here: building
		 * the request is the client's own work (a Submit of 1000 rows
		 * takes a while). */
		if (O.rate > 0) {
			p->t = c->t_next;
			c->t_next += 1.0 / O.rate;
		} else {
			p->t = now_s();
		}
		bufferevent_write(c->bev, frame, len);
		free(frame);
		c->inflight++;
	}
	if (c->inflight == 0)
		finish_conn(c);
}

/*
 * t: when the whole reply frame had arrived, before it is decoded: a
 * latency is the server's round trip, the same for every kind of request;
 * decoding a reply is the client's own cost (counted apart, decode_ms).
 */
static void
on_frame(struct lconn *c, Popstat__Envelope *env, double t)
{
	struct pending *p;

	if (env->msg_case != POPSTAT__ENVELOPE__MSG_RESPONSE)
		die("connection %d: a reply that is not a response", c->idx);
	if (!c->ready) {
		const char *e = error_text(env->response);

		if (e)
			die("hello: %s", e);
		c->ready = 1;
		nready++;
		if (strcmp(O.mode, "idle") == 0) {
			if (nstarted < nconns)
				conn_start(nstarted);
			if (nready + nfailed == nconns)
				all_ready();
		} else if (nready == nconns) {
			all_ready();
		}
		return;
	}
	if (c->inflight == 0)
		die("connection %d: a reply nobody asked for", c->idx);
	p = &c->q[c->qh];
	if (env->request_id != p->id) {
		const char *e = error_text(env->response);

		die("connection %d: reply %llu out of order (want %llu)%s%s",
		    c->idx, (unsigned long long)env->request_id,
		    (unsigned long long)p->id, e ? ": " : "", e ? e : "");
	}
	c->qh = (c->qh + 1) % MAX_DEPTH;
	c->inflight--;
	consume(c, env->response, p, (t - p->t) * 1000.0);
	pump(c);
}

/*
 * Queries: the first reply is decoded and checked in full; a later one
 * whose bytes after the request id are the same is the same reply, and is
 * not decoded again.  Decoding a thousand-row ranking takes the client
 * about half a millisecond; done between every two requests, that pause
 * let the CPUs idle and slowed the next round trip (a wake-up cost of the
 * machine, not of the server), which ping, decoded in microseconds, never
 * pays.  Comparing keeps the client's work per reply as small as ping's.
 */
static uint8_t *ref_body; /* the first reply after its request id */
static size_t ref_len;
static Popstat__Envelope *ref_env;

/* Offset of the first field after version and request id, 0 if none. */
static size_t
after_id(const uint8_t *b, size_t n, uint64_t *id)
{
	size_t i = 0;
	int f;

	for (f = 0; f < 2; f++) {
		uint64_t v = 0;
		int shift = 0;

		if (i >= n || b[i] != (f == 0 ? 0x08 : 0x10))
			return 0;
		i++;
		do {
			if (i >= n || shift > 63)
				return 0;
			v |= (uint64_t)(b[i] & 0x7f) << shift;
			shift += 7;
		} while (b[i++] & 0x80);
		if (f == 1)
			*id = v;
	}
	return i;
}

static int
same_as_first(const uint8_t *b, size_t n, uint64_t *id)
{
	size_t off;

	if (ref_env == NULL || (off = after_id(b, n, id)) == 0)
		return 0;
	return n - off == ref_len && memcmp(b + off, ref_body, ref_len) == 0;
}

static void
keep_first(const uint8_t *b, size_t n, Popstat__Envelope *env)
{
	uint64_t id;
	size_t off = after_id(b, n, &id);

	if (off == 0)
		return;
	ref_len = n - off;
	ref_body = malloc(ref_len ? ref_len : 1);
	if (ref_body == NULL)
		die("out of memory");
	memcpy(ref_body, b + off, ref_len);
	ref_env = env;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct lconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[FRAME_HEADER];
	uint32_t len;
	Popstat__Envelope *env;
	uint8_t *body;
	uint64_t id;
	double t;
	int pong;

	while (evbuffer_get_length(in) >= FRAME_HEADER) {
		evbuffer_copyout(in, hdr, FRAME_HEADER);
		if (frame_get_len(hdr, REPLY_MAX, &len) != FRAME_OK)
			die("connection %d: bad frame", c->idx);
		if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)len)
			break;
		t = now_s();
		evbuffer_drain(in, FRAME_HEADER);
		body = evbuffer_pullup(in, len);
		/* An interleaved Pong is not the query's: not in its figures.
		 */
		pong = c->ready && c->inflight > 0 && c->q[c->qh].ping;
		if (c->ready && !pong)
			reply_bytes = FRAME_HEADER + (uint64_t)len;
		if (c->ready && strcmp(O.mode, "query") == 0 &&
		    same_as_first(body, len, &id)) {
			evbuffer_drain(in, len);
			nsame++;
			ref_env->request_id = id;
			on_frame(c, ref_env, t);
			continue;
		}
		env = popstat__envelope__unpack(NULL, len, body);
		if (env == NULL)
			die("connection %d: unreadable envelope", c->idx);
		if (!pong) {
			decode_s += now_s() - t;
			ndecoded++;
		}
		if (c->ready && strcmp(O.mode, "query") == 0 &&
		    ref_env == NULL && error_text(env->response) == NULL) {
			keep_first(body, len, env);
			evbuffer_drain(in, len);
			on_frame(c, env, t);
			continue;
		}
		evbuffer_drain(in, len);
		on_frame(c, env, t);
		popstat__envelope__free_unpacked(env, NULL);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct lconn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		uint8_t *frame;
		size_t len;
		int one = 1;

		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof one);
		frame = req_hello(++c->next_id, O.token, &len);
		bufferevent_write(bev, frame, len);
		free(frame);
		return;
	}
	if (strcmp(O.mode, "idle") == 0 && !c->ready) {
		if (++nfailed <= 3)
			fprintf(stderr, "loadgen: connection %d failed: %s\n",
			    c->idx,
			    evutil_socket_error_to_string(
				EVUTIL_SOCKET_ERROR()));
		bufferevent_free(c->bev);
		c->bev = NULL;
		if (nstarted < nconns)
			conn_start(nstarted);
		if (nready + nfailed == nconns)
			all_ready();
		return;
	}
	die("connection %d: %s", c->idx,
	    (what & BEV_EVENT_EOF) ?
		"closed by the server" :
		evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

static void
conn_start(int i)
{
	struct lconn *c = &conns[i];

	nstarted++;
	c->idx = i;
	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	/* libevent reads 4 KiB at a time by default: a large reply (a
	 * ranking) would take dozens of reads and callbacks. */
	bufferevent_set_max_single_read(c->bev, 1 << 20);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&srv_addr,
		(int)srv_addrlen) < 0)
		event_cb(c->bev, BEV_EVENT_ERROR, c);
}

/* ---- idle mode ---------------------------------------------------------- */

static long
proc_kib(long pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static double idle_t_open;

static void
idle_hold_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

static void
idle_measure(evutil_socket_t fd, short what, void *arg)
{
	struct timeval hold = tv_of(O.hold);
	int alive = 0, i;

	(void)fd;
	(void)what;
	(void)arg;
	/* Still there?  (The server closes connections it drops.) */
	for (i = 0; i < nconns; i++)
		if (conns[i].bev && conns[i].ready)
			alive++;
	printf("{\"mode\":\"idle\",\"conns\":%d,\"open\":%d,\"failed\":%d,"
	       "\"open_seconds\":%.3f,\"server_vmrss_kib\":%ld,"
	       "\"server_vmhwm_kib\":%ld}\n",
	    nconns, alive, nfailed, idle_t_open,
	    O.pid ? proc_kib(O.pid, "VmRSS") : -1,
	    O.pid ? proc_kib(O.pid, "VmHWM") : -1);
	fflush(stdout);
	event_base_once(base, -1, EV_TIMEOUT, idle_hold_done, NULL, &hold);
}

static void
all_ready(void)
{
	int i;

	t_start = now_s();
	if (strcmp(O.mode, "idle") == 0) {
		struct timeval settle = { 1, 0 };

		idle_t_open = t_start - idle_t_open;
		event_base_once(base, -1, EV_TIMEOUT, idle_measure, NULL,
		    &settle);
		return;
	}
	for (i = 0; i < nconns; i++) {
		if (O.rate > 0) {
			conns[i].t_next =
			    t_start + (double)i / (O.rate * nconns);
			conns[i].pace = evtimer_new(base, pace_cb, &conns[i]);
			if (conns[i].pace == NULL)
				die("out of memory");
		}
		pump(&conns[i]);
	}
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)O.conns + 16)
		die("%d connections need %d descriptors; the limit is %llu",
		    O.conns, O.conns + 16, (unsigned long long)rl.rlim_cur);
}

static int
cmd_async(void)
{
	struct event_config *cfg;
	int i;

	if (O.depth < 1 || O.depth > MAX_DEPTH)
		die("--depth must be 1-%d", MAX_DEPTH);
	if (O.conns < 1)
		die("--conns must be at least 1");
	raise_nofile();
	/* --rate: timers to the microsecond (timerfd), not epoll's
	 * milliseconds.  Only then: libevent re-arms the timerfd on every
	 * pass of its loop, a system call the other figures need not pay. */
	if ((cfg = event_config_new()) == NULL ||
	    (O.rate > 0 &&
		event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) <
		    0) ||
	    (base = event_base_new_with_config(cfg)) == NULL)
		die("cannot set up libevent");
	event_config_free(cfg);
	nconns = O.conns;
	conns = calloc((size_t)nconns, sizeof *conns);
	if (conns == NULL)
		die("out of memory");
	next_row = O.start;
	end_row = O.start + O.records;
	idle_t_open = now_s();
	if (strcmp(O.mode, "idle") == 0) {
		for (i = 0; i < nconns && i < CONNECT_WINDOW; i++)
			conn_start(i);
	} else {
		for (i = 0; i < nconns; i++)
			conn_start(i);
	}
	event_base_dispatch(base);
	if (strcmp(O.mode, "idle") == 0) {
		for (i = 0; i < nconns; i++)
			if (conns[i].bev)
				bufferevent_free(conns[i].bev);
		event_base_free(base);
		return nfailed ? 1 : 0;
	}
	if (strcmp(O.mode, "ingest") == 0) {
		double secs = t_end - t_start;

		printf("{\"mode\":\"ingest\",\"conns\":%d,\"depth\":%d,"
		       "\"batch\":%d,\"records\":%llu,\"start\":%llu,"
		       "\"stream\":%llu,"
		       "\"mother_id\":%s,\"accepted\":%llu,\"duplicate\":%llu,"
		       "\"rejected\":%llu,\"errors\":%llu,\"requests\":%llu,"
		       "\"rate\":%g,\"seconds\":%.4f,\"records_per_s\":%.1f,",
		    O.conns, O.depth, O.batch, (unsigned long long)O.records,
		    (unsigned long long)O.start, (unsigned long long)O.stream,
		    O.mother ? "true" : "false", (unsigned long long)accepted,
		    (unsigned long long)duplicate, (unsigned long long)rejected,
		    (unsigned long long)nerr, (unsigned long long)replies,
		    O.rate, secs, secs > 0 ? (double)accepted / secs : 0.0);
	} else {
		double secs = t_end - t_start;

		printf("{\"mode\":\"query\",\"kind\":\"%s\",\"period\":\"%s\","
		       "\"conns\":%d,\"depth\":%d,\"errors\":%llu,\"seconds\":%"
		       ".4f,"
		       "\"requests_per_s\":%.1f,\"replies\":%llu,"
		       "\"after_commit\":%s,\"commits\":%llu,",
		    O.kind, O.period, O.conns, O.depth,
		    (unsigned long long)nerr, secs,
		    secs > 0 ? (double)replies / secs : 0.0,
		    (unsigned long long)replies,
		    O.after_commit ? "true" : "false",
		    (unsigned long long)ncommits);
	}
	print_latency();
	printf(",\"first_error\":\"");
	for (i = 0; first_err[i]; i++)
		if (first_err[i] != '"' && first_err[i] != '\\' &&
		    (unsigned char)first_err[i] >= 0x20)
			putchar(first_err[i]);
	printf("\"}\n");
	for (i = 0; i < nconns; i++) {
		bufferevent_free(conns[i].bev);
		if (conns[i].pace)
			event_free(conns[i].pace);
	}
	event_base_free(base);
	return nerr || rejected ? 1 : 0;
}

/* ---- startup mode ------------------------------------------------------- */

static int
cmd_startup(void)
{
	double t0, t_conn, t1;
	pid_t pid;
	int fd, status;
	size_t len;
	Popstat__Envelope *env;

	if (O.cmd == NULL || O.cmd[0] == NULL)
		die("startup: give the server command after --");
	fflush(stdout);
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (O.log) {
			int lfd =
			    open(O.log, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (lfd >= 0) {
				dup2(lfd, 1);
				dup2(lfd, 2);
				close(lfd);
			}
		}
		execv(O.cmd[0], O.cmd);
		fprintf(stderr, "loadgen: exec %s: %s\n", O.cmd[0],
		    strerror(errno));
		_exit(127);
	}
	for (;;) {
		if ((fd = sync_connect(1)) >= 0)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid)
			die("the server exited before accepting (status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		if (now_s() - t0 > O.timeout) {
			kill(pid, SIGTERM);
			die("the server did not accept within %.0f s",
			    O.timeout);
		}
		usleep(500);
	}
	t_conn = now_s();
	popstat__envelope__free_unpacked(sync_call(fd,
					     req_hello(1, O.token, &len), &len,
					     "hello"),
	    NULL);
	env = sync_call(fd, req_ping(2, &len), &len, "ping");
	t1 = now_s();
	if (env->response->body_case != POPSTAT__RESPONSE__BODY_PONG)
		die("ping: unexpected reply");
	popstat__envelope__free_unpacked(env, NULL);
	close(fd);
	printf("{\"mode\":\"startup\",\"pid\":%ld,\"ms\":%.3f,"
	       "\"accept_ms\":%.3f,\"vmrss_kib\":%ld,\"vmhwm_kib\":%ld}\n",
	    (long)pid, (t1 - t0) * 1000.0, (t_conn - t0) * 1000.0,
	    proc_kib(pid, "VmRSS"), proc_kib(pid, "VmHWM"));
	return 0;
}

/* ---- command line ------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen setup|ingest|query|idle|startup --server HOST:PORT"
	    " --token TOKEN [options]\n"
	    "  --units N        townships of the county (1000)\n"
	    "  --county CODE    the county's code (" ROWGEN_COUNTY ")\n"
	    "  --conns N        connections (ingest 8, query 1, idle 10000)\n"
	    "  --depth D        requests in flight per connection (1)\n"
	    "  --batch B        rows per Submit (1000)\n"
	    "  --records R      rows to submit (100000)\n"
	    "  --start I        first row index of the stream (0)\n"
	    "  --stream S       row stream (1)\n"
	    "  --no-mother      births without mother_id\n"
	    "  --kind K         query: ping, status, ranking, warning or "
	    "quality\n"
	    "  --period P       query period (" ROWGEN_QUERY_PERIOD ")\n"
	    "  --fresh          query: every request new to the reply cache\n"
	    "  --fresh-from N   query: --fresh, from the N-th new request on "
	    "(0)\n"
	    "  --count K        measured queries (100)\n"
	    "  --warmup W       unmeasured queries first (1)\n"
	    "  --max-seconds S  query: stop after S seconds (at least 3 "
	    "measured)\n"
	    "  --ping-every B   query: blocks of B queries and B Pings "
	    "alternate\n"
	    "  --cold           query, ranking: every request new to the "
	    "reply cache\n"
	    "                   and the row cache: 365-day windows ending "
	    "Dec 30 of\n"
	    "                   --period, a day earlier each (--fresh-from N: "
	    "the N-th)\n"
	    "  --after-commit   query: before each query one new birth is "
	    "submitted\n"
	    "                   and acknowledged (not timed): AC<S>-<I>, I "
	    "from "
	    "--start\n"
	    "                   of --stream S (with --conns 1, --depth 1)\n"
	    "  --clerk-token C  query: --after-commit submits as C (--token)\n"
	    "  --rate R         each connection sends R requests a second, due "
	    "at\n"
	    "                   fixed times; latency counts from when one was "
	    "due\n"
	    "                   (0: the next as soon as the reply is in)\n"
	    "  --pid PID        idle: the server process to read memory of\n"
	    "  --hold S         idle: keep the connections S more seconds\n"
	    "  --log FILE       startup: the server's stdout and stderr\n"
	    "  --timeout S      startup: give up after S seconds (600)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2)
		usage();
	O.mode = argv[1];
	O.units = 1000;
	O.county = ROWGEN_COUNTY;
	O.conns = -1;
	O.depth = 1;
	O.batch = 1000;
	O.records = 100000;
	O.stream = 1;
	O.mother = 1;
	O.kind = "ping";
	O.period = ROWGEN_QUERY_PERIOD;
	O.count = 100;
	O.warmup = 1;
	O.timeout = 600;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--") == 0) {
			O.cmd = argv + i + 1;
			break;
		}
		if (strcmp(a, "--no-mother") == 0) {
			O.mother = 0;
			continue;
		}
		if (strcmp(a, "--fresh") == 0) {
			O.fresh = 1;
			continue;
		}
		if (strcmp(a, "--cold") == 0) {
			O.fresh = O.cold = 1;
			continue;
		}
		if (strcmp(a, "--after-commit") == 0) {
			O.after_commit = 1;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--server") == 0)
			O.server = v;
		else if (strcmp(a, "--token") == 0)
			O.token = v;
		else if (strcmp(a, "--clerk-token") == 0)
			O.clerk_token = v;
		else if (strcmp(a, "--units") == 0)
			O.units = atoi(v);
		else if (strcmp(a, "--fresh-from") == 0) {
			O.fresh = 1;
			O.fresh_from = atoi(v);
			if (O.fresh_from < 0)
				usage();
			O.fresh_from %= FRESH_DAYS;
		} else if (strcmp(a, "--county") == 0)
			O.county = v;
		else if (strcmp(a, "--conns") == 0)
			O.conns = atoi(v);
		else if (strcmp(a, "--depth") == 0)
			O.depth = atoi(v);
		else if (strcmp(a, "--batch") == 0)
			O.batch = atoi(v);
		else if (strcmp(a, "--records") == 0)
			O.records = strtoull(v, NULL, 10);
		else if (strcmp(a, "--start") == 0)
			O.start = strtoull(v, NULL, 10);
		else if (strcmp(a, "--stream") == 0)
			O.stream = strtoull(v, NULL, 10);
		else if (strcmp(a, "--kind") == 0)
			O.kind = v;
		else if (strcmp(a, "--period") == 0)
			O.period = v;

		else if (strcmp(a, "--count") == 0)
			O.count = atol(v);
		else if (strcmp(a, "--warmup") == 0)
			O.warmup = atol(v);
		else if (strcmp(a, "--pid") == 0)
			O.pid = atol(v);
		else if (strcmp(a, "--hold") == 0)
			O.hold = atof(v);
		else if (strcmp(a, "--log") == 0)
			O.log = v;
		else if (strcmp(a, "--timeout") == 0)
			O.timeout = atof(v);
		else if (strcmp(a, "--max-seconds") == 0)
			O.max_seconds = atof(v);
		else if (strcmp(a, "--ping-every") == 0)
			O.ping_every = atol(v);
		else if (strcmp(a, "--rate") == 0)
			O.rate = atof(v);
		else
			usage();
	}
	if (O.server == NULL || O.token == NULL)
		usage();
	if (O.units < 1 || O.units > 100000)
		die("--units must be 1-100000");
	if (O.batch < 1)
		die("--batch must be at least 1");
	if (O.ping_every < 0)
		die("--ping-every must be 0 (off) or more");
	if (O.cold && (strlen(O.period) != 4 || atoi(O.period) < 1900))
		die("--cold needs --period YYYY");
	if (O.cold && (O.kind == NULL || strcmp(O.kind, "ranking") != 0))
		die("--cold is for --kind ranking");
	if (O.rate < 0 || (O.rate > 0 && O.depth != 1))
		die("--rate must be 0 (closed loop) or more, with --depth 1");
	signal(SIGPIPE, SIG_IGN);
	resolve(O.server);
	if (strcmp(O.mode, "setup") == 0)
		return rowgen_national() ? cmd_setup_national() : cmd_setup();
	if (strcmp(O.mode, "startup") == 0)
		return cmd_startup();
	if (strcmp(O.mode, "ingest") == 0) {
		if (O.conns < 0)
			O.conns = 8;
	} else if (strcmp(O.mode, "query") == 0) {
		if (O.conns < 0)
			O.conns = 1;
		if (strcmp(O.kind, "ping") && strcmp(O.kind, "status") &&
		    strcmp(O.kind, "ranking") && strcmp(O.kind, "warning") &&
		    strcmp(O.kind, "quality"))
			die("--kind must be ping, status, ranking, warning or "
			    "quality");
		if (O.after_commit &&
		    (strcmp(O.kind, "ping") == 0 || O.conns != 1 ||
			O.depth != 1 || O.rate > 0))
			die("--after-commit needs a --kind other than ping, "
			    "--conns 1, --depth 1 and no --rate");
	} else if (strcmp(O.mode, "idle") == 0) {
		if (O.conns < 0)
			O.conns = 10000;
	} else {
		usage();
	}
	return cmd_async();
}
