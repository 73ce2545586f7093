/*
 * sbuf.h - a growable string buffer.  Allocation failure is fatal.
 */
#ifndef POPSTAT_SBUF_H
#define POPSTAT_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
	char *s; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_free(sbuf *b);
void sbuf_add(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_putc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(sbuf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. */
void sbuf_json_str(sbuf *b, const char *s);
/* Append a number rounded to 2 decimals, JSON style (11.5, 100.0, 5.99). */
void sbuf_json_num2(sbuf *b, double v);
/* Append s as one CSV field, quoted when needed. */
void sbuf_csv_field(sbuf *b, const char *s);
/* The text ("" when empty); stays owned by b. */
const char *sbuf_str(sbuf *b);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* s without its leading blanks (space, tab) and trailing white space
 * (space, tab, CR, LF), which are cut off in place. */
char *str_trim(char *s);
/* snprintf that always terminates and never overflows; returns dst. */
char *xsnprintf(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
