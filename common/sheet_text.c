/*
 * sheet_text.c - the text reader of sheet.h: a CSV file (or a .txt with
 * tabs or commas) in any encoding doc/rules.md §13 accepts, decoded to
 * UTF-8 and parsed by common/csv.c.
 *
 * Encoding: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); without one, a file
 * that is valid UTF-8 as a whole is UTF-8, else one that decodes as
 * GB18030 (which contains GBK and GB2312) is GB18030; else the file is
 * refused naming the first line that cannot be decoded.  The options'
 * encoding ("utf-8", "gb18030", "utf-16") overrides detection.  Deciding
 * "valid UTF-8 as a whole" takes a pass over the file before it is read
 * (and one more, through iconv, when it is not UTF-8): each pass reads in
 * chunks, so memory stays bounded whatever the file's size.  A file held
 * in memory is simply read again.
 *
 * Separator: the header line decides; it is a tab when the line has more
 * tabs than commas (outside quotes), else a comma.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "sheet_impl.h"
#include "utf8.h"

#define RAW_CHUNK 65536
#define HEAD_MAX 65536 /* bytes of decoded text examined for the header */
#define DEC_MAX (HEAD_MAX + 4096)

enum text_enc { ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE };

static const char *const enc_iconv[] = { "UTF-8", "GB18030", "UTF-16LE",
	"UTF-16BE" };
static const char *const enc_label[] = { "UTF-8", "GB18030", "UTF-16",
	"UTF-16" };

/* Where the bytes come from: a file (rewound for each pass) or memory. */
struct source {
	FILE *f;
	const unsigned char *data;
	size_t len, pos;
};

struct text_sheet {
	struct sheet base;
	struct source src;
	enum text_enc enc;
	iconv_t cd;         /* (iconv_t)-1 for UTF-8 */
	unsigned char *raw; /* RAW_CHUNK bytes not yet decoded */
	size_t rawpos, rawlen;
	int raweof;
	long rawlines; /* line feeds of the decoded input */
	char *dec;     /* DEC_MAX bytes of decoded text */
	size_t declen, decpos;
	char readerr[320]; /* set when the input cannot be decoded */
	csv_reader *csv;
	char *cells[CSV_MAX_FIELDS];
	unsigned char types[CSV_MAX_FIELDS];
	char label[48];
	const char *name;
};

static long
src_read(struct source *s, unsigned char *buf, size_t cap)
{
	size_t n;

	if (s->f != NULL) {
		n = fread(buf, 1, cap, s->f);
		if (n == 0 && ferror(s->f))
			return -1;
		return (long)n;
	}
	n = s->len - s->pos;
	if (n > cap)
		n = cap;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (long)n;
}

/* The share of the source read: a file by its offset and size. */
static double
text_progress(const sheet *s)
{
	const struct text_sheet *t = (const struct text_sheet *)s;
	struct stat st;
	long off;

	if (t->src.f == NULL)
		return t->src.len > 0 ? (double)t->src.pos / t->src.len : -1;
	if (fstat(fileno(t->src.f), &st) < 0 || st.st_size <= 0 ||
	    (off = ftell(t->src.f)) < 0)
		return -1;
	return off >= st.st_size ? 1 : (double)off / (double)st.st_size;
}

static int
src_rewind(struct source *s, long offset)
{
	if (s->f != NULL)
		return fseek(s->f, offset, SEEK_SET);
	s->pos = (size_t)offset;
	return 0;
}

