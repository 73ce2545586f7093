/*
 * sheet_xlsx.c - the .xlsx reader of sheet.h.
 *
 * minizip opens the zip (a path, or memory through minizip's I/O
 * callbacks) and expat parses its parts: xl/workbook.xml (the sheets in
 * order, their r:id, the date system), xl/_rels/workbook.xml.rels (where
 * each sheet's part is), xl/styles.xml (which cell styles are dates) and
 * xl/sharedStrings.xml, then the chosen worksheet, fed to expat a chunk
 * at a time and suspended at each </row>: a sheet of any length is read
 * one row at a time.
 *
 * Everything a hostile file could make large is bounded (XLSX_MAX_*): the
 * sheets, the styles, the shared strings (count and bytes), a cell's
 * text, a row's cells and bytes, an XML token.  Only the shared strings
 * grow with the sheet (Excel keeps every distinct text there, once), up
 * to XLSX_MAX_SST_BYTES; the worksheet itself is never held whole.
 *
 * Text is taken as stored in <t>, with or without xml:space="preserve"
 * (expat hands over all of it; the caller trims values), with the
 * _xHHHH_ escapes of OOXML decoded; phonetic runs (<rPh>) are not text.
 */
#include <ctype.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unzip.h>

#include "sbuf.h"
#include "sheet_impl.h"
#include "sheet_num.h"

#define XLSX_CHUNK 65536
#define XLSX_MAX_SHEETS 4096
#define XLSX_MAX_NAME 1024        /* a sheet name, an r:id, a path */
#define XLSX_MAX_TEXT (32767 * 4) /* bytes; and 32,767 characters */
#define XLSX_MAX_SST (1u << 23)   /* distinct texts */
#define XLSX_MAX_SST_BYTES (256u << 20)
#define XLSX_MAX_XF 65536
#define XLSX_MAX_NUMFMT 4096
#define XLSX_MAX_COLS 16384 /* A to XFD */
#define XLSX_MAX_ROWNUM 1048576
#define XLSX_MAX_ROW_BYTES (16u << 20)
#define XLSX_MAX_TOKEN (8 << 20) /* bytes of XML between events */

#define NS_SEP ' '
#define NOCELL SIZE_MAX

enum ctype { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D };

struct memsrc {
	const unsigned char *data;
	size_t len, pos;
};

struct wsheet {
	char *name;
	char *rid;
	char *target; /* from the rels */
	int hidden;   /* state="hidden" or "veryHidden" */
	int other;    /* a chart, dialog or macro sheet */
};

struct numfmt {
	long id;
	int date;
};

struct xlsx {
	struct sheet s;
	unzFile zf;
	struct memsrc mem;
	zlib_filefunc64_def ff;
	char *label; /* path, or "upload", for messages */
	int date1904;
	int part_open;

	/* the part being parsed */
	XML_Parser cur;
	const char *part;
	char perr[256]; /* why a handler stopped the parse */
	long long fed, seen;

	/* workbook.xml and its rels */
	struct wsheet *sheets;
	size_t nsheets;
	size_t nrels;
	char *sst_target, *styles_target;

	/* styles.xml */
	struct numfmt *fmts;
	size_t nfmts;
	long *xf_fmt;
	size_t nxf;
	unsigned char *xf_date;
	int in_numfmts, in_cellxfs;

	/* sharedStrings.xml */
	char *sst;
	size_t sst_len, sst_cap;
	uint32_t *sst_off;
	size_t nsst, sst_offcap;
	int in_si, in_t, rph;
	size_t si_start, si_chars;

	/* the worksheet */
	XML_Parser p;
	int in_sd, in_row, in_c, in_v, in_is, row_r;
	int suspended, eof, done, row_ready;
	long rownum, lastrow, col_next, col;
	enum ctype ct;
	long style;
	int has_v, vlong;
	char *val;
	size_t vlen, vcap, vchars;
	char *ar; /* the row's text */
	size_t alen, acap;
	size_t *coff; /* offset of each cell's text in ar */
	unsigned char *ctypes;
	char **cells;
	size_t ncells, ccap;
	char rerr[256]; /* the row's first error */
	char wsname[XLSX_MAX_NAME + 8];
};

/* minizip over memory */

static voidpf ZCALLBACK
mem_open(voidpf opaque, const void *name, int mode)
{
	struct memsrc *m = opaque;

	(void)name;
	if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) !=
	    ZLIB_FILEFUNC_MODE_READ)
		return NULL;
	m->pos = 0;
	return m;
}

static uLong ZCALLBACK
mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	struct memsrc *m = stream;
	size_t n = m->len - m->pos;

	(void)opaque;
	if (n > size)
		n = size;
	if (n > 0)
		memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong ZCALLBACK
mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0;
}

static ZPOS64_T ZCALLBACK
mem_tell(voidpf opaque, voidpf stream)
{
	struct memsrc *m = stream;

	(void)opaque;
	return m->pos;
}

static long ZCALLBACK
mem_seek(voidpf opaque, voidpf stream, ZPOS64_T off, int origin)
{
	struct memsrc *m = stream;
	size_t base;

	(void)opaque;
	switch (origin) {
	case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
	case ZLIB_FILEFUNC_SEEK_CUR: base = m->pos; break;
	case ZLIB_FILEFUNC_SEEK_END: base = m->len; break;
	default: return -1;
	}
	if (off > m->len - base)
		return -1;
	m->pos = base + (size_t)off;
	return 0;
}

