/*
 * test_utf8.c - unit tests of common/utf8.c.
 */
#include <string.h>

#include "check.h"
#include "utf8.h"

#define VALID(s) utf8_valid((s), sizeof(s) - 1)

static void
test_valid_ascii(void)
{
	CHECK(utf8_valid("", 0));
	CHECK(utf8_valid(NULL, 0));
	CHECK(VALID("record_id,unit,date"));
	CHECK(VALID("\x7f"));
	CHECK(VALID("a\0b")); /* U+0000 is well-formed */
}

static void
test_valid_multibyte(void)
{
	CHECK(VALID("男"));
	CHECK(VALID("城关镇"));
	CHECK(VALID("\xc2\x80"));              /* U+0080, smallest 2-byte */
	CHECK(VALID("\xdf\xbf"));              /* U+07FF */
	CHECK(VALID("\xe0\xa0\x80"));          /* U+0800, smallest 3-byte */
	CHECK(VALID("\xed\x9f\xbf"));          /* U+D7FF, below surrogates */
	CHECK(VALID("\xee\x80\x80"));          /* U+E000, above surrogates */
	CHECK(VALID("\xef\xbb\xbf"));          /* U+FEFF */
	CHECK(VALID("\xef\xbf\xbf"));          /* U+FFFF */
	CHECK(VALID("\xf0\x90\x80\x80"));      /* U+10000, smallest 4-byte */
	CHECK(VALID("\xf4\x8f\xbf\xbf"));      /* U+10FFFF, largest */
	CHECK(VALID("\xf0\x9f\x98\x80"));      /* U+1F600 emoji */
	CHECK(VALID("a城b\xf0\xa0\x80\x80z")); /* U+20000 */
}

