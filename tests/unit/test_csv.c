/*
 * test_csv.c - unit tests of common/csv.c.
 *
 * Most tests compare a transcript of everything csv_next() returns for an
 * input: one line per call, "N:f1|f2|..." for a record starting on line N
 * (line breaks inside fields shown as \r and \n) or "E:message" for an
 * error.  The transcript ends at the first 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"

/* An in-memory source handing out at most chunk bytes a call. */
struct src {
	const char *data;
	size_t len;
	size_t pos;
	size_t chunk;
	size_t fail_at;  /* return -1 here; 0 for never */
	long bad_return; /* return this instead of data; 0: no */
	int ended;       /* has returned 0 or -1 */
	int calls_after_end;
};

static long
src_read(void *ctx, char *buf, size_t cap)
{
	struct src *s = ctx;
	size_t n;

	if (s->ended)
		s->calls_after_end++;
	if (s->bad_return != 0) {
		s->ended = 1;
		return (s->bad_return);
	}
	if (s->fail_at != 0 && s->pos == s->fail_at) {
		s->ended = 1;
		return (-1);
	}
	n = s->len - s->pos;
	if (s->fail_at != 0 && n > s->fail_at - s->pos)
		n = s->fail_at - s->pos;
	if (n > s->chunk)
		n = s->chunk;
	if (n > cap)
		n = cap;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	if (n == 0)
		s->ended = 1;
	return ((long)n);
}

static char transcript[1 << 16];

/* Run r to its end and return the transcript (see the top of the file). */
static const char *
dump(csv_reader *r)
{
	char err[256];
	size_t used = 0, i, j, n;
	const char *f;
	int rc, calls;

	transcript[0] = '\0';
#define PUT(...)                                                               \
	do {                                                                   \
		if (used < sizeof transcript)                                  \
			used += (size_t)snprintf(transcript + used,            \
			    sizeof transcript - used, __VA_ARGS__);            \
	} while (0)
	for (calls = 0; calls < 1000; calls++) {
		rc = csv_next(r, err, sizeof err);
		if (rc == 0)
			break;
		if (rc < 0) {
			PUT("E:%s", err);
			if (csv_nfields(r) != 0)
				PUT("(fields left)");
			PUT("\n");
			continue;
		}
		PUT("%ld:", csv_line(r));
		n = csv_nfields(r);
		for (i = 0; i < n; i++) {
			f = csv_field(r, i);
			if (csv_field_len(r, i) != strlen(f))
				PUT("(bad len)");
			if (i > 0)
				PUT("|");
			for (j = 0; f[j] != '\0'; j++) {
				if (f[j] == '\r')
					PUT("\\r");
				else if (f[j] == '\n')
					PUT("\\n");
				else
					PUT("%c", f[j]);
			}
		}
		PUT("\n");
	}
#undef PUT
	return (transcript);
}

static const char *
dump_mem(const char *s)
{
	csv_reader *r = csv_new_mem(s, strlen(s));
	const char *t = dump(r);

	csv_free(r);
	return (t);
}

/* Transcript of data[0..len) fed chunk bytes at a time. */
static const char *
dump_chunked(const char *data, size_t len, size_t chunk, int *calls_after)
{
	struct src s = { data, len, 0, chunk, 0, 0, 0, 0 };
	csv_reader *r = csv_new(src_read, &s);
	const char *t = dump(r);

	csv_free(r);
	*calls_after = s.calls_after_end;
	return (t);
}

static void
test_header_and_rows(void)
{
	const char *in = "record_id,unit,date,sex\n"
			 "b1,610328101,2026-01-05,M\n"
			 "b2,610328102,2026-01-06,F\n";
	csv_reader *r = csv_new_mem(in, strlen(in));
	char err[64];

	CHECK(r != NULL);
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_INT(csv_nfields(r), 4);
	CHECK_STR(csv_field(r, 0), "record_id");
	CHECK_STR(csv_field(r, 3), "sex");
	CHECK_INT(csv_field_len(r, 3), 3);
	CHECK_INT(csv_line(r), 1);
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_STR(csv_field(r, 1), "610328101");
	CHECK_STR(csv_field(r, 2), "2026-01-05");
	CHECK_INT(csv_line(r), 2);
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_STR(csv_field(r, 0), "b2");
	CHECK_INT(csv_line(r), 3);
	CHECK(csv_field(r, 4) == NULL);
	CHECK_INT(csv_field_len(r, 4), 0);
	CHECK_INT(csv_next(r, err, sizeof err), 0);
	CHECK_INT(csv_nfields(r), 0);
	CHECK_INT(csv_next(r, err, sizeof err), 0);
	csv_free(r);
}