static int ZCALLBACK
mem_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK
mem_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

/* helpers */

static const char *
lname(const char *name)
{
	const char *p = strrchr(name, NS_SEP);

	return p != NULL ? p + 1 : name;
}

/* Attribute name's value; ns: only a namespaced one (r:id). */
static const char *
attr(const XML_Char **a, const char *name, int ns)
{
	const char *sep;

	for (; a[0] != NULL; a += 2) {
		sep = strrchr(a[0], NS_SEP);
		if (strcmp(sep != NULL ? sep + 1 : a[0], name) == 0 &&
		    (!ns || sep != NULL))
			return a[1];
	}
	return NULL;
}

static char *
dup_bounded(const char *s)
{
	return s != NULL && strlen(s) <= XLSX_MAX_NAME ? xstrdup(s) : NULL;
}

/* Stop the part's parse with a reason (the first one is kept). */
static void __attribute__((format(printf, 2, 3)))
part_fail(struct xlsx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->perr[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(x->perr, sizeof x->perr, fmt, ap);
		va_end(ap);
		if (x->perr[0] == '\0')
			strcpy(x->perr, "?");
	}
	XML_StopParser(x->cur, XML_FALSE);
}

static void
seen(struct xlsx *x)
{
	x->seen = XML_GetCurrentByteIndex(x->cur);
}

static void XMLCALL
on_other(void *ud, const XML_Char *a, const XML_Char *b)
{
	(void)a;
	(void)b;
	seen(ud);
}

static void XMLCALL
on_comment(void *ud, const XML_Char *c)
{
	(void)c;
	seen(ud);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	part_fail(ud, "%s has a DTD, which no spreadsheet writes",
	    ((struct xlsx *)ud)->part);
}

static void __attribute__((format(printf, 4, 5)))
damaged(struct xlsx *x, char *err, size_t errlen, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(err, errlen,
	    "%s: the file is not a readable xlsx workbook: "
	    "%s; open it in Excel/WPS and save it again as .xlsx",
	    x->label, why);
}

static XML_Parser
new_parser(struct xlsx *x, const char *part, XML_StartElementHandler st,
    XML_EndElementHandler en, XML_CharacterDataHandler ch)
{
	XML_Parser p;

	p = XML_ParserCreateNS(NULL, NS_SEP);
	if (p == NULL)
		return NULL;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, st, en);
	XML_SetCharacterDataHandler(p, ch);
	XML_SetCommentHandler(p, on_comment);
	XML_SetProcessingInstructionHandler(p, on_other);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	x->cur = p;
	x->part = part;
	x->perr[0] = '\0';
	x->fed = x->seen = 0;
	return p;
}

/*
 * Make the current zip entry name readable.  Returns 0, 1 when there is
 * no such entry, -1 with err set.
 */
static int
open_entry(struct xlsx *x, const char *name, char *err, size_t errlen)
{
	unz_file_info64 fi;
	int rc;

	if (unzLocateFile(x->zf, name, 2) != UNZ_OK)
		return 1;
	if (unzGetCurrentFileInfo64(x->zf, &fi, NULL, 0, NULL, 0, NULL, 0) !=
	    UNZ_OK) {
		damaged(x, err, errlen, "its entry %s is damaged", name);
		return -1;
	}
	if (fi.flag & 1) {
		snprintf(err, errlen,
		    "%s: the workbook is encrypted (%s); "
		    "open it in Excel/WPS, remove the password and save it "
		    "again as .xlsx",
		    x->label, name);
		return -1;
	}
	rc = unzOpenCurrentFile(x->zf);
	if (rc != UNZ_OK) {
		damaged(x, err, errlen,
		    "its entry %s cannot be unpacked "
		    "(zip error %d)",
		    name, rc);
		return -1;
	}
	x->part_open = 1;
	return 0;
}

static int
close_entry(struct xlsx *x)
{
	x->part_open = 0;
	return unzCloseCurrentFile(x->zf);
}

/* After a parse error: the reason in why. */
static void
xml_reason(struct xlsx *x, XML_Parser p, char *why, size_t n)
{
	if (x->perr[0] != '\0')
		snprintf(why, n, "%s", x->perr);
	else
		snprintf(why, n, "%s line %lu: %s", x->part,
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    XML_ErrorString(XML_GetErrorCode(p)));
}

/*
 * Parse part name whole with the handlers.  Returns 0, 1 when the part
 * is absent and not required, -1 with err set.
 */