static void
test_invalid(void)
{
	/* Lone continuation bytes and bytes that never occur. */
	CHECK(!VALID("\x80"));
	CHECK(!VALID("\xbf"));
	CHECK(!VALID("a\x80z"));
	CHECK(!VALID("\xfe"));
	CHECK(!VALID("\xff"));
	CHECK(!VALID("\xf5\x80\x80\x80"));
	CHECK(!VALID("\xf8\x88\x80\x80\x80"));
	/* Overlong forms. */
	CHECK(!VALID("\xc0\x80"));
	CHECK(!VALID("\xc1\xbf"));
	CHECK(!VALID("\xe0\x80\x80"));
	CHECK(!VALID("\xe0\x9f\xbf"));
	CHECK(!VALID("\xf0\x80\x80\x80"));
	CHECK(!VALID("\xf0\x8f\xbf\xbf"));
	/* Surrogates. */
	CHECK(!VALID("\xed\xa0\x80"));             /* U+D800 */
	CHECK(!VALID("\xed\xbf\xbf"));             /* U+DFFF */
	CHECK(!VALID("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 pair */
	/* Above U+10FFFF. */
	CHECK(!VALID("\xf4\x90\x80\x80"));
	/* Truncated sequences, at the end and followed by more text. */
	CHECK(!VALID("\xe5\x9f")); /* 城 cut short */
	CHECK(!VALID("\xe5"));
	CHECK(!VALID("\xe5\x9f,"));
	CHECK(!VALID("\xf0\x9f\x98"));
	CHECK(!VALID("\xc3"));
	CHECK(!VALID("\xc3 "));
	/* A valid prefix does not make the whole valid. */
	CHECK(!VALID("城关镇\xe9"));
	/* The length bounds the check: a cut inside a character fails. */
	CHECK(!utf8_valid("城", 2));
	CHECK(utf8_valid("城\xff", 3));
}

static void
test_width_ascii(void)
{
	CHECK_INT(utf8_width(""), 0);
	CHECK_INT(utf8_width("a"), 1);
	CHECK_INT(utf8_width("record_id"), 9);
	CHECK_INT(utf8_width("a\tb"), 2); /* C0 controls take none */
	CHECK_INT(utf8_width("\r\n"), 0);
}

static void
test_width_cjk(void)
{
	CHECK_INT(utf8_width("男"), 2);
	CHECK_INT(utf8_width("城关镇"), 6);
	CHECK_INT(utf8_width("城关镇 610328101"), 16);
	CHECK_INT(utf8_width("出生率11.5‰"), 6 + 4 + 1);
	CHECK_INT(utf8_width("符合"), 4);
	CHECK_INT(utf8_width("。"), 2); /* U+3002 */
	CHECK_INT(utf8_width("ひらがな"), 8);
	CHECK_INT(utf8_width("한국"), 4);             /* Hangul syllables */
	CHECK_INT(utf8_width("\xe1\x84\x80"), 2);     /* U+1100 Hangul Jamo */
	CHECK_INT(utf8_width("\xf0\xa0\x80\x80"), 2); /* U+20000 ext B */
	CHECK_INT(utf8_width("\xe3\x80\xbf"), 1);     /* U+303F is narrow */
	CHECK_INT(utf8_width("\xea\xb0\x80"), 2);     /* U+AC00 */
	CHECK_INT(utf8_width("\xed\x9e\xa4"), 1);     /* U+D7A4 */
}

static void
test_width_fullwidth(void)
{
	CHECK_INT(utf8_width("ＡＢＣ"), 6); /* U+FF21.. */
	CHECK_INT(utf8_width("１２"), 4);
	CHECK_INT(utf8_width("\xef\xbd\xa1"), 1);     /* U+FF61 halfwidth */
	CHECK_INT(utf8_width("\xef\xbf\xa0"), 2);     /* U+FFE0 */
	CHECK_INT(utf8_width("\xef\xbf\xa6"), 2);     /* U+FFE6 */
	CHECK_INT(utf8_width("\xef\xbf\xa8"), 1);     /* U+FFE8 */
	CHECK_INT(utf8_width("\xf0\x9f\x98\x80"), 2); /* U+1F600 */
	CHECK_INT(utf8_width("\xf0\x9f\xa4\x94"), 2); /* U+1F914 */
}

static void
test_width_mixed(void)
{
	CHECK_INT(utf8_width("a城b"), 4);
	CHECK_INT(utf8_width("M/男"), 4);
	CHECK_INT(utf8_width("café"), 4);
	CHECK_INT(utf8_width("é"), 1);  /* U+00E9 */
	CHECK_INT(utf8_width("Ω≤"), 2); /* narrow non-ASCII */
}

static void
test_width_combining(void)
{
	CHECK_INT(utf8_width("e\xcc\x81"), 1);         /* e + U+0301 */
	CHECK_INT(utf8_width("a\xcc\x80\xcd\xaf"), 1); /* U+0300, U+036F */
	CHECK_INT(utf8_width("\xcd\xb0"), 1);          /* U+0370 is not */
	CHECK_INT(utf8_width("a\xe2\x80\x8b"
			     "b"),
	    2); /* U+200B */
	CHECK_INT(utf8_width("城\xcc\x81"), 2);
}

static void
test_width_invalid(void)
{
	CHECK_INT(utf8_width("\xff"), 1);
	CHECK_INT(utf8_width("a\x80\x80z"), 4);
	CHECK_INT(utf8_width("\xc0\x80"), 2);     /* overlong: 2 bytes */
	CHECK_INT(utf8_width("\xed\xa0\x80"), 3); /* surrogate */
	CHECK_INT(utf8_width("\xe5\x9f"), 2);     /* truncated 城 */
	CHECK_INT(utf8_width("\xe5\x9f城"), 4);   /* resyncs */
}

static void
test_scrub(void)
{
	char a[] = "ok", b[] = "\xe7\x94", c[] = "男\xe5x", d[] = "\xff\xfe";

	CHECK_STR(utf8_scrub(a), "ok");
	CHECK_STR(utf8_scrub(b), "??");
	CHECK_STR(utf8_scrub(c), "男?x");
	CHECK_STR(utf8_scrub(d), "??");
	CHECK(utf8_valid(c, strlen(c)));
}

static int
text_rc(const char *s, size_t *at, unsigned long *cp)
{
	return utf8_text_check(s, strlen(s), at, cp);
}

static void
test_text_check(void)
{
	size_t at = 99;
	unsigned long cp = 0;

	CHECK_INT(text_rc("城关镇 tab\there, 100%", &at, &cp), UTF8_TEXT_OK);
	CHECK_INT(text_rc("", &at, &cp), UTF8_TEXT_OK);
	CHECK_INT(text_rc("ok\x1b]0;PWNED\x07", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT((long)at, 2);
	CHECK_INT((long)cp, 0x1b);
	CHECK_INT(text_rc("a\nb", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT(text_rc("a\rb", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT(text_rc("del\x7f", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT((long)at, 3);
	/* C1: U+0085 (NEL), U+009B (CSI), U+009F; U+00A0 is fine */
	CHECK_INT(text_rc("x\xc2\x85", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT((long)cp, 0x85);
	CHECK_INT(text_rc("\xc2\x9b"
			  "2J",
		      &at, &cp),
	    UTF8_TEXT_CONTROL);
	CHECK_INT(text_rc("\xc2\x9f", &at, &cp), UTF8_TEXT_CONTROL);
	CHECK_INT(text_rc("\xc2\xa0", &at, &cp), UTF8_TEXT_OK);
	/* bidi: U+202A..U+202E, U+2066..U+2069; U+2029, U+202F, U+2065,
	 * U+206A are not */
	CHECK_INT(text_rc("abc\xe2\x80\xaa", &at, &cp), UTF8_TEXT_BIDI);
	CHECK_INT((long)at, 3);
	CHECK_INT((long)cp, 0x202a);
	CHECK_INT(text_rc("\xe2\x80\xae", &at, &cp), UTF8_TEXT_BIDI);
	CHECK_INT(text_rc("\xe2\x81\xa6", &at, &cp), UTF8_TEXT_BIDI);
	CHECK_INT(text_rc("\xe2\x81\xa9", &at, &cp), UTF8_TEXT_BIDI);
	CHECK_INT(text_rc("\xe2\x80\xa9\xe2\x80\xaf", &at, &cp), UTF8_TEXT_OK);
	CHECK_INT(text_rc("\xe2\x81\xa5\xe2\x81\xaa", &at, &cp), UTF8_TEXT_OK);
	/* invalid UTF-8: the first bad byte */
	CHECK_INT(text_rc("ab\xff", &at, &cp), UTF8_TEXT_INVALID);
	CHECK_INT((long)at, 2);
	CHECK_INT((long)cp, 0xff);
	CHECK_INT(text_rc("\xc0\xaf", &at, &cp), UTF8_TEXT_INVALID);
	CHECK_INT(text_rc("\xed\xa0\x80", &at, &cp), UTF8_TEXT_INVALID);
	CHECK_INT(text_rc("\xe4\xb8", &at, &cp), UTF8_TEXT_INVALID);
	CHECK_STR(utf8_text_fault(UTF8_TEXT_BIDI), "a bidirectional override");
}

static void
test_escape(void)
{
	char buf[64];

	CHECK_STR(utf8_escape("城关 ok\tx", buf, sizeof buf), "城关 ok\tx");
	CHECK_STR(utf8_escape("\x1b]0;PWNED\x07\x1b[2J", buf, sizeof buf),
	    "\\x1B]0;PWNED\\x07\\x1B[2J");
	CHECK_STR(utf8_escape("a\xff\xc2\x9bz", buf, sizeof buf),
	    "a\\xFF\\u{009B}z");
	CHECK_STR(utf8_escape("\xe2\x80\xae"
			      "evil",
		      buf, sizeof buf),
	    "\\u{202E}evil");
	CHECK_STR(utf8_escape("\x1b\x1b", buf, 6), "\\x1B");
	CHECK_STR(utf8_escape("城关", buf, 5), "城");
	CHECK_INT(utf8_needs_escape("城关\t"), 0);
	CHECK_INT(utf8_needs_escape("a\x1b"), 1);
	CHECK_INT(utf8_needs_escape("\xe2\x81\xa7"), 1);
}

int
main(void)
{
	RUN(test_valid_ascii);
	RUN(test_valid_multibyte);
	RUN(test_invalid);
	RUN(test_width_ascii);
	RUN(test_width_cjk);
	RUN(test_width_fullwidth);
	RUN(test_width_mixed);
	RUN(test_width_combining);
	RUN(test_width_invalid);
	RUN(test_scrub);
	RUN(test_text_check);
	RUN(test_escape);
	return (check_summary("test_utf8"));
}