static void
test_bom(void)
{
	CHECK_STR(dump_mem("\xef\xbb\xbfrecord_id,unit\nb1,u\n"),
	    "1:record_id|unit\n2:b1|u\n");
	/* Only at the very start: elsewhere it is data (U+FEFF). */
	CHECK_STR(dump_mem("a\n\xef\xbb\xbf"
			   "b\n"),
	    "1:a\n2:\xef\xbb\xbf"
	    "b\n");
	CHECK_STR(dump_mem("\xef\xbb\xbf\xef\xbb\xbf"
			   "a\n"),
	    "1:\xef\xbb\xbf"
	    "a\n");
	CHECK_STR(dump_mem("\xef\xbb\xbf"), "");
	CHECK_STR(dump_mem("\xef\xbb\xbf\r\n\r\nx\r\n"), "3:x\n");
	CHECK_STR(dump_mem("\xef\xbb\xbf\"q\"\n"), "1:q\n");
	/* Half a BOM is not one. */
	CHECK_STR(dump_mem("\xef\xbb"), "E:line 1: invalid UTF-8 in field 1\n");
}

static void
test_line_ends(void)
{
	CHECK_STR(dump_mem("a,b\r\nc,d\r\n"), "1:a|b\n2:c|d\n");
	CHECK_STR(dump_mem("a,b\nc,d\n"), "1:a|b\n2:c|d\n");
	CHECK_STR(dump_mem("a,b\rc,d\r"), "1:a|b\n2:c|d\n");
	CHECK_STR(dump_mem("a\r\nb\nc\rd\r\n\re"), "1:a\n2:b\n3:c\n4:d\n6:e\n");
	/* LF CR is two line ends, with an empty line between. */
	CHECK_STR(dump_mem("a\n\rb"), "1:a\n3:b\n");
}

static void
test_quoted(void)
{
	CHECK_STR(dump_mem("\"a,b\",c\n"), "1:a,b|c\n");
	CHECK_STR(dump_mem("\"城关镇,西街\",\"\"\n"), "1:城关镇,西街|\n");
	CHECK_STR(dump_mem("\"he said \"\"hi\"\"\"\n"), "1:he said \"hi\"\n");
	CHECK_STR(dump_mem("\"\"\"\",\"\"\"\"\"\"\n"), "1:\"|\"\"\n");
	/* A line of just "" is a record of one empty field, not skipped. */
	CHECK_STR(dump_mem("\"\"\nx\n"), "1:\n2:x\n");
	/* A quote inside an unquoted field is kept as it is. */
	CHECK_STR(dump_mem("ab\"c,d\"\n"), "1:ab\"c|d\"\n");
	CHECK_STR(dump_mem(" \"x\",y\n"), "1: \"x\"|y\n");
	CHECK_STR(dump_mem("\"a\"\r\n\"b\"\r\"c\""), "1:a\n2:b\n3:c\n");
}

static void
test_quoted_line_breaks(void)
{
	CHECK_STR(dump_mem("1,\"one\ntwo\",x\n2,y\n"),
	    "1:1|one\\ntwo|x\n3:2|y\n");
	/* Kept as written; CRLF is one line. */
	CHECK_STR(dump_mem("1,\"one\r\ntwo\r\nthree\"\r\n2\r\n"),
	    "1:1|one\\r\\ntwo\\r\\nthree\n4:2\n");
	CHECK_STR(dump_mem("\"a\rb\"\rc\r"), "1:a\\rb\n3:c\n");
	CHECK_STR(dump_mem("\"\n\n\",x\n\ny\n"), "1:\\n\\n|x\n5:y\n");
	/* An escaped quote just before the line break. */
	CHECK_STR(dump_mem("\"a\"\"\n\"\"b\"\nz\n"), "1:a\"\\n\"b\n3:z\n");
}

static void
test_empty_fields(void)
{
	CHECK_STR(dump_mem("a,,c\n"), "1:a||c\n");
	CHECK_STR(dump_mem(",,\n"), "1:||\n");
	CHECK_STR(dump_mem(",\n"), "1:|\n");
	CHECK_STR(dump_mem("a,b,\n"), "1:a|b|\n");
	CHECK_STR(dump_mem("a,b,"), "1:a|b|\n");
	CHECK_STR(dump_mem("a,\"\"\r\n"), "1:a|\n");
}