static long
count_lf(const unsigned char *p, size_t n)
{
	long k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/*
 * Pass over the file from offset as UTF-8.  Returns 0 when it is valid,
 * else the 1-based line of the first invalid byte; -1 on a read error.
 */
static long
scan_utf8(struct source *s, long offset, unsigned char *buf)
{
	size_t carry = 0, n, ok;
	long lines = 0, got;

	if (src_rewind(s, offset) < 0)
		return -1;
	for (;;) {
		got = src_read(s, buf + carry, RAW_CHUNK - carry);
		if (got < 0)
			return -1;
		n = carry + (size_t)got;
		if (n == 0)
			return 0;
		ok = utf8_valid_prefix((const char *)buf, n);
		if (ok < n && (got == 0 || n - ok > 3))
			return lines + count_lf(buf, ok) + 1;
		lines += count_lf(buf, ok);
		carry = n - ok;
		memmove(buf, buf + ok, carry);
		if (got == 0)
			return 0;
	}
}

/*
 * Pass over the file from offset through iconv.  Returns 0 when all of it
 * decodes, else the line of the first byte that does not; -1 on a read
 * error or when iconv lacks the encoding.
 */
static long
scan_iconv(struct source *s, long offset, const char *from, unsigned char *buf)
{
	char out[4 * 4096];
	size_t carry = 0, inleft, outleft;
	long lines = 0, got;
	char *in, *op;
	iconv_t cd;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -1;
	if (src_rewind(s, offset) < 0) {
		iconv_close(cd);
		return -1;
	}
	for (;;) {
		got = src_read(s, buf + carry, RAW_CHUNK - carry);
		if (got < 0)
			break;
		inleft = carry + (size_t)got;
		in = (char *)buf;
		while (inleft > 0) {
			op = out;
			outleft = sizeof out;
			if (iconv(cd, &in, &inleft, &op, &outleft) !=
				(size_t)-1 ||
			    errno == E2BIG)
				continue;
			if (errno == EINVAL && got > 0)
				break; /* a character cut by the chunk */
			lines += count_lf(buf, (size_t)(in - (char *)buf));
			iconv_close(cd);
			return lines + 1;
		}
		lines += count_lf(buf, (size_t)(in - (char *)buf));
		carry = inleft;
		memmove(buf, in, carry);
		if (got == 0) {
			iconv_close(cd);
			return 0;
		}
	}
	iconv_close(cd);
	return -1;
}

static int
enc_parse(const char *e, enum text_enc *out)
{
	if (strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0)
		*out = ENC_UTF8;
	else if (strcasecmp(e, "gb18030") == 0 || strcasecmp(e, "gbk") == 0 ||
	    strcasecmp(e, "gb2312") == 0)
		*out = ENC_GB18030;
	else if (strcasecmp(e, "utf-16") == 0 || strcasecmp(e, "utf16") == 0 ||
	    strcasecmp(e, "utf-16le") == 0)
		*out = ENC_UTF16LE;
	else if (strcasecmp(e, "utf-16be") == 0)
		*out = ENC_UTF16BE;
	else
		return -1;
	return 0;
}

/*
 * Decode more of the file onto the end of t->dec.  Returns the bytes
 * added, 0 at the end, -1 on a read error or bytes that do not decode (then
 * readerr says which line).
 */
static long
decode_more(struct text_sheet *t)
{
	size_t n, inleft, outleft, space = DEC_MAX - t->declen;
	char *in, *op, *buf = t->dec + t->declen;
	long got;

	if (t->readerr[0] != '\0' || space < 16)
		return -1;
	if (t->cd == (iconv_t)-1) {
		got = src_read(&t->src, (unsigned char *)buf, space);
		if (got > 0)
			t->declen += (size_t)got;
		return got;
	}
	for (;;) {
		if (t->rawpos == t->rawlen && !t->raweof) {
			t->rawpos = t->rawlen = 0;
			if ((got = src_read(&t->src, t->raw, RAW_CHUNK)) < 0)
				return -1;
			if (got == 0)
				t->raweof = 1;
			t->rawlen = (size_t)got;
		}
		if (t->rawpos == t->rawlen)
			return 0;
		in = (char *)t->raw + t->rawpos;
		inleft = t->rawlen - t->rawpos;
		op = buf;
		outleft = space;
		if (iconv(t->cd, &in, &inleft, &op, &outleft) == (size_t)-1 &&
		    errno != E2BIG) {
			n = (size_t)(op - buf);
			t->rawlines += count_lf((unsigned char *)buf, n);
			t->declen += n;
			if (errno == EINVAL && !t->raweof) {
				/* Keep the cut character for the next chunk. */
				memmove(t->raw, in, inleft);
				t->rawpos = 0;
				t->rawlen = inleft;
				if ((got = src_read(&t->src, t->raw + inleft,
					 RAW_CHUNK - inleft)) < 0)
					return -1;
				if (got == 0)
					t->raweof = 1;
				t->rawlen += (size_t)got;
				if (n > 0)
					return (long)n;
				continue;
			}
			snprintf(t->readerr, sizeof t->readerr,
			    "line %ld: the"
			    " file is not valid %s text here; save it from"
			    " Excel as \"CSV UTF-8\" or pass --encoding",
			    t->rawlines + 1, enc_label[t->enc]);
			return n > 0 ? (long)n : -1;
		}
		t->rawpos = (size_t)(in - (char *)t->raw);
		n = (size_t)(op - buf);
		t->rawlines += count_lf((unsigned char *)buf, n);
		t->declen += n;
		if (n > 0)
			return (long)n;
	}
}

/* Decoded bytes for csv.c. */
static long
text_read(void *ctx, char *buf, size_t cap)
{
	struct text_sheet *t = ctx;
	size_t n;
	long got;

	if (t->decpos == t->declen) {
		t->decpos = t->declen = 0;
		if ((got = decode_more(t)) <= 0)
			return got;
	}
	n = t->declen - t->decpos;
	if (n > cap)
		n = cap;
	memcpy(buf, t->dec + t->decpos, n);
	t->decpos += n;
	return (long)n;
}

/* Decode the first line ahead and choose the separator from it. */
static char
text_separator(struct text_sheet *t)
{
	size_t i, commas = 0, tabs = 0;
	int quoted = 0;

	while (t->declen < HEAD_MAX && memchr(t->dec, '\n', t->declen) == NULL)
		if (decode_more(t) <= 0)
			break;
	for (i = 0; i < t->declen &&
	     (quoted || (t->dec[i] != '\n' && t->dec[i] != '\r'));
	     i++) {
		if (t->dec[i] == '"')
			quoted = !quoted;
		else if (!quoted && t->dec[i] == ',')
			commas++;
		else if (!quoted && t->dec[i] == '\t')
			tabs++;
	}
	return tabs > commas ? '\t' : ',';
}

static int
text_next(sheet *s, char *err, size_t errlen)
{
	struct text_sheet *t = (struct text_sheet *)s;
	int rc;
	size_t i;

	rc = csv_next(t->csv, err, errlen);
	s->row = csv_line(t->csv);
	if (t->readerr[0] != '\0' && rc != 1) {
		snprintf(err, errlen, "%s", t->readerr);
		s->fatal = 1;
		return -1;
	}
	if (rc <= 0) {
		s->ncells = 0;
		return rc;
	}
	s->ncells = csv_nfields(t->csv);
	for (i = 0; i < s->ncells; i++) {
		t->cells[i] = (char *)csv_field(t->csv, i);
		t->types[i] = t->cells[i][0] ? SHEET_TEXT : SHEET_EMPTY;
	}
	return 1;
}

static void
text_destroy(sheet *s)
{
	struct text_sheet *t = (struct text_sheet *)s;

	csv_free(t->csv);
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	if (t->src.f != NULL)
		fclose(t->src.f);
	free(t->raw);
	free(t->dec);
	free(t);
}

static sheet *
text_fail(struct text_sheet *t, char *err, size_t errlen, const char *fmt,
    long a)
{
	char m[256];

	snprintf(m, sizeof m, fmt, a);
	snprintf(err, errlen, "%s: %s", t->name, m);
	text_destroy(&t->base);
	return NULL;
}

sheet *
sheet_open_text(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	struct text_sheet *t;
	unsigned char bom[3];
	long skip = 0, got, bad, bad2;
	int have_enc = 0;
	char sep;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->cd = (iconv_t)-1;
	t->name = path ? path : "upload";
	t->base.next = text_next;
	t->base.destroy = text_destroy;
	t->base.progress = text_progress;
	t->base.cells = t->cells;
	t->base.types = t->types;
	t->raw = malloc(RAW_CHUNK);
	t->dec = malloc(DEC_MAX);
	if (t->raw == NULL || t->dec == NULL)
		return text_fail(t, err, errlen, "out of memory", 0);
	if (path != NULL) {
		if ((t->src.f = fopen(path, "rb")) == NULL) {
			snprintf(err, errlen, "%s: cannot open: %s", path,
			    strerror(errno));
			text_destroy(&t->base);
			return NULL;
		}
	} else {
		t->src.data = data;
		t->src.len = len;
	}

	if (o != NULL && o->encoding != NULL) {
		if (enc_parse(o->encoding, &t->enc) < 0)
			return text_fail(t, err, errlen,
			    "--encoding: unknown"
			    " encoding; use utf-8, gb18030 or utf-16",
			    0);
		have_enc = 1;
	}
	got = src_read(&t->src, bom, sizeof bom);
	if (got < 0)
		return text_fail(t, err, errlen, "cannot read the file", 0);
	if (got >= 3 && memcmp(bom, "\xef\xbb\xbf", 3) == 0 &&
	    (!have_enc || t->enc == ENC_UTF8)) {
		t->enc = ENC_UTF8;
		skip = 3;
	} else if (got >= 2 && bom[0] == 0xff && bom[1] == 0xfe &&
	    (!have_enc || t->enc == ENC_UTF16LE || t->enc == ENC_UTF16BE)) {
		t->enc = ENC_UTF16LE;
		skip = 2;
	} else if (got >= 2 && bom[0] == 0xfe && bom[1] == 0xff &&
	    (!have_enc || t->enc == ENC_UTF16LE || t->enc == ENC_UTF16BE)) {
		t->enc = ENC_UTF16BE;
		skip = 2;
	} else if (!have_enc) {
		bad = scan_utf8(&t->src, 0, t->raw);
		if (bad < 0)
			return text_fail(t, err, errlen,
			    "cannot read the"
			    " file",
			    0);
		if (bad == 0)
			t->enc = ENC_UTF8;
		else {
			bad2 = scan_iconv(&t->src, 0, "GB18030", t->raw);
			if (bad2 < 0)
				return text_fail(t, err, errlen,
				    "cannot read"
				    " the file",
				    0);
			if (bad2 > 0)
				return text_fail(t, err, errlen,
				    "line %ld"
				    " cannot be read: it is neither UTF-8 nor"
				    " GB18030 (GBK) text; save the file from"
				    " Excel as \"CSV UTF-8\" or pass --encoding"
				    " utf-8|gb18030|utf-16",
				    bad > bad2 ? bad : bad2);
			t->enc = ENC_GB18030;
		}
	}
	if (src_rewind(&t->src, skip) < 0)
		return text_fail(t, err, errlen, "cannot read the file", 0);
	if (t->enc != ENC_UTF8 &&
	    (t->cd = iconv_open("UTF-8", enc_iconv[t->enc])) == (iconv_t)-1)
		return text_fail(t, err, errlen,
		    "cannot decode this encoding"
		    " here (iconv)",
		    0);
	sep = text_separator(t);
	if ((t->csv = csv_new(text_read, t)) == NULL)
		return text_fail(t, err, errlen, "out of memory", 0);
	csv_set_delim(t->csv, sep);
	snprintf(t->label, sizeof t->label, "%s (%s)",
	    sep == '\t' ? "tab-separated text" : "CSV", enc_label[t->enc]);
	t->base.format = t->label;
	return &t->base;
}