static int
parse_part(struct xlsx *x, const char *name, int required,
    XML_StartElementHandler st, XML_EndElementHandler en,
    XML_CharacterDataHandler ch, char *err, size_t errlen)
{
	char why[400];
	XML_Parser p;
	void *buf;
	int n, rc;

	rc = open_entry(x, name, err, errlen);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (!required)
			return 1;
		damaged(x, err, errlen, "it has no %s", name);
		return -1;
	}
	p = new_parser(x, name, st, en, ch);
	if (p == NULL) {
		close_entry(x);
		snprintf(err, errlen, "%s: out of memory", x->label);
		return -1;
	}
	for (;;) {
		buf = XML_GetBuffer(p, XLSX_CHUNK);
		if (buf == NULL) {
			snprintf(why, sizeof why, "%s: out of memory", name);
			goto fail;
		}
		n = unzReadCurrentFile(x->zf, buf, XLSX_CHUNK);
		if (n < 0) {
			snprintf(why, sizeof why,
			    "%s is damaged (zip error "
			    "%d)",
			    name, n);
			goto fail;
		}
		x->fed += n;
		if (XML_ParseBuffer(p, n, n == 0) != XML_STATUS_OK) {
			xml_reason(x, p, why, sizeof why);
			goto fail;
		}
		if (x->fed - x->seen > XLSX_MAX_TOKEN) {
			snprintf(why, sizeof why,
			    "%s has an XML token longer "
			    "than %d bytes",
			    name, XLSX_MAX_TOKEN);
			goto fail;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(p);
	x->cur = NULL;
	if (close_entry(x) != UNZ_OK) {
		damaged(x, err, errlen, "%s fails its checksum", name);
		return -1;
	}
	return 0;
fail:
	XML_ParserFree(p);
	x->cur = NULL;
	close_entry(x);
	damaged(x, err, errlen, "%s", why);
	return -1;
}

/* workbook.xml */

static void XMLCALL
wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx *x = ud;
	const char *l = lname(name), *v;
	struct wsheet *w;

	seen(x);
	if (x->perr[0] != '\0')
		return;
	if (strcmp(l, "workbookPr") == 0) {
		v = attr(a, "date1904", 0);
		x->date1904 = v != NULL &&
		    (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
	} else if (strcmp(l, "sheet") == 0) {
		if (x->nsheets >= XLSX_MAX_SHEETS) {
			part_fail(x, "it has more than %d sheets",
			    XLSX_MAX_SHEETS);
			return;
		}
		x->sheets =
		    xrealloc(x->sheets, (x->nsheets + 1) * sizeof *x->sheets);
		w = &x->sheets[x->nsheets++];
		w->name = dup_bounded(attr(a, "name", 0));
		w->rid = dup_bounded(attr(a, "id", 1));
		w->target = NULL;
		v = attr(a, "state", 0);
		w->hidden = v != NULL &&
		    (strcmp(v, "hidden") == 0 || strcmp(v, "veryHidden") == 0);
		w->other = 0;
		if (w->name == NULL)
			w->name = xstrdup("");
	}
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	(void)name;
	seen(ud);
}

static void XMLCALL
no_chars(void *ud, const XML_Char *s, int len)
{
	(void)s;
	(void)len;
	seen(ud);
}

/* workbook.xml.rels */

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx *x = ud;
	const char *id, *type, *target, *mode;
	struct wsheet *w;
	size_t i;

	seen(x);
	if (x->perr[0] != '\0' || strcmp(lname(name), "Relationship") != 0)
		return;
	if (++x->nrels > 2 * XLSX_MAX_SHEETS + 64) {
		part_fail(x, "it has more than %d relationships",
		    2 * XLSX_MAX_SHEETS + 64);
		return;
	}
	id = attr(a, "Id", 0);
	type = attr(a, "Type", 0);
	target = attr(a, "Target", 0);
	mode = attr(a, "TargetMode", 0);
	if (target == NULL || (mode != NULL && strcmp(mode, "External") == 0))
		return;
	for (i = 0; id != NULL && i < x->nsheets; i++) {
		w = &x->sheets[i];
		if (w->rid == NULL || w->target != NULL ||
		    strcmp(w->rid, id) != 0)
			continue;
		w->target = dup_bounded(target);
		w->other = type != NULL &&
		    (ends_with(type, "/chartsheet") ||
			ends_with(type, "/dialogsheet") ||
			ends_with(type, "/xlMacrosheet"));
	}
	if (type != NULL && ends_with(type, "/sharedStrings") &&
	    x->sst_target == NULL)
		x->sst_target = dup_bounded(target);
	if (type != NULL && ends_with(type, "/styles") &&
	    x->styles_target == NULL)
		x->styles_target = dup_bounded(target);
}

/*
 * The zip entry of a relationship target: relative to xl/ (the
 * workbook's folder) unless it starts with '/'; "." and ".." resolved.
 * Returns 0, -1 when it leaves the archive or is too long.
 */
static int
resolve(const char *target, char *out, size_t outlen)
{
	char tmp[XLSX_MAX_NAME + 8];
	size_t segs[XLSX_MAX_NAME], nseg = 0, n = 0, len;
	const char *p = target, *e;

	if (*p == '/')
		p++;
	else {
		memcpy(tmp, "xl", 2);
		n = 2;
		segs[nseg++] = 0;
	}
	while (*p != '\0') {
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg == 0)
				return -1;
			n = segs[--nseg];
			if (n > 0)
				n--; /* the '/' before it */
		} else {
			if (n + len + 2 > sizeof tmp)
				return -1;
			if (n > 0)
				tmp[n++] = '/';
			segs[nseg++] = n;
			memcpy(tmp + n, p, len);
			n += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	tmp[n] = '\0';
	if (n == 0 || n + 1 > outlen)
		return -1;
	memcpy(out, tmp, n + 1);
	return 0;
}

/* styles.xml */