static void
test_trailing_comma_fields(void)
{
	csv_reader *r = csv_new_mem("x,y,\n", 5);

	CHECK_INT(csv_next(r, NULL, 0), 1);
	CHECK_INT(csv_nfields(r), 3);
	CHECK_STR(csv_field(r, 2), "");
	CHECK_INT(csv_field_len(r, 2), 0);
	csv_free(r);
}

static void
test_empty_lines(void)
{
	CHECK_STR(dump_mem("\n\na\n\r\n\rb\n"), "3:a\n6:b\n");
	CHECK_STR(dump_mem(""), "");
	CHECK_STR(dump_mem("\n"), "");
	CHECK_STR(dump_mem("\r\n\r\n\n\r"), "");
	/* A line of one space is not empty. */
	CHECK_STR(dump_mem("a\n \nb\n"), "1:a\n2: \n3:b\n");
}

static void
test_final_newline(void)
{
	CHECK_STR(dump_mem("a,b\nc,d"), "1:a|b\n2:c|d\n");
	CHECK_STR(dump_mem("a,b\n"), "1:a|b\n");
	CHECK_STR(dump_mem("a,b\r\n"), "1:a|b\n");
	CHECK_STR(dump_mem("a,b\n\n\n"), "1:a|b\n");
	CHECK_STR(dump_mem("a,\"b\""), "1:a|b\n");
	CHECK_STR(dump_mem("x"), "1:x\n");
}

static void
test_chinese(void)
{
	const char *in = "sex,unit\n男,城关镇\n\"女\",\"城关镇\"\n";
	csv_reader *r = csv_new_mem(in, strlen(in));

	CHECK_INT(csv_next(r, NULL, 0), 1);
	CHECK_INT(csv_next(r, NULL, 0), 1);
	CHECK_INT(csv_field_len(r, 0), 3);
	CHECK(memcmp(csv_field(r, 0), "\xe7\x94\xb7", 4) == 0);
	CHECK_INT(csv_field_len(r, 1), 9);
	CHECK(memcmp(csv_field(r, 1), "\xe5\x9f\x8e\xe5\x85\xb3\xe9\x95\x87",
		  10) == 0);
	CHECK_INT(csv_next(r, NULL, 0), 1);
	CHECK_STR(csv_field(r, 0), "女");
	CHECK_STR(csv_field(r, 1), "城关镇");
	CHECK_INT(csv_line(r), 3);
	csv_free(r);
}

static void
test_err_text_after_quote(void)
{
	CHECK_STR(dump_mem("h\n\"ab\"c,d\nnext\n"),
	    "1:h\nE:line 2: text after closing quote in field 1\n3:next\n");
	CHECK_STR(dump_mem("x,\"ab\" ,y\nz"),
	    "E:line 1: text after closing quote in field 2\n2:z\n");
	/* The rest of the record is skipped, quoted line breaks included. */
	CHECK_STR(dump_mem("\"ab\"c,\"x\ny\"\nz\n"),
	    "E:line 1: text after closing quote in field 1\n3:z\n");
	/* What follows the bad quote is unquoted: its quotes are literal. */
	CHECK_STR(dump_mem("\"a\"b\"c\nz\n"),
	    "E:line 1: text after closing quote in field 1\n2:z\n");
	CHECK_STR(dump_mem("\"a\"\"\"x"),
	    "E:line 1: text after closing quote in field 1\n");
}

static void
test_err_unterminated(void)
{
	csv_reader *r;
	char err[64];
	const char *in = "a\n\"bc,d\ne\n";

	CHECK_STR(dump_mem(in), "1:a\nE:line 2: unterminated quoted field\n");
	r = csv_new_mem(in, strlen(in));
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_INT(csv_next(r, err, sizeof err), -1);
	CHECK_STR(err, "line 2: unterminated quoted field");
	CHECK_INT(csv_line(r), 2);
	CHECK_INT(csv_nfields(r), 0);
	CHECK_INT(csv_next(r, err, sizeof err), 0); /* input ended */
	CHECK_STR(err, "");
	CHECK_INT(csv_next(r, err, sizeof err), 0);
	csv_free(r);

	CHECK_STR(dump_mem("x,\"a\"\"\n"),
	    "E:line 1: unterminated quoted field\n");
	CHECK_STR(dump_mem("\""), "E:line 1: unterminated quoted field\n");
}

