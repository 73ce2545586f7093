/*
 * csv.c - a streaming CSV reader.
 *
 * Input is pulled through the callback into a fixed buffer; each record is
 * copied field by field into one field buffer sized for the worst case
 * (CSV_MAX_FIELDS fields of CSV_MAX_FIELD bytes plus a NUL each), so memory
 * is fixed at creation whatever the input.
 *
 * csv_next() always consumes a whole record, even a bad one: after the first
 * error the rest of the record is still parsed (quotes respected, so a quoted
 * line break does not end it) but not stored, and the next call starts at
 * the following record.  Errors name the line on which the record starts,
 * which is also what csv_line() returns afterwards.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "utf8.h"

#define CSV_BUFSIZE 65536
#define CSV_FIELDBUF ((size_t)CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1))

#define CSV_EOF (-1)

struct csv_mem {
	const char *data;
	size_t len;
	size_t pos;
};

struct csv_reader {
	csv_read_fn fn;
	void *ctx;
	struct csv_mem mem; /* ctx of csv_new_mem() */

	char *in; /* CSV_BUFSIZE bytes of input */
	size_t inpos;
	size_t inlen;
	int started; /* BOM check done */
	int eof;     /* callback returned 0 or failed */
	int ioerr;   /* callback failed */
	int done;    /* no more records: return 0 */

	long line;    /* physical line at the read position */
	long recline; /* line the current record starts on */

	char *fields; /* CSV_FIELDBUF bytes */
	size_t used;
	size_t nfields;
	size_t off[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];

	int delim;  /* ',' or '\t' */
	int failed; /* current record has an error */
	char *err;
	size_t errlen;
};

static long
csv_mem_read(void *ctx, char *buf, size_t cap)
{
	struct csv_mem *m = ctx;
	size_t n = m->len - m->pos;

	if (n > cap)
		n = cap;
	if (n > 0)
		memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return ((long)n);
}

static long
csv_file_read(void *ctx, char *buf, size_t cap)
{
	FILE *f = ctx;
	size_t n;

	n = fread(buf, 1, cap, f);
	if (n == 0 && ferror(f))
		return (-1);
	return ((long)n);
}

/*
 * Make at least need bytes available at r->inpos unless the input ends
 * first.  Once the callback has returned 0 or failed it is not called again.
 */
static int
csv_fill(csv_reader *r, size_t need)
{
	size_t cap;
	long n;

	while (r->inlen - r->inpos < need && !r->eof) {
		if (r->inpos > 0) {
			memmove(r->in, r->in + r->inpos, r->inlen - r->inpos);
			r->inlen -= r->inpos;
			r->inpos = 0;
		}
		cap = CSV_BUFSIZE - r->inlen;
		n = r->fn(r->ctx, r->in + r->inlen, cap);
		if (n < 0 || (size_t)n > cap) {
			r->ioerr = 1;
			r->eof = 1;
		} else if (n == 0)
			r->eof = 1;
		else
			r->inlen += (size_t)n;
	}
	return (r->inlen - r->inpos >= need);
}

/* The next input byte without consuming it, or CSV_EOF. */
static inline int
csv_peek(csv_reader *r)
{
	if (r->inpos == r->inlen && !csv_fill(r, 1))
		return (CSV_EOF);
	return ((unsigned char)r->in[r->inpos]);
}

/* Consume and return the next input byte, or CSV_EOF. */
static inline int
csv_get(csv_reader *r)
{
	int c;

	if ((c = csv_peek(r)) != CSV_EOF)
		r->inpos++;
	return (c);
}

/* Having consumed a CR or LF: count the line, and take the LF of a CRLF. */
static void
csv_newline(csv_reader *r, int c)
{
	r->line++;
	if (c == '\r' && csv_peek(r) == '\n')
		r->inpos++;
}

/* Record the error of the current record, unless it already has one. */
static void
csv_fail(csv_reader *r, int force, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	if (r->failed && !force)
		return;
	r->failed = 1;
	if (r->err == NULL || r->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "line %ld: %s", r->recline, msg);
}