static void XMLCALL
st_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx *x = ud;
	const char *l = lname(name), *v, *code;

	seen(x);
	if (x->perr[0] != '\0')
		return;
	if (strcmp(l, "numFmts") == 0)
		x->in_numfmts = 1;
	else if (strcmp(l, "cellXfs") == 0)
		x->in_cellxfs = 1;
	else if (strcmp(l, "numFmt") == 0 && x->in_numfmts) {
		v = attr(a, "numFmtId", 0);
		code = attr(a, "formatCode", 0);
		if (v == NULL || code == NULL)
			return;
		if (x->nfmts >= XLSX_MAX_NUMFMT) {
			part_fail(x, "it has more than %d number formats",
			    XLSX_MAX_NUMFMT);
			return;
		}
		x->fmts = xrealloc(x->fmts, (x->nfmts + 1) * sizeof *x->fmts);
		x->fmts[x->nfmts].id = strtol(v, NULL, 10);
		x->fmts[x->nfmts].date = sheet_num_code_is_date(code);
		x->nfmts++;
	} else if (strcmp(l, "xf") == 0 && x->in_cellxfs) {
		if (x->nxf >= XLSX_MAX_XF) {
			part_fail(x, "it has more than %d cell styles",
			    XLSX_MAX_XF);
			return;
		}
		if ((x->nxf & (x->nxf - 1)) == 0) /* 0, 1, 2, 4, ... */
			x->xf_fmt = xrealloc(x->xf_fmt,
			    (x->nxf ? 2 * x->nxf : 1) * sizeof *x->xf_fmt);
		v = attr(a, "numFmtId", 0);
		x->xf_fmt[x->nxf++] = v != NULL ? strtol(v, NULL, 10) : 0;
	}
}

static void XMLCALL
st_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = lname(name);

	seen(x);
	if (strcmp(l, "numFmts") == 0)
		x->in_numfmts = 0;
	else if (strcmp(l, "cellXfs") == 0)
		x->in_cellxfs = 0;
}

static void
styles_done(struct xlsx *x)
{
	size_t i, j;
	int d;

	x->xf_date = xcalloc(x->nxf ? x->nxf : 1, 1);
	for (i = 0; i < x->nxf; i++) {
		d = sheet_num_builtin_is_date(x->xf_fmt[i]);
		for (j = 0; j < x->nfmts; j++)
			if (x->fmts[j].id == x->xf_fmt[i])
				d = x->fmts[j].date;
		x->xf_date[i] = (unsigned char)d;
	}
}

/* sharedStrings.xml */

/* The characters (not bytes) in UTF-8 s[0..n). */
static size_t
nchars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/*
 * Decode OOXML's _xHHHH_ escapes (a UTF-16 unit each) in s[0..n) in
 * place; a NUL or a lone surrogate is dropped.  Returns the new length.
 */
static size_t
unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;
	unsigned long c, lo;
	int k;

	while (i < n) {
		c = 0;
		if (s[i] == '_' && i + 7 <= n && s[i + 1] == 'x' &&
		    s[i + 6] == '_') {
			for (k = 2; k < 6; k++) {
				if (!isxdigit((unsigned char)s[i + k]))
					break;
				c = c * 16 +
				    (unsigned long)(isdigit((unsigned char)
							    s[i + k]) ?
					    s[i + k] - '0' :
					    (tolower((unsigned char)s[i + k]) -
						'a' + 10));
			}
			if (k < 6)
				goto plain;
			i += 7;
			if (c >= 0xd800 && c <= 0xdbff && i + 7 <= n &&
			    s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
				lo = strtoul((char[5]){ s[i + 2], s[i + 3],
						 s[i + 4], s[i + 5], 0 },
				    NULL, 16);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 7;
				}
			}
			if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
				continue;
			if (c < 0x80)
				s[o++] = (char)c;
			else if (c < 0x800) {
				s[o++] = (char)(0xc0 | (c >> 6));
				s[o++] = (char)(0x80 | (c & 0x3f));
			} else if (c < 0x10000) {
				s[o++] = (char)(0xe0 | (c >> 12));
				s[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
				s[o++] = (char)(0x80 | (c & 0x3f));
			} else {
				s[o++] = (char)(0xf0 | (c >> 18));
				s[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
				s[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
				s[o++] = (char)(0x80 | (c & 0x3f));
			}
			continue;
		}
	plain:
		s[o++] = s[i++];
	}
	return o;
}

static void
sst_add(struct xlsx *x, const char *s, size_t n)
{
	size_t cap;

	x->si_chars += nchars(s, n);
	if (x->sst_len - x->si_start + n > XLSX_MAX_TEXT ||
	    x->si_chars > 32767) {
		part_fail(x,
		    "shared text %zu is longer than 32,767 "
		    "characters",
		    x->nsst + 1);
		return;
	}
	if (x->sst_len + n + 1 > XLSX_MAX_SST_BYTES) {
		part_fail(x, "its shared texts are more than %u MiB",
		    XLSX_MAX_SST_BYTES >> 20);
		return;
	}
	if (x->sst_len + n + 1 > x->sst_cap) {
		cap = x->sst_cap ? x->sst_cap : 65536;
		while (cap < x->sst_len + n + 1)
			cap *= 2;
		x->sst = xrealloc(x->sst, cap);
		x->sst_cap = cap;
	}
	memcpy(x->sst + x->sst_len, s, n);
	x->sst_len += n;
}

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx *x = ud;
	const char *l = lname(name);

	(void)a;
	seen(x);
	if (x->perr[0] != '\0')
		return;
	if (strcmp(l, "si") == 0) {
		x->in_si = 1;
		x->rph = 0;
		x->si_start = x->sst_len;
		x->si_chars = 0;
	} else if (x->in_si && strcmp(l, "rPh") == 0)
		x->rph++;
	else if (x->in_si && x->rph == 0 && strcmp(l, "t") == 0)
		x->in_t = 1;
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = lname(name);
	size_t n;

	seen(x);
	if (x->perr[0] != '\0')
		return;
	if (strcmp(l, "t") == 0)
		x->in_t = 0;
	else if (strcmp(l, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(l, "si") == 0 && x->in_si) {
		x->in_si = 0;
		if (x->nsst >= XLSX_MAX_SST) {
			part_fail(x, "it has more than %u distinct texts",
			    XLSX_MAX_SST);
			return;
		}
		sst_add(x, "", 0); /* room for the NUL */
		if (x->perr[0] != '\0')
			return;
		n = unescape(x->sst + x->si_start, x->sst_len - x->si_start);
		x->sst_len = x->si_start + n;
		x->sst[x->sst_len++] = '\0';
		if (x->nsst >= x->sst_offcap) {
			x->sst_offcap =
			    x->sst_offcap ? 2 * x->sst_offcap : 1024;
			x->sst_off = xrealloc(x->sst_off,
			    x->sst_offcap * sizeof *x->sst_off);
		}
		x->sst_off[x->nsst++] = (uint32_t)x->si_start;
	}
}

static void XMLCALL
sst_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	seen(x);
	if (x->perr[0] == '\0' && x->in_si && x->in_t && x->rph == 0)
		sst_add(x, s, (size_t)len);
}