/* A new string: pre, then n times c, then post. */
static char *
repeat(const char *pre, int c, size_t n, const char *post)
{
	size_t lp = strlen(pre), lq = strlen(post);
	char *s = malloc(lp + n + lq + 1);

	memcpy(s, pre, lp);
	memset(s + lp, c, n);
	memcpy(s + lp + n, post, lq + 1);
	return (s);
}

static void
test_err_long_field(void)
{
	char *in, *want, *big;
	size_t n = CSV_MAX_FIELD;

	/* Exactly CSV_MAX_FIELD bytes is fine, one more is not. */
	big = repeat("\na,", 'y', n + 1, "\nb\n");
	in = repeat("a,", 'x', n, big);
	want = repeat("1:a|", 'x', n,
	    "\nE:line 2: field 2 longer than 4096 bytes\n3:b\n");
	CHECK_STR(dump_mem(in), want);
	free(big);
	free(in);
	free(want);

	/* An escaped quote counts one byte. */
	in = repeat("\"", 'x', n - 1, "\"\"\"\nz\n");
	want = repeat("1:", 'x', n - 1, "\"\n2:z\n");
	CHECK_STR(dump_mem(in), want);
	free(in);
	free(want);

	/* Quoted and spanning lines: the record is skipped as a whole. */
	in = repeat("a,\"line\r\n", 'y', n - 5, "\"\nb\n");
	CHECK_STR(dump_mem(in),
	    "E:line 1: field 2 longer than 4096 bytes\n3:b\n");
	free(in);

	/* Multi-byte text is counted in bytes: 1366 x 3 = 4098. */
	in = malloc(3 * 1366 + 8);
	in[0] = '\0';
	for (n = 0; n < 1366; n++)
		strcat(in, "城");
	strcat(in, "\nz");
	CHECK_STR(dump_mem(in),
	    "E:line 1: field 1 longer than 4096 bytes\n"
	    "2:z\n");
	free(in);
}

static void
test_err_too_many_fields(void)
{
	char in[3 * 70 + 8], err[64];
	size_t i, len;
	csv_reader *r;

	/* 64 fields is fine. */
	len = 0;
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		len += (size_t)sprintf(in + len, i ? ",%c" : "%c",
		    (int)('0' + i % 10));
	strcpy(in + len, "\n");
	r = csv_new_mem(in, strlen(in));
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_INT(csv_nfields(r), CSV_MAX_FIELDS);
	CHECK_STR(csv_field(r, CSV_MAX_FIELDS - 1), "3");
	csv_free(r);

	/* 65 is not; the reader goes on with the next line. */
	strcpy(in + len, ",x,\"y\nz\"\nok\n");
	r = csv_new_mem(in, strlen(in));
	CHECK_INT(csv_next(r, err, sizeof err), -1);
	CHECK_STR(err, "line 1: more than 64 fields");
	CHECK_INT(csv_nfields(r), 0);
	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_STR(csv_field(r, 0), "ok");
	CHECK_INT(csv_line(r), 3);
	csv_free(r);
}

static void
test_err_utf8(void)
{
	CHECK_STR(dump_mem("a,b,c\n1,2,\xff\n3,4,5\n"),
	    "1:a|b|c\nE:line 2: invalid UTF-8 in field 3\n3:3|4|5\n");
	CHECK_STR(dump_mem("\xc0\x80,x\ny"),
	    "E:line 1: invalid UTF-8 in field 1\n2:y\n");
	CHECK_STR(dump_mem("x,\"\xed\xa0\x80\"\r\ny\r\n"),
	    "E:line 1: invalid UTF-8 in field 2\n2:y\n");
	/* A character cut by the comma. */
	CHECK_STR(dump_mem("\xe5\x9f,\x8e\n"),
	    "E:line 1: invalid UTF-8 in field 1\n");
	/* The first error of a record is the one reported. */
	CHECK_STR(dump_mem("\xff,\"a\"b\n"),
	    "E:line 1: invalid UTF-8 in field 1\n");
}

static void
test_err_nul(void)
{
	static const char in[] = "a,b\0c\nd\n";
	csv_reader *r = csv_new_mem(in, sizeof in - 1);

	CHECK_STR(dump(r), "E:line 1: NUL byte in field 2\n2:d\n");
	csv_free(r);
}

static void
test_err_last_line(void)
{
	CHECK_STR(dump_mem("a\n\xff"),
	    "1:a\nE:line 2: invalid UTF-8 in field 1\n");
	CHECK_STR(dump_mem("a\n\"x\"y"),
	    "1:a\nE:line 2: text after closing quote in field 1\n");
}

