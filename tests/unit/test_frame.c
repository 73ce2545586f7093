/*
 * test_frame.c - unit tests of common/frame.c (u32 big-endian length
 * framing) and common/sbuf.c (string buffer, JSON and CSV output).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "check.h"
#include "frame.h"
#include "popstat.pb-c.h"
#include "sbuf.h"

/* frame */

/*
 * frame_response() must give the bytes protobuf-c gives for the same
 * Envelope: ids of every varint length, small and large responses.
 */
static void
test_frame_response(void)
{
	static const uint64_t ids[] = { 0, 1, 127, 128, 300, 16383, 16384,
		(uint64_t)1 << 35, UINT64_MAX };
	static const size_t sizes[] = { 0, 5, 126, 127, 128, 20000, 300000 };
	size_t i, j;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
		for (j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
			Popstat__Envelope env = POPSTAT__ENVELOPE__INIT;
			Popstat__Response resp = POPSTAT__RESPONSE__INIT;
			Popstat__Ack ack = POPSTAT__ACK__INIT;
			uint8_t *want, *packed, *got;
			size_t n, rn, glen;
			char *msg = malloc(sizes[j] + 1);

			memset(msg, 'x', sizes[j]);
			msg[sizes[j]] = '\0';
			ack.message = msg;
			resp.body_case = POPSTAT__RESPONSE__BODY_ACK;
			resp.ack = &ack;
			env.version = PROTOCOL_VERSION;
			env.request_id = ids[i];
			env.msg_case = POPSTAT__ENVELOPE__MSG_RESPONSE;
			env.response = &resp;
			n = popstat__envelope__get_packed_size(&env);
			want = malloc(n);
			popstat__envelope__pack(&env, want);
			rn = popstat__response__get_packed_size(&resp);
			packed = malloc(rn);
			popstat__response__pack(&resp, packed);
			got = frame_response(ids[i], packed, rn, &glen);
			{
				uint8_t head[FRAME_RESPONSE_HEAD];
				size_t h =
				    frame_response_head(ids[i], rn, head);

				/* The head alone: the same first bytes. */
				CHECK(h + rn == glen &&
				    memcmp(head, got, h) == 0);
			}
			CHECK_INT(glen, n + FRAME_HEADER);
			CHECK(glen == n + FRAME_HEADER &&
			    memcmp(got + FRAME_HEADER, want, n) == 0);
			CHECK_INT((uint32_t)got[0] << 24 |
				(uint32_t)got[1] << 16 | (uint32_t)got[2] << 8 |
				got[3],
			    n);
			free(got);
			free(packed);
			free(want);
			free(msg);
		}
}

static void
test_frame_byte_order(void)
{
	uint8_t hdr[FRAME_HEADER];

	frame_put_len(hdr, 0x01020304u);
	CHECK_INT(hdr[0], 0x01);
	CHECK_INT(hdr[1], 0x02);
	CHECK_INT(hdr[2], 0x03);
	CHECK_INT(hdr[3], 0x04);
	frame_put_len(hdr, 256);
	CHECK(memcmp(hdr, "\x00\x00\x01\x00", 4) == 0);
	frame_put_len(hdr, 255);
	CHECK(memcmp(hdr, "\x00\x00\x00\xff", 4) == 0);
	frame_put_len(hdr, 65536);
	CHECK(memcmp(hdr, "\x00\x01\x00\x00", 4) == 0);
	frame_put_len(hdr, FRAME_MAX_DEFAULT);
	CHECK(memcmp(hdr, "\x00\x40\x00\x00", 4) == 0);
	frame_put_len(hdr, 0xffffffffu);
	CHECK(memcmp(hdr, "\xff\xff\xff\xff", 4) == 0);
	frame_put_len(hdr, 0);
	CHECK(memcmp(hdr, "\x00\x00\x00\x00", 4) == 0);
}

static void
test_frame_get_big_endian(void)
{
	static const uint8_t a[4] = { 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t b[4] = { 0x80, 0x00, 0x00, 0x01 };
	uint32_t len;

	CHECK_INT(frame_get_len(a, 0xffffffffu, &len), FRAME_OK);
	CHECK_INT(len, 0x12345678u);
	/* High bit set: no sign extension. */
	CHECK_INT(frame_get_len(b, 0xffffffffu, &len), FRAME_OK);
	CHECK_INT(len, 0x80000001u);
}

static void
test_frame_round_trip(void)
{
	static const uint32_t lens[] = {
		1,
		255,
		256,
		65535,
		65536,
		16777215,
		16777216,
		FRAME_MAX_DEFAULT,
		0x7fffffffu,
		0x80000000u,
		0xffffffffu,
	};
	uint8_t hdr[FRAME_HEADER];
	uint32_t len;
	size_t i;

	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		frame_put_len(hdr, lens[i]);
		len = 0;
		CHECK_INT(frame_get_len(hdr, 0xffffffffu, &len), FRAME_OK);
		CHECK_INT(len, lens[i]);
	}
}