/* the worksheet */

static void __attribute__((format(printf, 2, 3)))
row_error(struct xlsx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->rerr[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(x->rerr, sizeof x->rerr, fmt, ap);
	va_end(ap);
	if (x->rerr[0] == '\0')
		strcpy(x->rerr, "?");
}

/* "A1"-style name of column col (0-based) of the current row. */
static const char *
ref(const struct xlsx *x, long col, char *buf)
{
	char l[4];
	int n = 0, i;
	long c = col + 1;

	while (c > 0 && n < 3) {
		l[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (i = 0; i < n; i++)
		buf[i] = l[n - 1 - i];
	snprintf(buf + n, 16, "%ld", x->rownum);
	return buf;
}

/* Parse "C7": column (0-based) and row (0 when absent); -1 if not a cell. */
static int
parse_ref(const char *r, long *col, long *row)
{
	long c = 0, rw = 0;
	int nl = 0, nd = 0;

	for (; isalpha((unsigned char)*r); r++) {
		if (++nl > 3)
			return -1;
		c = c * 26 + (toupper((unsigned char)*r) - 'A' + 1);
	}
	for (; isdigit((unsigned char)*r); r++) {
		if (++nd > 7)
			return -1;
		rw = rw * 10 + (*r - '0');
	}
	if (*r != '\0' || nl == 0 || c > XLSX_MAX_COLS ||
	    (nd > 0 && (rw < 1 || rw > XLSX_MAX_ROWNUM)))
		return -1;
	*col = c - 1;
	*row = rw;
	return 0;
}

static void
cell_store(struct xlsx *x, long col, enum sheet_type t, const char *s)
{
	size_t n = strlen(s), i, cap;

	if (t == SHEET_EMPTY || n == 0) {
		if ((size_t)col >= x->ncells)
			return; /* trailing empties are not kept */
		t = SHEET_EMPTY;
	}
	if ((size_t)col >= x->ccap) {
		cap = x->ccap ? x->ccap : 16;
		while (cap <= (size_t)col)
			cap *= 2;
		x->coff = xrealloc(x->coff, cap * sizeof *x->coff);
		x->ctypes = xrealloc(x->ctypes, cap);
		x->cells = xrealloc(x->cells, cap * sizeof *x->cells);
		x->ccap = cap;
	}
	for (i = x->ncells; i <= (size_t)col; i++) {
		x->coff[i] = NOCELL;
		x->ctypes[i] = SHEET_EMPTY;
	}
	if ((size_t)col >= x->ncells)
		x->ncells = (size_t)col + 1;
	if (t == SHEET_EMPTY) {
		x->coff[col] = NOCELL;
		x->ctypes[col] = SHEET_EMPTY;
		return;
	}
	if (x->alen + n + 1 > XLSX_MAX_ROW_BYTES) {
		row_error(x, "the row holds more than %u MiB of text",
		    XLSX_MAX_ROW_BYTES >> 20);
		return;
	}
	if (x->alen + n + 1 > x->acap) {
		cap = x->acap ? x->acap : 4096;
		while (cap < x->alen + n + 1)
			cap *= 2;
		x->ar = xrealloc(x->ar, cap);
		x->acap = cap;
	}
	memcpy(x->ar + x->alen, s, n + 1);
	x->coff[col] = x->alen;
	x->ctypes[col] = (unsigned char)t;
	x->alen += n + 1;
}

static void
val_add(struct xlsx *x, const char *s, size_t n)
{
	size_t cap;

	if (x->vlong)
		return;
	x->vchars += nchars(s, n);
	if (x->vlen + n > XLSX_MAX_TEXT || x->vchars > 32767) {
		x->vlong = 1;
		return;
	}
	if (x->vlen + n + 1 > x->vcap) {
		cap = x->vcap ? x->vcap : 256;
		while (cap < x->vlen + n + 1)
			cap *= 2;
		x->val = xrealloc(x->val, cap);
		x->vcap = cap;
	}
	memcpy(x->val + x->vlen, s, n);
	x->vlen += n;
	x->val[x->vlen] = '\0';
}

/* Is s (trimmed) "YYYY-MM-DD..."?  t="d" cells hold ISO 8601 dates. */
static int
iso_date(const char *s)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
				       !isdigit((unsigned char)s[i]))
			return 0;
	return s[10] == '\0' || s[10] == 'T' || s[10] == ' ';
}

static void
cell_done(struct xlsx *x)
{
	char buf[SHEET_NUM_MAX], r[24], *end;
	const char *v = x->has_v || x->ct == CT_INLINE ? x->val : "";
	unsigned long idx;
	double d;

	if (x->vlen == 0)
		v = "";
	if (x->vlong) {
		row_error(x,
		    "cell %s: its text is longer than 32,767 "
		    "characters",
		    ref(x, x->col, r));
		return;
	}
	switch (x->ct) {
	case CT_S:
		if (*v == '\0')
			return;
		idx = strtoul(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end != '\0' ||
		    idx >= x->nsst) {
			row_error(x,
			    "cell %s: it refers to shared text '%.20s',"
			    " which the workbook does not have (the file is "
			    "damaged; save it again in Excel/WPS)",
			    ref(x, x->col, r), v);
			return;
		}
		cell_store(x, x->col, SHEET_TEXT, x->sst + x->sst_off[idx]);
		return;
	case CT_INLINE:
	case CT_STR:
		x->vlen = unescape(x->val ? x->val : buf, x->vlen);
		if (x->vlen == 0)
			return;
		x->val[x->vlen] = '\0';
		cell_store(x, x->col, SHEET_TEXT, x->val);
		return;
	case CT_B:
		if (*v == '\0')
			return;
		if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0)
			cell_store(x, x->col, SHEET_BOOL, "TRUE");
		else if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0)
			cell_store(x, x->col, SHEET_BOOL, "FALSE");
		else
			row_error(x, "cell %s: '%.20s' is not TRUE or FALSE",
			    ref(x, x->col, r), v);
		return;
	case CT_E:
		if (*v != '\0')
			cell_store(x, x->col, SHEET_ERROR, v);
		return;
	case CT_D:
		while (*v == ' ')
			v++;
		if (*v == '\0')
			return;
		if (iso_date(v)) {
			memcpy(buf, v, 10);
			buf[10] = '\0';
			cell_store(x, x->col, SHEET_DATE, buf);
		} else
			cell_store(x, x->col, SHEET_TEXT, v);
		return;
	case CT_N: break;
	}
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	if (*v == '\0')
		return;
	d = strtod(v, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == v || *end != '\0' || sheet_num_format(d, buf) < 0) {
		row_error(x,
		    "cell %s: '%.20s' is not a number (the file is "
		    "damaged; save it again in Excel/WPS)",
		    ref(x, x->col, r), v);
		return;
	}
	if (x->style >= 0 && (size_t)x->style < x->nxf &&
	    x->xf_date[x->style] &&
	    sheet_num_serial_date(d, x->date1904, buf) == 0) {
		cell_store(x, x->col, SHEET_DATE, buf);
		return;
	}
	sheet_num_format(d, buf);
	cell_store(x, x->col, SHEET_NUMBER, buf);
}