static void
test_err_small_buffer(void)
{
	char buf[16];
	csv_reader *r;

	memset(buf, 'G', sizeof buf);
	r = csv_new_mem("\xff\n", 2);
	CHECK_INT(csv_next(r, buf, 8), -1);
	CHECK_STR(buf, "line 1:");
	CHECK(buf[8] == 'G');
	csv_free(r);

	memset(buf, 'G', sizeof buf);
	r = csv_new_mem("\xff\n", 2);
	CHECK_INT(csv_next(r, buf, 1), -1);
	CHECK_STR(buf, "");
	CHECK(buf[1] == 'G');
	csv_free(r);

	memset(buf, 'G', sizeof buf);
	r = csv_new_mem("\xff\nx\n", 4);
	CHECK_INT(csv_next(r, buf, 0), -1);
	CHECK(buf[0] == 'G');
	CHECK_INT(csv_next(r, NULL, 0), 1);
	CHECK_STR(csv_field(r, 0), "x");
	csv_free(r);
}

static void
test_read_error(void)
{
	static const char in[] = "a,b\nc,d\ne,f\n";
	struct src s = { in, sizeof in - 1, 0, 3, 0, 0, 0, 0 };
	csv_reader *r;

	/* Failing at a record start: the records before come through. */
	s.fail_at = 8;
	r = csv_new(src_read, &s);
	CHECK_STR(dump(r), "1:a|b\n2:c|d\nE:line 3: read error\n");
	CHECK_INT(s.calls_after_end, 0);
	csv_free(r);

	/* Failing inside a record: that record is not returned. */
	memset(&s, 0, sizeof s);
	s.data = in;
	s.len = sizeof in - 1;
	s.chunk = 100;
	s.fail_at = 6;
	r = csv_new(src_read, &s);
	CHECK_STR(dump(r), "1:a|b\nE:line 2: read error\n");
	csv_free(r);

	/* Inside a quoted field too. */
	memset(&s, 0, sizeof s);
	s.data = "\"abc\ndef\"\n";
	s.len = strlen(s.data);
	s.chunk = 2;
	s.fail_at = 4;
	r = csv_new(src_read, &s);
	CHECK_STR(dump(r), "E:line 1: read error\n");
	csv_free(r);

	/* A callback claiming more than it was given room for. */
	memset(&s, 0, sizeof s);
	s.bad_return = 1L << 30;
	r = csv_new(src_read, &s);
	CHECK_STR(dump(r), "E:line 1: read error\n");
	CHECK_INT(s.calls_after_end, 0);
	csv_free(r);
}

