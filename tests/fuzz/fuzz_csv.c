/*
 * fuzz_csv.c - the streaming CSV reader (common/csv.c).
 *
 * The input is read three ways: from memory (csv_new_mem), through a
 * callback that hands it over in chunks of 1 to 7 bytes, and through a
 * callback that fails part-way.  The first two must give exactly the same
 * sequence of records, errors and line numbers; all three must keep the
 * reader's documented promises (field and record limits, no NUL, valid
 * UTF-8, lines that only go forward, 0 for ever after the end).
 */
#include "fuzz.h"

#include "csv.h"
#include "utf8.h"

struct chunked {
	const uint8_t *data;
	size_t len, pos;
	unsigned x;       /* chunk size generator */
	size_t fail_at;   /* fail once pos reaches this; SIZE_MAX: never */
	int ended;        /* returned 0 or -1: must not be called again */
};

static long
chunked_read(void *ctx, char *buf, size_t cap)
{
	struct chunked *c = ctx;
	size_t n;

	FUZZ_CHECK(cap > 0);
	FUZZ_CHECK(!c->ended);
	if (c->pos >= c->fail_at) {
		c->ended = 1;
		return -1;
	}
	c->x = c->x * 1103515245u + 12345u;
	n = 1 + (c->x >> 16) % 7;
	if (n > cap)
		n = cap;
	if (n > c->len - c->pos)
		n = c->len - c->pos;
	if (c->pos + n > c->fail_at)
		n = c->fail_at - c->pos;
	if (n > 0)
		memcpy(buf, c->data + c->pos, n);
	else
		c->ended = 1;
	c->pos += n;
	return (long)n;
}

/* A growable transcript of everything the reader returned. */
struct log {
	char *s;
	size_t len, cap;
};

static void
log_add(struct log *l, const void *p, size_t n)
{
	if (l->len + n > l->cap) {
		l->cap = (l->len + n) * 2 + 256;
		l->s = realloc(l->s, l->cap);
		FUZZ_CHECK(l->s != NULL);
	}
	memcpy(l->s + l->len, p, n);
	l->len += n;
}

/* Read r to the end, checking each result; the transcript goes into l. */
static void
read_all(csv_reader *r, size_t input_len, struct log *l)
{
	char err[160];
	long last_line = 0, line;
	size_t calls = 0, i, n, flen;
	const char *f;
	int rc;

	for (;;) {
		/* Every record consumes input: no more calls than bytes. */
		FUZZ_CHECK(++calls <= input_len + 2);
		memset(err, 'x', sizeof err);
		rc = csv_next(r, err, sizeof err);
		FUZZ_CHECK(rc == 1 || rc == 0 || rc == -1);
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		line = csv_line(r);
		n = csv_nfields(r);
		log_add(l, &rc, sizeof rc);
		log_add(l, &line, sizeof line);
		log_add(l, &n, sizeof n);
		if (rc == 0) {
			FUZZ_CHECK(n == 0);
			/* And 0 again on every later call. */
			FUZZ_CHECK(csv_next(r, err, sizeof err) == 0);
			FUZZ_CHECK(csv_next(r, NULL, 0) == 0);
			return;
		}
		FUZZ_CHECK(line >= 1 && line >= last_line);
		last_line = line;
		if (rc < 0) {
			FUZZ_CHECK(n == 0);
			FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
			FUZZ_CHECK(utf8_valid(err, strlen(err)));
			log_add(l, err, strlen(err) + 1);
			continue;
		}
		FUZZ_CHECK(err[0] == '\0');
		FUZZ_CHECK(n >= 1 && n <= CSV_MAX_FIELDS);
		FUZZ_CHECK(csv_field(r, n) == NULL);
		FUZZ_CHECK(csv_field_len(r, n) == 0);
		for (i = 0; i < n; i++) {
			f = csv_field(r, i);
			flen = csv_field_len(r, i);
			FUZZ_CHECK(f != NULL);
			FUZZ_CHECK(flen <= CSV_MAX_FIELD);
			FUZZ_CHECK(strlen(f) == flen);
			FUZZ_CHECK(utf8_valid(f, flen));
			log_add(l, &flen, sizeof flen);
			log_add(l, f, flen);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log a = { NULL, 0, 0 }, b = { NULL, 0, 0 }, c = { NULL, 0, 0 };
	struct chunked ck;
	csv_reader *r;
	char *copy;
	unsigned seed = 0;
	size_t i;

	/* The data must outlive the reader; an exact copy shows over-reads. */
	copy = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(copy != NULL);
	if (size > 0)
		memcpy(copy, data, size);
	else
		copy[0] = '\0';
	r = csv_new_mem(copy, size);
	FUZZ_CHECK(r != NULL);
	read_all(r, size, &a);
	csv_free(r);

	for (i = 0; i < size && i < 8; i++)
		seed = seed * 31 + data[i];
	memset(&ck, 0, sizeof ck);
	ck.data = data;
	ck.len = size;
	ck.x = seed;
	ck.fail_at = SIZE_MAX;
	r = csv_new(chunked_read, &ck);
	FUZZ_CHECK(r != NULL);
	read_all(r, size, &b);
	csv_free(r);
	FUZZ_CHECK(ck.pos == size);

	FUZZ_CHECK(a.len == b.len);
	FUZZ_CHECK(a.len == 0 || memcmp(a.s, b.s, a.len) == 0);

	/* A read error part-way: no promise on the records, only safety. */
	memset(&ck, 0, sizeof ck);
	ck.data = data;
	ck.len = size;
	ck.x = seed ^ 0x5a5a;
	ck.fail_at = size > 0 ? seed % (size + 1) : 0;
	r = csv_new(chunked_read, &ck);
	FUZZ_CHECK(r != NULL);
	read_all(r, size, &c);
	csv_free(r);

	free(a.s);
	free(b.s);
	free(c.s);
	free(copy);
	return 0;
}