static void XMLCALL
ws_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx *x = ud;
	const char *l = lname(name), *v;
	long col, row;

	seen(x);
	if (x->perr[0] != '\0')
		return;
	if (strcmp(l, "sheetData") == 0) {
		x->in_sd = 1;
	} else if (!x->in_sd) {
		return;
	} else if (strcmp(l, "row") == 0) {
		x->in_row = 1;
		x->ncells = 0;
		x->alen = 0;
		x->rerr[0] = '\0';
		x->col_next = 0;
		x->rownum = x->lastrow + 1;
		x->row_r = 0;
		v = attr(a, "r", 0);
		if (v != NULL) {
			row = strtol(v, NULL, 10);
			if (row >= 1 && row <= XLSX_MAX_ROWNUM) {
				x->rownum = row;
				x->row_r = 1;
			} else
				row_error(x,
				    "its row number '%.20s' is not a "
				    "number from 1 to %d",
				    v, XLSX_MAX_ROWNUM);
		}
	} else if (strcmp(l, "c") == 0 && x->in_row) {
		x->in_c = 1;
		x->has_v = 0;
		x->vlen = x->vchars = 0;
		x->vlong = 0;
		x->col = x->col_next;
		v = attr(a, "r", 0);
		if (v != NULL) {
			if (parse_ref(v, &col, &row) < 0) {
				row_error(x,
				    "'%.20s' is not a cell "
				    "(A1 to XFD%d)",
				    v, XLSX_MAX_ROWNUM);
				x->col = -1;
			} else {
				x->col = col;
				if (!x->row_r && row > 0) {
					x->rownum = row;
					x->row_r = 1;
				}
			}
		}
		if (x->col >= XLSX_MAX_COLS) {
			row_error(x, "it has cells beyond column XFD");
			x->col = -1;
		}
		v = attr(a, "t", 0);
		x->ct = CT_N;
		if (v == NULL || strcmp(v, "n") == 0)
			x->ct = CT_N;
		else if (strcmp(v, "s") == 0)
			x->ct = CT_S;
		else if (strcmp(v, "str") == 0)
			x->ct = CT_STR;
		else if (strcmp(v, "inlineStr") == 0)
			x->ct = CT_INLINE;
		else if (strcmp(v, "b") == 0)
			x->ct = CT_B;
		else if (strcmp(v, "e") == 0)
			x->ct = CT_E;
		else if (strcmp(v, "d") == 0)
			x->ct = CT_D;
		v = attr(a, "s", 0);
		x->style = v != NULL ? strtol(v, NULL, 10) : 0;
	} else if (!x->in_c) {
		return;
	} else if (strcmp(l, "v") == 0) {
		x->in_v = 1;
		x->has_v = 1;
		if (x->ct != CT_INLINE)
			x->vlen = x->vchars = 0;
	} else if (strcmp(l, "is") == 0) {
		x->in_is = 1;
		x->rph = 0;
	} else if (x->in_is && strcmp(l, "rPh") == 0) {
		x->rph++;
	} else if (x->in_is && x->rph == 0 && strcmp(l, "t") == 0) {
		x->in_t = 1;
	}
}

