/*
 * mkseeds.c - writes the binary seed inputs of the frame and envelope fuzz
 * targets: packed Envelopes of typical requests and responses, and byte
 * streams of whole frames.  `make fuzz-seeds` runs it into
 * tests/fuzz/corpus/ (only when asked; the files are committed).
 *
 *   mkseeds ENVELOPE_DIR FRAME_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "popstat.pb-c.h"

static const char *env_dir, *frame_dir;

static void
write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static uint8_t *
pack_env(uint64_t id, uint32_t version, Popstat__Request *rq,
    Popstat__Response *resp, size_t *n)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
	uint8_t *buf;

	env.version = version;
	env.request_id = id;
	if (rq != NULL) {
		env.msg_case = POPSTAT__ENVELOPE__MSG_REQUEST;
		env.request = rq;
	} else {
		env.msg_case = POPSTAT__ENVELOPE__MSG_RESPONSE;
		env.response = resp;
	}
	*n = popstat__envelope__get_packed_size(&env);
	buf = malloc(*n);
	popstat__envelope__pack(&env, buf);
	return buf;
}

/* Frame stream under construction: limit byte, then frames. */
static uint8_t stream[65536];
static size_t stream_len;

static void
stream_start(uint8_t limit_byte)
{
	stream[0] = limit_byte;
	stream_len = 1;
}

static void
stream_frame(const uint8_t *body, size_t n)
{
	frame_put_len(stream + stream_len, (uint32_t)n);
	memcpy(stream + stream_len + FRAME_HEADER, body, n);
	stream_len += FRAME_HEADER + n;
}

static void
stream_raw(const void *p, size_t n)
{
	memcpy(stream + stream_len, p, n);
	stream_len += n;
}

/* One request envelope seed; also kept for the frame streams. */
static uint8_t *saved[32];
static size_t saved_len[32];
static int nsaved;

static void
seed_request(const char *name, Popstat__Request *rq)
{
	size_t n;
	uint8_t *b = pack_env((uint64_t)nsaved + 1, PROTOCOL_VERSION, rq,
	    NULL, &n);

	write_file(env_dir, name, b, n);
	saved[nsaved] = b;
	saved_len[nsaved++] = n;
}

static Popstat__Row *
row(uint32_t line, const char *id, const char *unit, const char *date)
{
	static Popstat__Row pool[16];
	static int used;
	Popstat__Row *r = &pool[used++];

	popstat__row__init(r);
	r->line = line;
	r->record_id = (char *)id;
	r->unit = (char *)unit;
	r->date = (char *)date;
	return r;
}