static void
test_frame_empty(void)
{
	uint8_t hdr[FRAME_HEADER];
	uint32_t len = 99;

	frame_put_len(hdr, 0);
	CHECK_INT(frame_get_len(hdr, FRAME_MAX_DEFAULT, &len), FRAME_EMPTY);
	CHECK_INT(len, 0);
	CHECK_INT(frame_get_len(hdr, 0xffffffffu, &len), FRAME_EMPTY);
	CHECK_INT(frame_get_len(hdr, 0, &len), FRAME_EMPTY);
}

static void
test_frame_max(void)
{
	uint8_t hdr[FRAME_HEADER];
	uint32_t len;

	frame_put_len(hdr, FRAME_MAX_DEFAULT);
	CHECK_INT(frame_get_len(hdr, FRAME_MAX_DEFAULT, &len), FRAME_OK);
	CHECK_INT(len, FRAME_MAX_DEFAULT);

	/* *len is set even when too large: the server reports it. */
	frame_put_len(hdr, FRAME_MAX_DEFAULT + 1);
	len = 0;
	CHECK_INT(frame_get_len(hdr, FRAME_MAX_DEFAULT, &len), FRAME_TOO_LARGE);
	CHECK_INT(len, FRAME_MAX_DEFAULT + 1);

	frame_put_len(hdr, 0xffffffffu);
	CHECK_INT(frame_get_len(hdr, FRAME_MAX_DEFAULT, &len), FRAME_TOO_LARGE);
	CHECK_INT(len, 0xffffffffu);
	CHECK_INT(frame_get_len(hdr, 0xffffffffu, &len), FRAME_OK);

	/* Small limits. */
	frame_put_len(hdr, 1);
	CHECK_INT(frame_get_len(hdr, 1, &len), FRAME_OK);
	CHECK_INT(frame_get_len(hdr, 0, &len), FRAME_TOO_LARGE);
	frame_put_len(hdr, 2);
	CHECK_INT(frame_get_len(hdr, 1, &len), FRAME_TOO_LARGE);
}

/* sbuf */

static void
test_sbuf_empty(void)
{
	sbuf b;

	sbuf_init(&b);
	CHECK_STR(sbuf_str(&b), "");
	CHECK_INT(b.len, 0);
	sbuf_printf(&b, "%s", "");
	CHECK_STR(sbuf_str(&b), "");
	CHECK_INT(b.len, 0);
	sbuf_free(&b);
	CHECK(b.s == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 0);
	sbuf_free(&b); /* twice is harmless */
}

static void
test_sbuf_printf_growth(void)
{
	char want[2048], chunk[64];
	sbuf b;
	int i;

	sbuf_init(&b);
	want[0] = '\0';
	for (i = 0; i < 40; i++) {
		snprintf(chunk, sizeof chunk, "[%03d:%s]", i, "abcdefghij");
		strcat(want, chunk);
		sbuf_printf(&b, "[%03d:%s]", i, "abcdefghij");
		CHECK_INT(b.len, strlen(want));
	}
	CHECK(b.len > 256);
	CHECK(b.cap > b.len);
	CHECK_STR(sbuf_str(&b), want);
	sbuf_free(&b);

	/* One printf far past the first 256 bytes. */
	sbuf_init(&b);
	sbuf_puts(&b, "x");
	sbuf_printf(&b, "%0*d|%s", 1000, 42, "end");
	CHECK_INT(b.len, 1 + 1000 + 4);
	CHECK(b.cap >= b.len + 1);
	CHECK(b.s[0] == 'x' && b.s[1] == '0' && b.s[999] == '4' &&
	    b.s[1000] == '2');
	CHECK_STR(b.s + 1001, "|end");
	sbuf_free(&b);

	/* Exactly filling 256 with the NUL must still grow. */
	sbuf_init(&b);
	sbuf_printf(&b, "%255s", "y");
	CHECK_INT(b.len, 255);
	CHECK(b.cap >= 256);
	sbuf_putc(&b, 'z');
	CHECK_INT(b.len, 256);
	CHECK(b.cap >= 257);
	CHECK_INT(strlen(b.s), 256);
	CHECK(b.s[254] == 'y' && b.s[255] == 'z');
	sbuf_free(&b);
}

static void
test_sbuf_add(void)
{
	sbuf b;

	sbuf_init(&b);
	sbuf_add(&b, "abcdef", 3);
	sbuf_putc(&b, '-');
	sbuf_puts(&b, "城关镇");
	CHECK_STR(sbuf_str(&b), "abc-城关镇");
	CHECK_INT(b.len, 4 + 9);
	sbuf_free(&b);
}

/* sbuf_json_str(s) as a string. */
static const char *
json_str(const char *s)
{
	static char out[512];
	sbuf b;

	sbuf_init(&b);
	sbuf_json_str(&b, s);
	snprintf(out, sizeof out, "%s", sbuf_str(&b));
	sbuf_free(&b);
	return (out);
}