static void XMLCALL
ws_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *l = lname(name);

	seen(x);
	if (x->perr[0] != '\0' || !x->in_sd)
		return;
	if (strcmp(l, "sheetData") == 0) {
		x->in_sd = 0;
	} else if (strcmp(l, "row") == 0 && x->in_row) {
		x->in_row = 0;
		x->in_c = 0;
		x->lastrow = x->rownum;
		x->row_ready = 1;
		XML_StopParser(x->cur, XML_TRUE);
	} else if (!x->in_c) {
		return;
	} else if (strcmp(l, "c") == 0) {
		x->in_c = x->in_v = x->in_is = x->in_t = 0;
		if (x->col >= 0) {
			cell_done(x);
			x->col_next = x->col + 1;
		}
	} else if (strcmp(l, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(l, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(l, "rPh") == 0 && x->rph > 0) {
		x->rph--;
	} else if (strcmp(l, "t") == 0) {
		x->in_t = 0;
	}
}

static void XMLCALL
ws_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	seen(x);
	if (x->perr[0] != '\0' || !x->in_c)
		return;
	if (x->ct == CT_INLINE ? x->in_is && x->in_t && x->rph == 0 : x->in_v)
		val_add(x, s, (size_t)len);
}

/* A fatal error in the worksheet: the reader stops. */
static int
ws_fatal(struct xlsx *x, char *err, size_t errlen, const char *why)
{
	x->s.fatal = 1;
	x->done = 1;
	snprintf(err, errlen,
	    "line %ld: the file is not a readable xlsx "
	    "workbook: %s; open it in Excel/WPS and save it again as .xlsx",
	    x->lastrow + 1, why);
	return -1;
}

static int
publish(struct xlsx *x, char *err, size_t errlen)
{
	size_t i, n = x->ncells;

	while (n > 0 && x->ctypes[n - 1] == SHEET_EMPTY)
		n--;
	for (i = 0; i < n; i++)
		x->cells[i] =
		    x->coff[i] == NOCELL ? (char *)"" : x->ar + x->coff[i];
	x->s.ncells = n;
	x->s.cells = x->cells;
	x->s.types = x->ctypes;
	x->s.row = x->rownum;
	if (x->rerr[0] != '\0') {
		snprintf(err, errlen, "line %ld: %s", x->rownum, x->rerr);
		return -1;
	}
	return 1;
}

static int
xlsx_next(sheet *s, char *err, size_t errlen)
{
	struct xlsx *x = (struct xlsx *)s;
	char why[400];
	enum XML_Status st;
	void *buf;
	int n;

	for (;;) {
		if (x->done)
			return 0;
		if (x->suspended) {
			x->suspended = 0;
			st = XML_ResumeParser(x->p);
		} else if (x->eof) {
			x->done = 1;
			if (close_entry(x) != UNZ_OK) {
				snprintf(why, sizeof why,
				    "%s fails its "
				    "checksum",
				    x->part);
				return ws_fatal(x, err, errlen, why);
			}
			return 0;
		} else {
			buf = XML_GetBuffer(x->p, XLSX_CHUNK);
			if (buf == NULL)
				return ws_fatal(x, err, errlen,
				    "out of memory");
			n = unzReadCurrentFile(x->zf, buf, XLSX_CHUNK);
			if (n < 0) {
				snprintf(why, sizeof why,
				    "%s is damaged "
				    "(zip error %d)",
				    x->part, n);
				return ws_fatal(x, err, errlen, why);
			}
			x->fed += n;
			if (n == 0)
				x->eof = 1;
			st = XML_ParseBuffer(x->p, n, n == 0);
		}
		if (st == XML_STATUS_ERROR) {
			xml_reason(x, x->p, why, sizeof why);
			return ws_fatal(x, err, errlen, why);
		}
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = 1;
		else if (x->fed - x->seen > XLSX_MAX_TOKEN) {
			snprintf(why, sizeof why,
			    "%s has an XML token longer "
			    "than %d bytes",
			    x->part, XLSX_MAX_TOKEN);
			return ws_fatal(x, err, errlen, why);
		}
		if (x->row_ready) {
			x->row_ready = 0;
			return publish(x, err, errlen);
		}
	}
}

static void
xlsx_destroy(sheet *s)
{
	struct xlsx *x = (struct xlsx *)s;
	size_t i;

	if (x->p != NULL)
		XML_ParserFree(x->p);
	if (x->zf != NULL) {
		if (x->part_open)
			unzCloseCurrentFile(x->zf);
		unzClose(x->zf);
	}
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
		free(x->sheets[i].target);
	}
	free(x->sheets);
	free(x->sst_target);
	free(x->styles_target);
	free(x->fmts);
	free(x->xf_fmt);
	free(x->xf_date);
	free(x->sst);
	free(x->sst_off);
	free(x->val);
	free(x->ar);
	free(x->coff);
	free(x->ctypes);
	free(x->cells);
	free(x->label);
	free(x);
}