/* Append byte c to field i of the current record. */
static void
csv_put(csv_reader *r, size_t i, int c)
{
	if (r->failed)
		return;
	if (r->used - r->off[i] == CSV_MAX_FIELD) {
		csv_fail(r, 0, "field %zu longer than %d bytes", i + 1,
		    CSV_MAX_FIELD);
		return;
	}
	r->fields[r->used++] = (char)c;
}

/* Terminate field i and check its text. */
static void
csv_end_field(csv_reader *r, size_t i)
{
	const char *s;

	if (r->failed)
		return;
	s = r->fields + r->off[i];
	r->len[i] = r->used - r->off[i];
	r->fields[r->used++] = '\0';
	if (memchr(s, '\0', r->len[i]) != NULL)
		csv_fail(r, 0, "NUL byte in field %zu", i + 1);
	else if (!utf8_valid(s, r->len[i]))
		csv_fail(r, 0, "invalid UTF-8 in field %zu", i + 1);
}

/*
 * Read the body of a quoted field, the opening quote already consumed, up to
 * and including the closing quote.  Returns 0, or -1 if the input ended
 * first.
 */
static int
csv_quoted(csv_reader *r, size_t i)
{
	int c;

	for (;;) {
		if ((c = csv_get(r)) == CSV_EOF)
			return (-1);
		if (c == '"') {
			if (csv_peek(r) != '"')
				return (0);
			r->inpos++;
		} else if (c == '\r') {
			/* Keep a quoted line break as it was written. */
			csv_put(r, i, c);
			r->line++;
			if (csv_peek(r) == '\n') {
				r->inpos++;
				csv_put(r, i, '\n');
			}
			continue;
		} else if (c == '\n')
			r->line++;
		csv_put(r, i, c);
	}
}

/* Skip empty lines.  Returns 0 at a record, CSV_EOF at the end of input. */
static int
csv_skip_empty(csv_reader *r)
{
	int c;

	for (;;) {
		c = csv_peek(r);
		if (c != '\r' && c != '\n')
			return (c == CSV_EOF ? CSV_EOF : 0);
		r->inpos++;
		csv_newline(r, c);
	}
}

/* Parse one record; see csv_next(). */
static int
csv_record(csv_reader *r)
{
	size_t i = 0; /* index of the current field */
	int c;

	r->recline = r->line;
	r->used = 0;
	r->failed = 0;
	for (;;) {
		if (i == CSV_MAX_FIELDS)
			csv_fail(r, 0, "more than %d fields", CSV_MAX_FIELDS);
		if (!r->failed)
			r->off[i] = r->used;

		if (csv_peek(r) == '"') {
			r->inpos++;
			if (csv_quoted(r, i) != 0) {
				c = CSV_EOF;
				r->done = 1;
				if (!r->ioerr) {
					csv_fail(r, 1,
					    "unterminated quoted field");
				}
				break;
			}
			c = csv_peek(r);
			if (c != r->delim && c != '\r' && c != '\n' &&
			    c != CSV_EOF)
				csv_fail(r, 0,
				    "text after closing quote in "
				    "field %zu",
				    i + 1);
		}
		/*
		 * Unquoted text, or what follows a bad closing quote: up to the
		 * next comma or line end, a quote taken literally.
		 */
		for (;;) {
			c = csv_peek(r);
			if (c == r->delim || c == '\r' || c == '\n' ||
			    c == CSV_EOF)
				break;
			r->inpos++;
			csv_put(r, i, c);
		}
		csv_end_field(r, i);
		if (i < CSV_MAX_FIELDS)
			i++;

		if ((c = csv_get(r)) != r->delim) {
			if (c != CSV_EOF)
				csv_newline(r, c);
			break;
		}
	}

	/*
	 * Input that ends inside a record because the callback failed makes
	 * the record suspect; a failure after a line end is reported by the
	 * next call instead.
	 */
	if (c == CSV_EOF && r->ioerr) {
		r->done = 1;
		csv_fail(r, 1, "read error");
	}
	if (r->failed)
		return (-1);
	r->nfields = i;
	return (1);
}

