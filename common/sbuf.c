/*
 * sbuf.c - growable strings and allocation helpers.
 */
#include "sbuf.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Allocation failure is fatal: a server that cannot allocate cannot keep
 * its promises, and failing loudly beats limping on.  It is an orderly
 * exit with status 1 and a clear line, not abort(): a supervisor restarts
 * the server as after any failure, nothing acknowledged is lost (every
 * acknowledgement follows a synced commit) and no core file is written.
 * _exit, because other threads may still run and exit handlers are not
 * safe under them.
 */
static void
out_of_memory(size_t n)
{
	fprintf(stderr, "%s: fatal: out of memory (%zu bytes); exiting\n",
	    program_invocation_short_name, n);
	_exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		out_of_memory(n * m);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		out_of_memory(n);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *
str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	*e = '\0';
	return s;
}

char *
xsnprintf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (n == 0)
		return dst;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	return dst;
}

void
sbuf_init(sbuf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

void
sbuf_free(sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

static void
sbuf_reserve(sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
sbuf_add(sbuf *b, const char *s, size_t n)
{
	sbuf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_puts(sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_putc(sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void
sbuf_vprintf(sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	sbuf_reserve(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sbuf_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

/*
 * JSON string literal: escape quote, backslash and control characters;
 * UTF-8 passes through unchanged.
 */
void
sbuf_json_str(sbuf *b, const char *s)
{
	const unsigned char *p;

	sbuf_putc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sbuf_puts(b, "\\\""); break;
		case '\\': sbuf_puts(b, "\\\\"); break;
		case '\n': sbuf_puts(b, "\\n"); break;
		case '\r': sbuf_puts(b, "\\r"); break;
		case '\t': sbuf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20)
				sbuf_printf(b, "\\u%04x", *p);
			else
				sbuf_putc(b, (char)*p);
		}
	}
	sbuf_putc(b, '"');
}

/*
 * Two decimals as printf rounds them, then trailing zeros dropped but one
 * decimal kept, so the number reads as a float: 11.50 -> 11.5, 100.00 ->
 * 100.0, 5.99 -> 5.99.
 */
void
sbuf_json_num2(sbuf *b, double v)
{
	/* Room for every finite double: sign, 309 digits, ".dd", NUL. */
	char tmp[DBL_MAX_10_EXP + 16];
	size_t n;

	if (!isfinite(v)) {
		sbuf_puts(b, "null");
		return;
	}
	snprintf(tmp, sizeof tmp, "%.2f", v);
	if (strcmp(tmp, "-0.00") == 0)
		strcpy(tmp, "0.00");
	n = strlen(tmp);
	if (n >= 2 && tmp[n - 1] == '0')
		tmp[--n] = '\0';
	sbuf_puts(b, tmp);
}

void
sbuf_csv_field(sbuf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		sbuf_puts(b, s);
		return;
	}
	sbuf_putc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			sbuf_putc(b, '"');
		sbuf_putc(b, *p);
	}
	sbuf_putc(b, '"');
}

const char *
sbuf_str(sbuf *b)
{
	return b->s ? b->s : "";
}
