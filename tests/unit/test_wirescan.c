/*
 * test_wirescan.c - unit tests of common/wirescan.c: the rows of a Submit
 * counted in the packed bytes agree with what protobuf-c unpacks, and
 * malformed bytes are reported, never over-read.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "popstat.pb-c.h"
#include "wirescan.h"

static const uint32_t submit_rows[] = { 3, 7 }; /* request, submit */

/* A packed Envelope with a Submit of n rows and request id id. */
static uint8_t *
packed_submit(size_t n, uint64_t id, size_t *len)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Submit sub = POPSTAT__SUBMIT__INIT;
	Popstat__Row *rows = calloc(n ? n : 1, sizeof *rows);
	Popstat__Row **rp = calloc(n ? n : 1, sizeof *rp);
	uint8_t *buf;
	size_t i;

	for (i = 0; i < n; i++) {
		popstat__row__init(&rows[i]);
		rows[i].line = (uint32_t)i + 2;
		rows[i].record_id = (char *)"R1";
		rp[i] = &rows[i];
	}
	sub.kind = POPSTAT__RECORD_KIND__KIND_BIRTH;
	sub.n_rows = n;
	sub.rows = rp;
	rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	rq.submit = &sub;
	env.version = 1;
	env.request_id = id;
	env.msg_case = POPSTAT__ENVELOPE__MSG_REQUEST;
	env.request = &rq;
	*len = popstat__envelope__get_packed_size(&env);
	buf = malloc(*len);
	popstat__envelope__pack(&env, buf);
	free(rows);
	free(rp);
	return buf;
}

static void
test_counts_match(void)
{
	static const size_t ns[] = { 0, 1, 2, 127, 128, 5000 };
	size_t i, len;

	for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		uint8_t *b = packed_submit(ns[i], 4242, &len);
		uint64_t id = 0;

		CHECK_INT(wirescan_count(b, len, submit_rows, 2, 2),
		    (long)ns[i]);
		CHECK_INT(wirescan_uint(b, len, 2, &id), 1);
		CHECK_INT((long)id, 4242);
		/* field 1 of the Submit is the kind: one, whatever the rows */
		CHECK_INT(wirescan_count(b, len, submit_rows, 2, 1), 1);
		free(b);
	}
}

static void
test_not_a_submit(void)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Ping ping = POPSTAT__PING__INIT;
	uint8_t buf[64];
	size_t len;

	rq.body_case = POPSTAT__REQUEST__BODY_PING;
	rq.ping = &ping;
	env.version = 1;
	env.request_id = 7;
	env.msg_case = POPSTAT__ENVELOPE__MSG_REQUEST;
	env.request = &rq;
	len = popstat__envelope__pack(&env, buf);
	CHECK_INT(wirescan_count(buf, len, submit_rows, 2, 2), 0);
	CHECK_INT(wirescan_count(buf, 0, submit_rows, 2, 2), 0);
}

/* Two occurrences of the submit field merge in the unpacker: both count. */
static void
test_merged(void)
{
	/* request{submit{row{},row{}}} request{submit{row{}}} */
	static const uint8_t b[] = { 0x1a, 0x06, 0x3a, 0x04, 0x12, 0x00, 0x12,
		0x00, 0x1a, 0x04, 0x3a, 0x02, 0x12, 0x00 };

	CHECK_INT(wirescan_count(b, sizeof b, submit_rows, 2, 2), 3);
}

static void
test_malformed(void)
{
	static const uint8_t trunc_len[] = { 0x1a, 0x10, 0x3a };
	static const uint8_t trunc_varint[] = { 0x08, 0x80 };
	static const uint8_t group[] = { 0x0b, 0x0c };
	static const uint8_t inner_bad[] = { 0x1a, 0x03, 0x3a, 0x05, 0x12 };
	static const uint8_t fixed_short[] = { 0x09, 1, 2, 3 };
	static const uint8_t long_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	uint64_t v;

	CHECK_INT(wirescan_count(trunc_len, sizeof trunc_len, submit_rows, 2,
		      2),
	    -1);
	CHECK_INT(wirescan_count(trunc_varint, sizeof trunc_varint, submit_rows,
		      2, 2),
	    -1);
	CHECK_INT(wirescan_count(group, sizeof group, submit_rows, 2, 2), -1);
	CHECK_INT(wirescan_count(inner_bad, sizeof inner_bad, submit_rows, 2,
		      2),
	    -1);
	CHECK_INT(wirescan_count(fixed_short, sizeof fixed_short, submit_rows,
		      2, 2),
	    -1);
	CHECK_INT(wirescan_uint(long_varint, sizeof long_varint, 1, &v), -1);
	CHECK_INT(wirescan_uint(trunc_varint, sizeof trunc_varint, 1, &v), -1);
}

/* Random bytes: never a crash or an over-read (ASan watches). */
static void
test_random(void)
{
	uint8_t buf[256];
	uint64_t v;
	int i, j, n, ok = 1;

	for (i = 0; i < 20000; i++) {
		n = (int)(check_rand() % sizeof buf);
		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)check_rand();
		if (wirescan_count(buf, (size_t)n, submit_rows, 2, 2) < -1 ||
		    wirescan_uint(buf, (size_t)n, 2, &v) < -1)
			ok = 0;
	}
	CHECK(ok);
}

int
main(void)
{
	RUN(test_counts_match);
	RUN(test_not_a_submit);
	RUN(test_merged);
	RUN(test_malformed);
	RUN(test_random);
	return (check_summary("test_wirescan"));
}