/*
 * Create a reader that pulls input through fn(ctx, buf, cap).  fn must
 * return the number of bytes stored (at most cap), 0 at the end of input or
 * -1 on error; after it has returned 0 or -1 it is not called again.
 * Returns NULL if fn is NULL or memory runs out.
 */
csv_reader *
csv_new(csv_read_fn fn, void *ctx)
{
	csv_reader *r;

	if (fn == NULL)
		return (NULL);
	if ((r = calloc(1, sizeof *r)) == NULL)
		return (NULL);
	r->in = malloc(CSV_BUFSIZE);
	r->fields = malloc(CSV_FIELDBUF);
	if (r->in == NULL || r->fields == NULL) {
		csv_free(r);
		return (NULL);
	}
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	r->delim = ',';
	return (r);
}

/* Fields separated by d (',' or '\t') instead of commas. */
void
csv_set_delim(csv_reader *r, char d)
{
	r->delim = (unsigned char)d;
}

/*
 * Create a reader of the stdio stream f, read with fread() from its current
 * position; a stream error is reported as a read error.  The caller still
 * owns f and closes it after csv_free().  Returns NULL if f is NULL or
 * memory runs out.
 */
csv_reader *
csv_new_file(FILE *f)
{
	if (f == NULL)
		return (NULL);
	return (csv_new(csv_file_read, f));
}

/*
 * Create a reader of data[0..len), which is not copied and must outlive the
 * reader.  Returns NULL if data is NULL with len nonzero, or memory runs
 * out.
 */
csv_reader *
csv_new_mem(const char *data, size_t len)
{
	csv_reader *r;

	if (data == NULL && len != 0)
		return (NULL);
	if ((r = csv_new(csv_mem_read, NULL)) == NULL)
		return (NULL);
	r->mem.data = data;
	r->mem.len = len;
	r->ctx = &r->mem;
	return (r);
}

/* Free reader r and its buffers; r may be NULL. */
void
csv_free(csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->in);
	free(r->fields);
	free(r);
}

/*
 * Read the next record.  Returns 1 with the record available through the
 * accessors, 0 at the end of input (and on every later call), or -1 with
 * "line N: reason" in err (truncated to errlen and always NUL-terminated
 * when errlen > 0; err may be NULL).  Empty lines are skipped.  A failed
 * record is consumed whole and leaves no fields; csv_line() gives its line.
 * An unterminated quoted field or a read error ends the input: the next call
 * returns 0.
 */
int
csv_next(csv_reader *r, char *err, size_t errlen)
{
	r->err = err;
	r->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	r->nfields = 0;

	if (r->done)
		return (0);
	if (!r->started) {
		r->started = 1;
		if (csv_fill(r, 3) &&
		    memcmp(r->in + r->inpos, "\xef\xbb\xbf", 3) == 0)
			r->inpos += 3;
	}
	if (csv_skip_empty(r) == CSV_EOF) {
		r->recline = r->line;
		r->done = 1;
		if (r->ioerr) {
			csv_fail(r, 1, "read error");
			return (-1);
		}
		return (0);
	}
	return (csv_record(r));
}

/* Number of fields of the current record; 0 after an error or the end. */
size_t
csv_nfields(const csv_reader *r)
{
	return (r->nfields);
}

/*
 * Field i (0-based) of the current record, NUL-terminated, valid until the
 * next csv_next(); NULL if i >= csv_nfields(r).  Fields never contain NUL.
 */
const char *
csv_field(const csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return (NULL);
	return (r->fields + r->off[i]);
}

/* Length in bytes of field i of the current record; 0 if out of range. */
size_t
csv_field_len(const csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return (0);
	return (r->len[i]);
}

/*
 * The 1-based physical line on which the current (or just failed) record
 * starts; line breaks inside quoted fields count, and CRLF is one break.
 */
long
csv_line(const csv_reader *r)
{
	return (r->recline);
}
