/*
 * csvout.c - CSV cells safe for spreadsheets and CSV bytes for Excel:
 * the formula-injection guard and the BOM / GB18030 conversion (glibc
 * iconv).
 */
#include "csvout.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int
csv_plain_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

int
csv_formula_risk(const char *s)
{
	const char *p = s;

	while (*p == '\'')
		p++;
	if (*p == '\0' || strchr("=+-@\t\r", *p) == NULL)
		return 0;
	return !csv_plain_number(s);
}

void
csv_put_text(sbuf *b, const char *s)
{
	if (!csv_formula_risk(s)) {
		sbuf_csv_field(b, s);
		return;
	}
	/* The quote goes inside the field, quoted or not. */
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sbuf_putc(b, '\'');
		sbuf_puts(b, s);
		return;
	}
	sbuf_puts(b, "\"'");
	for (; *s; s++) {
		if (*s == '"')
			sbuf_putc(b, '"');
		sbuf_putc(b, *s);
	}
	sbuf_putc(b, '"');
}

const char *
csv_unprotect(const char *s)
{
	return s[0] == '\'' && csv_formula_risk(s + 1) ? s + 1 : s;
}

static int
is_utf8(const char *enc)
{
	return enc == NULL || strcasecmp(enc, "utf-8") == 0 ||
	    strcasecmp(enc, "utf8") == 0;
}

int
csv_encoding_check(const char *enc, int bom, char *err, size_t errlen)
{
	if (!is_utf8(enc) && strcasecmp(enc, "gb18030") != 0) {
		snprintf(err, errlen,
		    "--encoding %s: unknown; CSV is written"
		    " as utf-8 (the default; --bom for Excel) or gb18030",
		    enc);
		return -1;
	}
	if (bom && !is_utf8(enc)) {
		snprintf(err, errlen,
		    "--bom marks UTF-8; GB18030 text is read"
		    " without one (drop --bom or --encoding %s)",
		    enc);
		return -1;
	}
	return 0;
}

int
csv_encode(const char *in, size_t n, const char *enc, int bom, sbuf *out,
    char *err, size_t errlen)
{
	iconv_t cd;
	char *ip = (char *)in;
	size_t il = n;

	if (csv_encoding_check(enc, bom, err, errlen) < 0)
		return -1;
	if (bom)
		sbuf_add(out, "\xef\xbb\xbf", 3);
	if (is_utf8(enc)) {
		sbuf_add(out, in, n);
		return 0;
	}
	if ((cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1) {
		snprintf(err, errlen,
		    "--encoding %s: this system's iconv cannot"
		    " convert to it (%s)",
		    enc, strerror(errno));
		return -1;
	}
	while (il > 0) {
		char chunk[4096], *op = chunk;
		size_t ol = sizeof chunk;
		size_t r = iconv(cd, &ip, &il, &op, &ol);

		sbuf_add(out, chunk, sizeof chunk - ol);
		if (r == (size_t)-1 && errno != E2BIG) {
			snprintf(err, errlen,
			    "byte %zu of the CSV: %s in UTF-8"
			    " text, cannot write it as %s",
			    (size_t)(ip - in),
			    errno == EILSEQ ? "an invalid sequence" :
					      "a cut-off character",
			    enc);
			iconv_close(cd);
			return -1;
		}
	}
	iconv_close(cd);
	return 0;
}