static void
test_json_str(void)
{
	CHECK_STR(json_str(""), "\"\"");
	CHECK_STR(json_str("plain"), "\"plain\"");
	CHECK_STR(json_str("say \"hi\""), "\"say \\\"hi\\\"\"");
	CHECK_STR(json_str("a\\b"), "\"a\\\\b\"");
	CHECK_STR(json_str("line1\nline2"), "\"line1\\nline2\"");
	CHECK_STR(json_str("cr\rtab\t"), "\"cr\\rtab\\t\"");
	CHECK_STR(json_str("\x01"), "\"\\u0001\"");
	CHECK_STR(json_str("a\x1f"
			   "b"),
	    "\"a\\u001fb\"");
	CHECK_STR(json_str("\b\f"), "\"\\u0008\\u000c\"");
	CHECK_STR(json_str("城关镇"), "\"城关镇\"");
	CHECK_STR(json_str("男/女 \xf0\x9f\x98\x80"),
	    "\"男/女 \xf0\x9f\x98\x80\"");
	CHECK_STR(json_str("\x7f"), "\"\x7f\""); /* DEL is legal JSON */
	CHECK_STR(json_str("/"), "\"/\"");
}

/* sbuf_json_num2(v) as a string. */
static const char *
num2(double v)
{
	static char out[512];
	sbuf b;

	sbuf_init(&b);
	sbuf_json_num2(&b, v);
	snprintf(out, sizeof out, "%s", sbuf_str(&b));
	sbuf_free(&b);
	return (out);
}

static void
test_json_num2(void)
{
	char want[64];
	size_t n;

	CHECK_STR(num2(11.5), "11.5");
	CHECK_STR(num2(100), "100.0");
	CHECK_STR(num2(5.99), "5.99");
	CHECK_STR(num2(0), "0.0");
	CHECK_STR(num2(-0.0), "0.0");
	CHECK_STR(num2(-0.001), "0.0");
	CHECK_STR(num2(-0.004), "0.0");
	CHECK_STR(num2(0.1), "0.1");
	CHECK_STR(num2(0.05), "0.05");
	CHECK_STR(num2(1.999), "2.0");
	CHECK_STR(num2(-1.5), "-1.5");
	CHECK_STR(num2(-12.25), "-12.25");
	CHECK_STR(num2(1000000), "1000000.0");
	CHECK_STR(num2(NAN), "null");
	CHECK_STR(num2(INFINITY), "null");
	CHECK_STR(num2(-INFINITY), "null");

	/* 87.345 is not exact in binary: whatever "%.2f" makes of it. */
	snprintf(want, sizeof want, "%.2f", 87.345);
	n = strlen(want);
	if (want[n - 1] == '0')
		want[n - 1] = '\0';
	CHECK_STR(num2(87.345), want);
	CHECK_STR(num2(87.345), "87.34"); /* IEEE 754 double */
}

static void
test_json_num2_huge(void)
{
	char want[400];

	/* All digits, however many: "%.2f" of 1e70 is 74 characters. */
	snprintf(want, sizeof want, "%.1f", 1e70);
	CHECK_STR(num2(1e70), want);
	CHECK_INT(strlen(num2(1e70)), 73);
	snprintf(want, sizeof want, "%.1f", -1.7976931348623157e308);
	CHECK_STR(num2(-1.7976931348623157e308), want);
}

/* sbuf_csv_field(s) as a string. */
static const char *
csv_field(const char *s)
{
	static char out[512];
	sbuf b;

	sbuf_init(&b);
	sbuf_csv_field(&b, s);
	snprintf(out, sizeof out, "%s", sbuf_str(&b));
	sbuf_free(&b);
	return (out);
}

static void
test_csv_field(void)
{
	CHECK_STR(csv_field("plain"), "plain");
	CHECK_STR(csv_field(""), "");
	CHECK_STR(csv_field("城关镇"), "城关镇");
	CHECK_STR(csv_field("with space"), "with space");
	CHECK_STR(csv_field("a,b"), "\"a,b\"");
	CHECK_STR(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(csv_field("\""), "\"\"\"\"");
	CHECK_STR(csv_field("two\nlines"), "\"two\nlines\"");
	CHECK_STR(csv_field("cr\r"), "\"cr\r\"");
	CHECK_STR(csv_field("a,\"b\"\nc"), "\"a,\"\"b\"\"\nc\"");
}

int
main(void)
{
	RUN(test_frame_byte_order);
	RUN(test_frame_response);
	RUN(test_frame_get_big_endian);
	RUN(test_frame_round_trip);
	RUN(test_frame_empty);
	RUN(test_frame_max);
	RUN(test_sbuf_empty);
	RUN(test_sbuf_printf_growth);
	RUN(test_sbuf_add);
	RUN(test_json_str);
	RUN(test_json_num2);
	RUN(test_json_num2_huge);
	RUN(test_csv_field);
	return (check_summary("test_frame"));
}
