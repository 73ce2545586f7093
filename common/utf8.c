/*
 * utf8.c - UTF-8 validation and display width.
 *
 * Well-formed means exactly the sequences of Unicode table 3-7: no overlong
 * forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF and no
 * sequence cut short.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

struct utf8_range {
	uint32_t first;
	uint32_t last;
};

/* East Asian Wide and Fullwidth blocks, plus the common emoji blocks. */
static const struct utf8_range utf8_wide[] = {
	{ 0x1100, 0x115f },   /* Hangul Jamo initial consonants */
	{ 0x2e80, 0x303e },   /* CJK radicals, CJK symbols and punctuation */
	{ 0x3041, 0x33ff },   /* kana, bopomofo, CJK compatibility */
	{ 0x3400, 0x4dbf },   /* CJK extension A */
	{ 0x4e00, 0x9fff },   /* CJK unified ideographs */
	{ 0xa000, 0xa4cf },   /* Yi */
	{ 0xac00, 0xd7a3 },   /* Hangul syllables */
	{ 0xf900, 0xfaff },   /* CJK compatibility ideographs */
	{ 0xfe30, 0xfe4f },   /* CJK compatibility forms */
	{ 0xff00, 0xff60 },   /* fullwidth forms */
	{ 0xffe0, 0xffe6 },   /* fullwidth signs */
	{ 0x1f300, 0x1f64f }, /* pictographs, emoticons */
	{ 0x1f900, 0x1f9ff }, /* supplemental pictographs */
	{ 0x20000, 0x2fffd }, /* CJK extensions B.. */
	{ 0x30000, 0x3fffd }, /* CJK extension G.. */
};

/*
 * Decode the sequence at s[0..len).  Returns its length (1 to 4) and stores
 * the code point, or 0 if s[0] does not start a well-formed sequence.
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else
		return (0); /* continuation byte, C0, C1 or F5..FF */

	if (len < n)
		return (0);
	if (s[1] < lo || s[1] > hi)
		return (0);
	v = (v << 6) | (s[1] & 0x3f);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return (0);
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return (n);
}

/* Columns taken by code point cp on a terminal: 0, 1 or 2. */
static int
utf8_cp_width(uint32_t cp)
{
	size_t i;

	if (cp < 0x20)
		return (0);
	if (cp < 0x300)
		return (1);
	if (cp <= 0x36f || cp == 0x200b)
		return (0);
	for (i = 0; i < sizeof utf8_wide / sizeof utf8_wide[0]; i++) {
		if (cp >= utf8_wide[i].first && cp <= utf8_wide[i].last)
			return (2);
	}
	return (1);
}

/*
 * Return nonzero if s[0..len) is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence.  NUL bytes are
 * well-formed (U+0000).  An empty string is valid.
 */
int
utf8_valid(const char *s, size_t len)
{
	return (utf8_valid_prefix(s, len) == len);
}

/*
 * Make the NUL-terminated string s valid UTF-8 in place: every byte that
 * does not start a well-formed sequence (a cut character, say) becomes '?'.
 * Returns s.
 */
char *
utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t len = strlen(s), i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			p[i++] = '?';
			continue;
		}
		i += n;
	}
	return s;
}

/*
 * Return the terminal width of the NUL-terminated string s: 2 columns for
 * East Asian Wide and Fullwidth characters and the main emoji blocks, 0 for
 * C0 controls, combining diacritics (U+0300..U+036F) and U+200B, 1 for
 * anything else.  Each byte that does not start a well-formed sequence
 * counts 1 and decoding resumes at the next byte.  The result saturates at
 * INT_MAX.
 */
int
utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;
	uint32_t cp;
	int w, width = 0;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			w = 1;
			n = 1;
		} else
			w = utf8_cp_width(cp);
		if (width > INT_MAX - w)
			return (INT_MAX);
		width += w;
		i += n;
	}
	return (width);
}

size_t
utf8_fold(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (p[i] != '\0') {
		/* U+FF01..U+FF5E: EF BC 81..EF BC BF, EF BD 80..EF BD 9E */
		if (p[i] == 0xef && (p[i + 1] == 0xbc || p[i + 1] == 0xbd) &&
		    p[i + 2] >= 0x80 && p[i + 2] <= 0xbf) {
			unsigned cp = 0xf000 + ((p[i + 1] & 0x3fu) << 6) +
			    (p[i + 2] & 0x3fu);

			if (cp >= 0xff01 && cp <= 0xff5e) {
				out[o++] = (char)(cp - 0xfee0);
				i += 3;
				continue;
			}
		}
		/* U+3000: E3 80 80 */
		if (p[i] == 0xe3 && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
			out[o++] = ' ';
			i += 3;
			continue;
		}
		out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return o;
}

char *
utf8_echo(const char *s, size_t max, char *buf, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	uint32_t cp;

	if (cap == 0)
		return buf;
	while (i < len) {
		n = p[i] < 0x80 ? 1 : utf8_decode(p + i, len - i, &cp);
		if (o + (n ? n : 1) > max || o + (n ? n : 1) + 4 > cap)
			break;
		if (n == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			buf[o++] = '?';
			i++;
			continue;
		}
		memcpy(buf + o, p + i, n);
		o += n;
		i += n;
	}
	if (i < len && o + 4 <= cap) {
		memcpy(buf + o, "\xe2\x80\xa6", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The class of code point cp for free text (utf8_text_check). */
static int
text_class(uint32_t cp)
{
	if ((cp < 0x20 && cp != '\t') || cp == 0x7f ||
	    (cp >= 0x80 && cp <= 0x9f))
		return UTF8_TEXT_CONTROL;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return UTF8_TEXT_BIDI;
	return UTF8_TEXT_OK;
}

int
utf8_text_check(const char *s, size_t len, size_t *at, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t c;
	int k;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0) {
			*at = i;
			*cp = p[i];
			return UTF8_TEXT_INVALID;
		}
		if ((k = text_class(c)) != UTF8_TEXT_OK) {
			*at = i;
			*cp = c;
			return k;
		}
		i += n;
	}
	return UTF8_TEXT_OK;
}

const char *
utf8_text_fault(int rc)
{
	switch (rc) {
	case UTF8_TEXT_INVALID: return "invalid UTF-8";
	case UTF8_TEXT_CONTROL: return "a control character";
	case UTF8_TEXT_BIDI: return "a bidirectional override";
	default: return "no fault";
	}
}

int
utf8_needs_escape(const char *s)
{
	size_t at;
	unsigned long cp;

	return utf8_text_check(s, strlen(s), &at, &cp) != UTF8_TEXT_OK;
}

char *
utf8_escape(const char *s, char *buf, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	char esc[16];
	uint32_t c;

	if (cap == 0)
		return buf;
	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0 || (c < 0x80 && text_class(c) != UTF8_TEXT_OK)) {
			snprintf(esc, sizeof esc, "\\x%02X", p[i]);
			n = n ? n : 1;
		} else if (text_class(c) != UTF8_TEXT_OK)
			snprintf(esc, sizeof esc, "\\u{%04X}", (unsigned)c);
		else {
			if (o + n >= cap)
				break;
			memcpy(buf + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (o + strlen(esc) >= cap)
			break;
		memcpy(buf + o, esc, strlen(esc));
		o += strlen(esc);
		i += n;
	}
	buf[o] = '\0';
	return buf;
}

size_t
utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			break;
		i += n;
	}
	return i;
}