/*
 * The sheet that o->sheet names: a name (exactly, else ignoring ASCII
 * case), else a 1-based number (hidden sheets counted, as Excel counts
 * them).  Without a name, the first worksheet that is not hidden (not a
 * chart sheet, nor a hidden sheet of settings).  Returns its index, or
 * -1 with err listing the sheets.
 */
static long
pick_sheet(struct xlsx *x, const char *want, char *err, size_t errlen)
{
	sbuf b;
	size_t i;
	char *end;
	long n;

	if (want == NULL) {
		for (i = 0; i < x->nsheets; i++)
			if (!x->sheets[i].hidden && !x->sheets[i].other &&
			    x->sheets[i].target != NULL)
				return (long)i;
		return 0;
	}
	for (i = 0; i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, want) == 0)
			return (long)i;
	for (i = 0; i < x->nsheets; i++)
		if (strcasecmp(x->sheets[i].name, want) == 0)
			return (long)i;
	n = strtol(want, &end, 10);
	if (isdigit((unsigned char)want[0]) && *end == '\0' && n >= 1 &&
	    (size_t)n <= x->nsheets)
		return n - 1;
	sbuf_init(&b);
	for (i = 0; i < x->nsheets; i++) {
		if (b.len > 300) {
			sbuf_puts(&b, ", …");
			break;
		}
		sbuf_printf(&b, "%s%zu '%s'", i ? ", " : "", i + 1,
		    x->sheets[i].name);
	}
	snprintf(err, errlen,
	    "%s: the workbook has no sheet '%.100s'; its "
	    "sheets are %s (give --sheet a name or a number)",
	    x->label, want, sbuf_str(&b));
	sbuf_free(&b);
	return -1;
}

/* Names the sheet, where the workbook has no usable part for it. */
static sheet *
no_part(struct xlsx *x, long i, char *err, size_t errlen)
{
	damaged(x, err, errlen, "its sheet '%.100s' has no worksheet part",
	    x->sheets[i].name);
	xlsx_destroy(&x->s);
	return NULL;
}

sheet *
sheet_open_xlsx(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	char sstname[XLSX_MAX_NAME + 8], stname[XLSX_MAX_NAME + 8];
	struct xlsx *x;
	long i;
	int rc;

	x = xcalloc(1, sizeof *x);
	x->label = xstrdup(path != NULL ? path : "upload");
	x->style = 0;
	if (path != NULL) {
		x->zf = unzOpen64(path);
	} else {
		x->mem.data = data;
		x->mem.len = len;
		x->ff.zopen64_file = mem_open;
		x->ff.zread_file = mem_read;
		x->ff.zwrite_file = mem_write;
		x->ff.ztell64_file = mem_tell;
		x->ff.zseek64_file = mem_seek;
		x->ff.zclose_file = mem_close;
		x->ff.zerror_file = mem_error;
		x->ff.opaque = &x->mem;
		x->zf = unzOpen2_64("upload", &x->ff);
	}
	if (x->zf == NULL) {
		damaged(x, err, errlen,
		    "it is not a zip archive, or it is "
		    "cut short");
		goto fail;
	}
	rc = parse_part(x, "xl/workbook.xml", 0, wb_start, no_end, no_chars,
	    err, errlen);
	if (rc < 0)
		goto fail;
	if (rc > 0) {
		if (unzLocateFile(x->zf, "xl/workbook.bin", 2) == UNZ_OK)
			snprintf(err, errlen,
			    "%s: the file is an Excel binary "
			    "workbook (.xlsb); open it in Excel/WPS and save "
			    "it as .xlsx",
			    x->label);
		else
			damaged(x, err, errlen,
			    "it has no xl/workbook.xml "
			    "(it is a zip, but no Excel workbook)");
		goto fail;
	}
	if (x->nsheets == 0) {
		damaged(x, err, errlen, "it has no sheets");
		goto fail;
	}
	if (parse_part(x, "xl/_rels/workbook.xml.rels", 1, rels_start, no_end,
		no_chars, err, errlen) < 0)
		goto fail;
	i = pick_sheet(x, o->sheet, err, errlen);
	if (i < 0)
		goto fail;
	if (x->sheets[i].target == NULL ||
	    resolve(x->sheets[i].target, x->wsname, sizeof x->wsname) < 0)
		return no_part(x, i, err, errlen);
	if (x->styles_target == NULL ||
	    resolve(x->styles_target, stname, sizeof stname) < 0)
		strcpy(stname, "xl/styles.xml");
	if (x->sst_target == NULL ||
	    resolve(x->sst_target, sstname, sizeof sstname) < 0)
		strcpy(sstname, "xl/sharedStrings.xml");
	if (parse_part(x, stname, 0, st_start, st_end, no_chars, err, errlen) <
	    0)
		goto fail;
	styles_done(x);
	if (parse_part(x, sstname, 0, sst_start, sst_end, sst_chars, err,
		errlen) < 0)
		goto fail;
	rc = open_entry(x, x->wsname, err, errlen);
	if (rc < 0)
		goto fail;
	if (rc > 0)
		return no_part(x, i, err, errlen);
	x->p = new_parser(x, x->wsname, ws_start, ws_end, ws_chars);
	if (x->p == NULL) {
		snprintf(err, errlen, "%s: out of memory", x->label);
		goto fail;
	}
	x->s.next = xlsx_next;
	x->s.destroy = xlsx_destroy;
	x->s.format = "xlsx";
	return &x->s;
fail:
	xlsx_destroy(&x->s);
	return NULL;
}