/* Tricky input, byte by byte and in other chunk sizes. */
static void
test_chunk_boundaries(void)
{
	static const char in[] = "\xef\xbb\xbfid,unit,note\r\n"
				 "1,城关镇,\"say \"\"男\"\"\"\r\n"
				 "2,\"a\r\nb\",\"\"\"\"\r"
				 "3,x\"y,\xf0\x9f\x98\x80\n"
				 "\r\n"
				 "4,\"q\"z,w\r\n"
				 "5,\xe5\x9f,\r\n"
				 "6,,\"\"";
	static const char want[] =
	    "1:id|unit|note\n"
	    "2:1|城关镇|say \"男\"\n"
	    "3:2|a\\r\\nb|\"\n"
	    "5:3|x\"y|\xf0\x9f\x98\x80\n"
	    "E:line 7: text after closing quote in field 2\n"
	    "E:line 8: invalid UTF-8 in field 2\n"
	    "9:6||\n";
	size_t chunk;
	int after, bad = 0, bad_after = 0;

	CHECK_STR(dump_chunked(in, sizeof in - 1, 1, &after), want);
	CHECK_INT(after, 0);
	for (chunk = 2; chunk <= 16; chunk++) {
		if (strcmp(dump_chunked(in, sizeof in - 1, chunk, &after),
			want) != 0)
			bad++;
		bad_after += after;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(bad_after, 0);
	CHECK_STR(dump_chunked(in, sizeof in - 1, 1 << 20, &after), want);

	/* Boundaries inside a BOM only. */
	CHECK_STR(dump_chunked("\xef\xbb\xbfx", 4, 1, &after), "1:x\n");
	CHECK_STR(dump_chunked("\xef\xbb\xbf", 3, 1, &after), "");
	CHECK_STR(dump_chunked("\xef\xbbx", 3, 1, &after),
	    "E:line 1: invalid UTF-8 in field 1\n");
}

static void
test_file(void)
{
	FILE *f = tmpfile();
	csv_reader *r;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("\xef\xbb\xbfunit,name\r\n610328101,城关镇\r\n", f);
	rewind(f);
	r = csv_new_file(f);
	CHECK_STR(dump(r), "1:unit|name\n2:610328101|城关镇\n");
	csv_free(r);
	fclose(f);
	CHECK(csv_new_file(NULL) == NULL);
}

static void
test_constructors(void)
{
	csv_reader *r;

	CHECK(csv_new(NULL, NULL) == NULL);
	CHECK(csv_new_mem(NULL, 1) == NULL);
	r = csv_new_mem(NULL, 0);
	CHECK(r != NULL);
	CHECK_INT(csv_next(r, NULL, 0), 0);
	CHECK_INT(csv_nfields(r), 0);
	CHECK(csv_field(r, 0) == NULL);
	csv_free(r);
	csv_free(NULL);
}

/* Generates a header and rows rows on demand, never all at once. */
struct gen {
	long rows;
	long next; /* 0: header, then rows 1.. */
	char buf[128];
	size_t len;
	size_t pos;
};

static long
gen_read(void *ctx, char *out, size_t cap)
{
	struct gen *g = ctx;
	size_t n = 0, k;

	while (n < cap) {
		if (g->pos == g->len) {
			if (g->next > g->rows)
				break;
			/*
			 * Every third line ends in LF, the others in CRLF;
			 * every thousandth row has a quoted line break.
			 */
			if (g->next == 0) {
				g->len = (size_t)snprintf(g->buf, sizeof g->buf,
				    "\xef\xbb\xbfrecord_id,unit,note,date\r\n");
			} else {
				g->len = (size_t)snprintf(g->buf, sizeof g->buf,
				    "r%ld,城关镇,\"%ld, \"\"q\"\"%s\","
				    "2026-01-01%s",
				    g->next, g->next,
				    g->next % 1000 == 0 ? "\n" : "",
				    g->next % 3 == 0 ? "\n" : "\r\n");
			}
			g->pos = 0;
			g->next++;
		}
		k = g->len - g->pos;
		if (k > cap - n)
			k = cap - n;
		memcpy(out + n, g->buf + g->pos, k);
		g->pos += k;
		n += k;
	}
	return ((long)n);
}

static void
test_large(void)
{
	struct gen g = { 200000, 0, "", 0, 0 };
	csv_reader *r = csv_new(gen_read, &g);
	char err[64], want[64];
	long count = 0, line = 2, badline = 0, badfield = 0;
	int rc;

	CHECK_INT(csv_next(r, err, sizeof err), 1);
	CHECK_STR(csv_field(r, 0), "record_id");
	while ((rc = csv_next(r, err, sizeof err)) == 1) {
		count++;
		if (csv_line(r) != line)
			badline++;
		snprintf(want, sizeof want, "%ld, \"q\"%s", count,
		    count % 1000 == 0 ? "\n" : "");
		if (csv_nfields(r) != 4 || strcmp(csv_field(r, 2), want) != 0 ||
		    strcmp(csv_field(r, 1), "城关镇") != 0)
			badfield++;
		line += 1 + (count % 1000 == 0);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(count, 200000);
	CHECK_INT(badline, 0);
	CHECK_INT(badfield, 0);
	CHECK_INT(line, 2 + 200000 + 200);
	csv_free(r);
}

int
main(void)
{
	RUN(test_header_and_rows);
	RUN(test_bom);
	RUN(test_line_ends);
	RUN(test_quoted);
	RUN(test_quoted_line_breaks);
	RUN(test_empty_fields);
	RUN(test_trailing_comma_fields);
	RUN(test_empty_lines);
	RUN(test_final_newline);
	RUN(test_chinese);
	RUN(test_err_text_after_quote);
	RUN(test_err_unterminated);
	RUN(test_err_long_field);
	RUN(test_err_too_many_fields);
	RUN(test_err_utf8);
	RUN(test_err_nul);
	RUN(test_err_last_line);
	RUN(test_err_small_buffer);
	RUN(test_read_error);
	RUN(test_chunk_boundaries);
	RUN(test_file);
	RUN(test_constructors);
	RUN(test_large);
	return (check_summary("test_csv"));
}
