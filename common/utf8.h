/*
 * utf8.h - UTF-8 validation and display width.
 */
#ifndef POPSTAT_UTF8_H
#define POPSTAT_UTF8_H

#include <stddef.h>

/* Nonzero if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);

/*
 * Length of the longest prefix of s[0..len) made of whole well-formed
 * sequences: len when s is valid; less when it holds an invalid byte or
 * ends inside a character.
 */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Replace each byte of s that is not valid UTF-8 by '?'; returns s. */
char *utf8_scrub(char *s);

/*
 * Terminal display width of a NUL-terminated UTF-8 string: East Asian wide
 * and fullwidth characters (CJK ideographs, Hangul, fullwidth forms, CJK
 * punctuation, ...) count 2 columns, combining marks 0, others 1.  Invalid
 * bytes count 1 each.
 */
int utf8_width(const char *s);

/*
 * Fold full-width forms (doc/rules.md §13): U+FF01..U+FF5E become the
 * ASCII characters 0x21..0x7E and U+3000 (ideographic space) a space.
 * Writes the NUL-terminated result into out (never longer than s; out may
 * be s itself).  Returns its length.
 */
size_t utf8_fold(const char *s, char *out);

/*
 * The text of s for a message: at most max bytes, cut on a character
 * boundary and then followed by an ellipsis (U+2026) when cut; a byte
 * that is not valid UTF-8 becomes '?'.  Writes into buf (cap bytes, at least
 * max + 4) and returns buf.  Control characters become '?' too, so the
 * echo stays on one line.
 */
char *utf8_echo(const char *s, size_t max, char *buf, size_t cap);

/*
 * Free text as the server accepts it (names, reasons, notes, titles):
 * well-formed UTF-8 without C0 controls (but tab), DEL, C1 controls
 * (U+0080..U+009F) or bidirectional embeddings, overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069), which could rewrite a terminal or
 * reorder what a reader sees.  Returns UTF8_TEXT_OK, or the first fault
 * with its byte offset in *at and its code point in *cp (the byte, for
 * invalid UTF-8).
 */
enum { UTF8_TEXT_OK, UTF8_TEXT_INVALID, UTF8_TEXT_CONTROL, UTF8_TEXT_BIDI };
int utf8_text_check(const char *s, size_t len, size_t *at, unsigned long *cp);

/* What a fault of utf8_text_check() is, for a message. */
const char *utf8_text_fault(int rc);

/*
 * s for a terminal: what utf8_text_check() refuses is written as \xHH
 * (a byte of invalid UTF-8 or a C0 control but tab, DEL) or \u{HHHH}
 * (C1 controls, bidirectional controls); a backslash stays one
 * backslash.  Writes at most cap - 1 bytes and a NUL into buf (cut on a
 * character boundary); returns buf.
 */
char *utf8_escape(const char *s, char *buf, size_t cap);

/* Nonzero when utf8_escape() would change s. */
int utf8_needs_escape(const char *s);

#endif