int
main(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Response resp = POPSTAT__RESPONSE__INIT;
	Popstat__Hello hello = POPSTAT__HELLO__INIT;
	Popstat__Ping ping = POPSTAT__PING__INIT;
	Popstat__Submit submit = POPSTAT__SUBMIT__INIT;
	Popstat__Amend amend = POPSTAT__AMEND__INIT;
	Popstat__StatusQuery status = POPSTAT__STATUS_QUERY__INIT;
	Popstat__RankingQuery ranking = POPSTAT__RANKING_QUERY__INIT;
	Popstat__IndicatorSet iset = POPSTAT__INDICATOR_SET__INIT;
	Popstat__ReportFile rfile = POPSTAT__REPORT_FILE__INIT;
	Popstat__Bulletin bull = POPSTAT__BULLETIN__INIT;
	Popstat__Error err = POPSTAT__ERROR__INIT;
	Popstat__HelloOk hok = POPSTAT__HELLO_OK__INIT;
	Popstat__Row *rows[3];
	size_t n;
	uint8_t *b;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds ENVELOPE_DIR FRAME_DIR\n");
		return 2;
	}
	env_dir = argv[1];
	frame_dir = argv[2];

	hello.token = "ps_0123456789abcdef0123456789abcdef";
	hello.client = "popstat 1.0";
	rq.body_case = POPSTAT__REQUEST__BODY_HELLO;
	rq.hello = &hello;
	seed_request("hello.bin", &rq);

	rq.body_case = POPSTAT__REQUEST__BODY_PING;
	rq.ping = &ping;
	seed_request("ping.bin", &rq);

	rows[0] = row(2, "B-0001", "C01-T03", "2026-11-02");
	rows[0]->sex = "F";
	rows[0]->birth_order = "2";
	rows[0]->policy = "Y";
	rows[0]->mother_id = "11010519900101123x";
	rows[1] = row(3, "B-0002", "C01-T03", " 2026-11-03 ");
	rows[1]->sex = "男";
	rows[1]->birth_order = "3";
	rows[1]->policy = "不符合";
	rows[2] = row(4, "B-0003", "C01 T03", "2026-13-01");
	rows[2]->sex = "X";
	rows[2]->birth_order = "16";
	rows[2]->policy = "maybe";
	submit.kind = POPSTAT__RECORD_KIND__KIND_BIRTH;
	submit.n_rows = 3;
	submit.rows = rows;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &submit;
	seed_request("submit_birth.bin", &rq);

	rows[0] = row(2, "D-1", "C01", "2026-10-30");
	rows[0]->sex = "M";
	rows[0]->age = "87";
	submit.kind = POPSTAT__RECORD_KIND__KIND_DEATH;
	submit.n_rows = 1;
	seed_request("submit_death.bin", &rq);

	rows[0] = row(2, "M-1", "C01-T01", "2026-09-01");
	rows[0]->direction = "迁入";
	rows[0]->persons = "4";
	rows[1] = row(3, "M-2", "C01-T01", "2026-09-02");
	rows[1]->direction = "out";
	rows[1]->persons = "100001";
	submit.kind = POPSTAT__RECORD_KIND__KIND_MIGRATION;
	submit.n_rows = 2;
	seed_request("submit_migration.bin", &rq);

	rows[0] = row(2, "P-2026", "C01", "2026-01-01");
	rows[0]->persons = "412345";
	submit.kind = POPSTAT__RECORD_KIND__KIND_POPULATION;
	submit.n_rows = 1;
	seed_request("submit_population.bin", &rq);

	rows[0] = row(2, "V-1", "C01-T03", "2026-11-20");
	rows[0]->mother_id = "110105199001011234";
	submit.kind = POPSTAT__RECORD_KIND__KIND_VERIFICATION;
	seed_request("submit_verification.bin", &rq);

	rows[0] = row(2, "B-0001", "C01-T03", "2026-11-02");
	rows[0]->sex = "M";
	rows[0]->birth_order = "1";
	rows[0]->policy = "y";
	amend.kind = POPSTAT__RECORD_KIND__KIND_BIRTH;
	amend.n_rows = 1;
	amend.rows = rows;
	amend.reason = "wrong sex entered";
	rq.body_case = POPSTAT__REQUEST__BODY_AMEND;
	rq.amend = &amend;
	seed_request("amend_birth.bin", &rq);

	status.unit = "C01";
	status.period = "2026Q3";
	status.as_of = "2026-11-28";
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &status;
	seed_request("status.bin", &rq);

	ranking.parent = "C01";
	ranking.period = "2026YTD";
	ranking.indicator = "birth_rate";
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &ranking;
	seed_request("ranking.bin", &rq);

	iset.name = "birth_rate";
	iset.expr = "births / pop_avg * 1000 * year_days / days";
	iset.unit = "‰";
	rq.body_case = POPSTAT__REQUEST__BODY_INDICATOR_SET;
	rq.indicator_set = &iset;
	seed_request("indicator_set.bin", &rq);

	rfile.unit = "C01-T03";
	rfile.period = "2026-11D2";
	rfile.has_births = 1;
	rfile.births = 12;
	rq.body_case = POPSTAT__REQUEST__BODY_REPORT_FILE;
	rq.report_file = &rfile;
	seed_request("report_file.bin", &rq);

	bull.period = "2026-10";
	bull.lang = "en";
	bull.format = "md";
	rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN;
	rq.bulletin = &bull;
	seed_request("bulletin.bin", &rq);

	err.code = POPSTAT__ERROR_CODE__ERR_BAD_REQUEST;
	err.message = "unparsable envelope";
	resp.body_case = POPSTAT__RESPONSE__BODY_ERROR;
	resp.error = &err;
	b = pack_env(0, PROTOCOL_VERSION, NULL, &resp, &n);
	write_file(env_dir, "response_error.bin", b, n);
	free(b);

	hok.user = "admin";
	hok.role = "admin";
	hok.server_today = "2026-11-28";
	resp.body_case = POPSTAT__RESPONSE__BODY_HELLO;
	resp.hello = &hok;
	b = pack_env(1, PROTOCOL_VERSION, NULL, &resp, &n);
	write_file(env_dir, "response_hello.bin", b, n);
	free(b);

	rq.body_case = POPSTAT__REQUEST__BODY_PING;
	rq.ping = &ping;
	b = pack_env(7, 2, &rq, NULL, &n);
	write_file(env_dir, "version2_ping.bin", b, n);
	free(b);

	/* Frame streams; byte 0: limit (low 3 bits) and arrival pattern. */
	stream_start(0x07); /* 4 MiB limit */
	stream_frame(saved[0], saved_len[0]);
	stream_frame(saved[1], saved_len[1]);
	write_file(frame_dir, "hello_ping.bin", stream, stream_len);

	stream_start(0x2f); /* 4 MiB limit, other arrival pattern */
	for (i = 0; i < nsaved; i++)
		stream_frame(saved[i], saved_len[i]);
	write_file(frame_dir, "all_requests.bin", stream, stream_len);

	stream_start(0x05); /* 4096-byte limit */
	stream_frame(saved[0], saved_len[0]);
	stream_raw("\x00\x00\x01\x00\x0a", 5); /* a frame cut short */
	write_file(frame_dir, "truncated.bin", stream, stream_len);

	stream_start(0x07);
	stream_frame(saved[1], saved_len[1]);
	stream_raw("\x00\x00\x00\x00", 4); /* empty frame */
	stream_frame(saved[1], saved_len[1]);
	write_file(frame_dir, "empty_frame.bin", stream, stream_len);

	stream_start(0x03); /* 64-byte limit: the Submit is too large */
	stream_frame(saved[1], saved_len[1]);
	stream_frame(saved[2], saved_len[2]);
	write_file(frame_dir, "too_large.bin", stream, stream_len);

	stream_start(0x06);
	stream_frame((const uint8_t *)"GET / HTTP/1.1\r\n", 16);
	stream_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	write_file(frame_dir, "http.bin", stream, stream_len);

	for (i = 0; i < nsaved; i++)
		free(saved[i]);
	return 0;
}
