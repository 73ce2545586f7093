/*
 * utf8.h - UTF-8 validation and display width.
 */
#ifndef POPSTAT_UTF8_H
#define POPSTAT_UTF8_H

#include <stddef.h>

/* Nonzero if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);

/* Replace each byte of s that is not valid UTF-8 by '?'; returns s. */
char *utf8_scrub(char *s);

/*
 * Terminal display width of a NUL-terminated UTF-8 string: East Asian wide
 * and fullwidth characters (CJK ideographs, Hangul, fullwidth forms, CJK
 * punctuation, ...) count 2 columns, combining marks 0, others 1.  Invalid
 * bytes count 1 each.
 */
int utf8_width(const char *s);

#endif
