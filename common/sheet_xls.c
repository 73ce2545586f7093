/*
 * sheet_xls.c - the .xls reader of sheet.h, over libfreexl.
 *
 * freexl reads a BIFF5/BIFF8 workbook (Excel 5 to 2003, WPS) from a path;
 * a workbook held in memory is written to a private temporary file (0600,
 * unlinked as soon as freexl has opened it).  The chosen sheet is then
 * read a row at a time with freexl_get_cell_value.
 *
 * freexl runs in a child process that sends the rows back through a pipe
 * (the pipe's back-pressure keeps it a row or so ahead): fuzzing found
 * that freexl 1.0.6 reads past a buffer in iconv on a crafted file
 * (tests/fuzz/regress/xls/freexl-iconv-overread), and a library that
 * misbehaves on a hostile file must not take the reader's process with
 * it (popstatd reads uploaded registers with it too).  A child that dies
 * or sends what it should not ends the reading with a fatal error; its
 * CPU time is limited (XLS_CPU_SECONDS) and it keeps no descriptor but
 * stdio and the pipe.
 *
 * Memory: freexl loads the whole workbook (every cell of the sheets'
 * dimensions and the shared strings), not a row at a time.  Measured: an
 * .xls of 65,536 rows by 10 columns (9.8 MB, the most rows Excel's .xls
 * holds) reads in a peak RSS of 21 MB.  XLS_MAX_CELLS refuses a sheet
 * whose dimensions pass 65,536 x 64 cells; by then freexl has already
 * allocated it, so the cap bounds the reading time, not freexl's memory
 * (the .xls format itself bounds that, at 65,536 x 256 cells).  An .xlsx
 * is read a row at a time instead.
 *
 * freexl gives date cells as text computed with every fourth year a leap
 * year (right from 1900-03-01 to 2100-02-28 only; it also reads serial 0
 * as serial 1); the reader turns that text back into the serial and
 * dates it as sheet.h says (sheet_num.c).  freexl does not tell a
 * boolean cell from a number: TRUE comes as the number 1.
 *
 * An ".xls" that is really a web page or an XML spreadsheet (Excel and
 * WPS "save as web page", many registry exports) is refused with the fix;
 * one that is really text (a tab-separated export) is read as text.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <freexl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define XLS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XLS_SANITIZER 1
#endif
#endif
#ifdef XLS_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

#include "date.h"
#include "sbuf.h"
#include "sheet_impl.h"
#include "sheet_num.h"
#include "utf8.h"

#define XLS_MAX_CELLS (65536L * 64) /* rows x columns of one sheet */
#define XLS_SNIFF 4096
#define XLS_CPU_SECONDS 120
#define XLS_MAX_TEXT (1 << 20) /* bytes of one cell from the child */
#define XLS_MAX_ROW (64 << 20) /* bytes of one row from the child */

struct xls {
	struct sheet s;
	const void *h;
	char *label;
	int date1904;
	unsigned int nrows, r;
	unsigned short ncols;
	char **cells;
	unsigned char *types;
	sbuf text; /* the row's text, NUL-separated */
	size_t *off;
};

/* The reader as the caller sees it: the rows come from the child. */
struct xlsp {
	struct sheet s;
	pid_t pid;
	FILE *in;
	char *label;
	int done;
	long lastrow;
	char **cells;
	unsigned char *types;
	size_t ccap;
	size_t *off;
	sbuf text;
};

static int
is_leap4(long y)
{
	return y % 4 == 0;
}

/*
 * The serial that freexl's date text "Y-M-D" stands for: freexl counts
 * days from 1900-01-01 (serial 1), or 1904-01-02 (serial 1) in the 1904
 * system, taking every fourth year as a leap year.  Returns -1 if the
 * text is not such a date.
 */
static long
freexl_serial(const char *t, int date1904)
{
	static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
		273, 304, 334 };
	long y, m, d, base, days;
	char *e;

	y = strtol(t, &e, 10);
	if (e == t || *e != '-' || y < 1900 || y > 99999)
		return -1;
	m = strtol(e + 1, &e, 10);
	if (*e != '-' || m < 1 || m > 12)
		return -1;
	d = strtol(e + 1, &e, 10);
	if ((*e != '\0' && *e != ' ') || d < 1 || d > 31)
		return -1;
	base = date1904 ? 1904 : 1900;
	if (y < base)
		return -1;
	/* days from base-01-01 to y-m-d */
	days = 365 * (y - base) + (y - base + 3) / 4 + cum[m - 1] +
	    (m > 2 && is_leap4(y)) + d - 1;
	return date1904 ? days : days + 1; /* 1904-01-02 is serial 1 */
}

/* A freexl date, date-time or time cell as sheet.h's YYYY-MM-DD. */
static int
xls_date(struct xls *x, const FreeXL_CellValue *v, char *buf)
{
	long serial;

	if (v->type == FREEXL_CELL_TIME)
		serial = 0;
	else {
		serial = freexl_serial(v->value.text_value, x->date1904);
		if (serial < 0)
			return -1;
	}
	return sheet_num_serial_date((double)serial, x->date1904, buf);
}

/* Column c (0-based) as Excel names it, into buf (at least 4 bytes). */
static void
col_name(unsigned c, char *buf)
{
	char l[3];
	int n = 0, i;

	for (c++; c > 0 && n < 3; c = (c - 1) / 26)
		l[n++] = (char)('A' + (c - 1) % 26);
	for (i = 0; i < n; i++)
		buf[i] = l[n - 1 - i];
	buf[n] = '\0';
}

/* The child's next row; as sheet_next(). */
static int
xls_row(struct xls *x, char *err, size_t errlen)
{
	char buf[SHEET_NUM_MAX], cn[4];
	FreeXL_CellValue v;
	const char *text;
	unsigned short c;
	unsigned char t;
	size_t n = 0, i;
	int rc, bad = 0;

	if (x->r >= x->nrows)
		return 0;
	x->text.len = 0;
	for (c = 0; c < x->ncols; c++) {
		rc = freexl_get_cell_value(x->h, x->r, c, &v);
		text = "";
		t = SHEET_EMPTY;
		if (rc != FREEXL_OK) {
			if (!bad) {
				col_name(c, cn);
				snprintf(err, errlen,
				    "line %u: cell %s%u "
				    "cannot be read (freexl error %d; the file "
				    "is damaged: open it in Excel/WPS and save "
				    "it again)",
				    x->r + 1, cn, x->r + 1, rc);
			}
			bad = 1;
		} else {
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(buf, sizeof buf, "%d",
				    v.value.int_value);
				text = buf;
				t = SHEET_NUMBER;
				break;
			case FREEXL_CELL_DOUBLE:
				if (sheet_num_format(v.value.double_value,
					buf) == 0) {
					text = buf;
					t = SHEET_NUMBER;
				}
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
				text = v.value.text_value ? v.value.text_value :
							    "";
				t = SHEET_TEXT;
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
			case FREEXL_CELL_TIME:
				if (v.type != FREEXL_CELL_TIME &&
				    v.value.text_value == NULL)
					break;
				if (xls_date(x, &v, buf) == 0) {
					text = buf;
					t = SHEET_DATE;
				} else {
					text = v.value.text_value ?
					    v.value.text_value :
					    "";
					t = SHEET_TEXT;
				}
				break;
			default: break;
			}
		}
		if (*text == '\0')
			t = SHEET_EMPTY;
		x->types[c] = t;
		x->off[c] = x->text.len;
		sbuf_add(&x->text, text, strlen(text));
		sbuf_putc(&x->text, '\0');
		if (t != SHEET_EMPTY)
			n = (size_t)c + 1;
	}
	for (i = 0; i < n; i++)
		x->cells[i] = x->text.s + x->off[i];
	x->s.ncells = n;
	x->s.row = (long)x->r + 1;
	x->r++;
	return bad ? -1 : 1;
}

/* Whether s[0..n) holds the ASCII string w, ignoring case. */
static int
has(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, w, k) == 0)
			return 1;
	return 0;
}

/* Whether the UTF-16LE form of ASCII w is in s[0..n). */
static int
has16(const unsigned char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i, j;

	for (i = 0; i + 2 * k <= n; i++) {
		for (j = 0; j < k; j++)
			if (s[i + 2 * j] != (unsigned char)w[j] ||
			    s[i + 2 * j + 1] != 0)
				break;
		if (j == k)
			return 1;
	}
	return 0;
}

enum xls_sniff { SN_OLE, SN_HTML, SN_XML, SN_TEXT, SN_OTHER };

static enum xls_sniff
sniff(const unsigned char *h, size_t n)
{
	const char *s = (const char *)h;
	size_t i = 0;

	if (n >= 4 && memcmp(h, "\xd0\xcf\x11\xe0", 4) == 0)
		return SN_OLE;
	if (n >= 2 &&
	    (memcmp(h, "\xff\xfe", 2) == 0 || memcmp(h, "\xfe\xff", 2) == 0))
		return SN_TEXT;
	if (n >= 3 && memcmp(h, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n &&
	    (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
		i++;
	if (has(s, n, "MIME-Version:") && has(s, n, "text/html"))
		return SN_HTML; /* a single-file web page (.mht) */
	if (i < n && h[i] == '<') {
		if (has(s + i, n - i,
			"urn:schemas-microsoft-com:office:"
			"spreadsheet") ||
		    (n - i >= 5 && strncasecmp(s + i, "<?xml", 5) == 0 &&
			!has(s + i, n - i, "<html")))
			return SN_XML;
		if (has(s + i, n - i, "<html") || has(s + i, n - i, "<table") ||
		    has(s + i, n - i, "<!doctype html"))
			return SN_HTML;
	}
	if (memchr(h, 0, n) != NULL)
		return SN_OTHER;
	return SN_TEXT;
}

/* Write data to a private temporary file; its path in tmp.  0 or -1. */
static int
spill(const void *data, size_t len, char *tmp, size_t tmplen)
{
	const char *dir = getenv("TMPDIR");
	const char *p = data;
	ssize_t w;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(tmp, tmplen, "%s/popstat-xls-XXXXXX", dir);
	fd = mkstemp(tmp); /* 0600 */
	if (fd < 0)
		return -1;
	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The first bytes of the file, for sniffing. */
static size_t
head(const char *path, const void *data, size_t len, unsigned char *buf)
{
	FILE *f;
	size_t n;

	if (path == NULL) {
		n = len < XLS_SNIFF ? len : XLS_SNIFF;
		memcpy(buf, data, n);
		return n;
	}
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, XLS_SNIFF, f);
	fclose(f);
	return n;
}

/* Whether the OLE2 file is an encrypted OOXML package (a password on an
 * .xlsx): it holds an "EncryptedPackage" stream. */
static int
encrypted_ooxml(const char *path, const void *data, size_t len)
{
	unsigned char buf[65536 + 64];
	size_t n, keep = 0;
	FILE *f;
	int found = 0;

	if (path == NULL)
		return has16(data, len, "EncryptedPackage");
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	while (!found && (n = fread(buf + keep, 1, 65536, f)) > 0) {
		n += keep;
		found = has16(buf, n, "EncryptedPackage");
		keep = n < 64 ? n : 64;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

static const char *
freexl_reason(int rc)
{
	switch (rc) {
	case FREEXL_FILE_NOT_FOUND: return "it cannot be opened";
	case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return "it holds no Excel workbook";
	case FREEXL_INVALID_CHARACTER:
	case FREEXL_UNSUPPORTED_CHARSET:
		return "its text is in an unknown character set";
	case FREEXL_CRAFTED_FILE: return "it is severely damaged";
	default: return "it is damaged or cut short";
	}
}

/*
 * The sheet that want names: a name (exactly, else ignoring ASCII case),
 * else a 1-based number.  Returns its index, or -1 with err listing the
 * sheets.
 */
static long
pick_sheet(struct xls *x, unsigned int nsheets, const char *want, char *err,
    size_t errlen)
{
	const char *name;
	unsigned int i;
	char *end;
	long n;
	sbuf b;
	int pass;

	if (want == NULL)
		return 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nsheets; i++)
			if (freexl_get_worksheet_name(x->h, (unsigned short)i,
				&name) == FREEXL_OK &&
			    name != NULL &&
			    (pass ? strcasecmp(name, want) :
				    strcmp(name, want)) == 0)
				return (long)i;
	n = strtol(want, &end, 10);
	if (want[0] >= '0' && want[0] <= '9' && *end == '\0' && n >= 1 &&
	    n <= (long)nsheets)
		return n - 1;
	sbuf_init(&b);
	for (i = 0; i < nsheets; i++) {
		if (b.len > 300) {
			sbuf_puts(&b, ", …");
			break;
		}
		if (freexl_get_worksheet_name(x->h, (unsigned short)i, &name) !=
			FREEXL_OK ||
		    name == NULL)
			name = "";
		sbuf_printf(&b, "%s%u '%s'", i ? ", " : "", i + 1, name);
	}
	snprintf(err, errlen,
	    "%s: the workbook has no sheet '%.100s'; its "
	    "sheets are %s (give --sheet a name or a number)",
	    x->label, want, sbuf_str(&b));
	sbuf_free(&b);
	return -1;
}

/*
 * In the child: open file (the workbook, or its temporary copy) with
 * freexl and choose the sheet.  Returns 0, or -1 with err set.
 */
static int
xls_load(struct xls *x, const char *file, const char *path, const void *data,
    size_t len, const struct sheet_opts *o, char *err, size_t errlen)
{
	unsigned int nsheets = 0, info = 0;
	const char *label = x->label;
	long i;
	int rc;

	rc = freexl_open(file, &x->h);
	if (file != path)
		unlink(file);
	if (rc != FREEXL_OK) {
		if (encrypted_ooxml(path, data, len))
			snprintf(err, errlen,
			    "%s: the workbook is protected "
			    "with a password; open it in Excel/WPS, remove the "
			    "password and save it again as .xlsx",
			    label);
		else
			snprintf(err, errlen,
			    "%s: the file is not a readable "
			    "xls workbook: %s; open it in Excel/WPS and save "
			    "it again as .xlsx",
			    label, freexl_reason(rc));
		return -1;
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED) {
		snprintf(err, errlen,
		    "%s: the workbook is protected with a "
		    "password; open it in Excel/WPS, remove the password and "
		    "save it again as .xlsx",
		    label);
		return -1;
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK)
		x->date1904 = info == FREEXL_BIFF_DATEMODE_1904;
	if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &nsheets) !=
		FREEXL_OK ||
	    nsheets == 0) {
		snprintf(err, errlen,
		    "%s: the file is not a readable xls "
		    "workbook: it has no sheets; open it in Excel/WPS and save "
		    "it again as .xlsx",
		    label);
		return -1;
	}
	if (nsheets > 65535)
		nsheets = 65535;
	i = pick_sheet(x, nsheets, o->sheet, err, errlen);
	if (i < 0)
		return -1;
	if (freexl_select_active_worksheet(x->h, (unsigned short)i) !=
		FREEXL_OK ||
	    freexl_worksheet_dimensions(x->h, &x->nrows, &x->ncols) !=
		FREEXL_OK) {
		snprintf(err, errlen,
		    "%s: the file is not a readable xls "
		    "workbook: its sheet %ld cannot be read; open it in "
		    "Excel/WPS and save it again as .xlsx",
		    label, i + 1);
		return -1;
	}
	if ((long)x->nrows * x->ncols > XLS_MAX_CELLS) {
		snprintf(err, errlen,
		    "%s: the sheet has %u rows and %u "
		    "columns, more than a register holds; delete the unused "
		    "rows and columns, or save it as .xlsx",
		    label, x->nrows, x->ncols);
		return -1;
	}
	x->cells = xcalloc(x->ncols ? x->ncols : 1, sizeof *x->cells);
	x->types = xcalloc(x->ncols ? x->ncols : 1, 1);
	x->off = xcalloc(x->ncols ? x->ncols : 1, sizeof *x->off);
	return 0;
}

/*
 * The messages from the child, each a byte then its fields (u32 in the
 * machine's order, the pipe never leaves it):
 *   'E' len text       the workbook is refused (the child ends)
 *   'O'                it is open; rows follow
 *   'R' row n {type len text}*n    a row of n cells
 *   'X' row len text   a row that cannot be read
 *   'Z'                the end
 */
static void
put_u32(FILE *f, size_t v)
{
	uint32_t u = (uint32_t)v;

	fwrite(&u, sizeof u, 1, f);
}

static void
put_text(FILE *f, const char *s)
{
	size_t n = strlen(s);

	put_u32(f, n);
	fwrite(s, 1, n, f);
}

static void __attribute__((noreturn))
child(int fd, const char *file, const char *path, const void *data, size_t len,
    const char *label, const struct sheet_opts *o)
{
	struct rlimit rl = { XLS_CPU_SECONDS, XLS_CPU_SECONDS };
	char err[1024];
	struct xls *x;
	FILE *out;
	size_t i;
	int rc;

#ifdef XLS_SANITIZER
	/* A sanitizer report in here is the child's end, not the caller's
	 * (libFuzzer's death callback would save the input as a crash of
	 * the target). */
	__sanitizer_set_death_callback(NULL);
#endif
	signal(SIGPIPE, SIG_DFL);
	setrlimit(RLIMIT_CPU, &rl);
	/* Keep only stdio and the pipe: in popstatd the child must not
	 * hold the listening sockets or the database open. */
	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			_exit(1);
		fd = 3;
	}
	if (close_range(4, ~0U, 0) < 0) {
		long fmax = sysconf(_SC_OPEN_MAX), i2;

		for (i2 = 4; i2 < fmax && i2 < 65536; i2++)
			close((int)i2);
	}
	out = fdopen(fd, "w");
	if (out == NULL)
		_exit(1);
	x = xcalloc(1, sizeof *x);
	x->label = xstrdup(label);
	sbuf_init(&x->text);
	if (xls_load(x, file, path, data, len, o, err, sizeof err) < 0) {
		putc('E', out);
		put_text(out, err);
		fflush(out);
		_exit(0);
	}
	putc('O', out);
	fflush(out);
	while ((rc = xls_row(x, err, sizeof err)) != 0) {
		if (rc < 0) {
			putc('X', out);
			put_u32(out, (size_t)x->s.row);
			put_text(out, err);
			continue;
		}
		putc('R', out);
		put_u32(out, (size_t)x->s.row);
		put_u32(out, x->s.ncells);
		for (i = 0; i < x->s.ncells; i++) {
			putc(x->types[i], out);
			put_text(out, x->cells[i]);
		}
	}
	putc('Z', out);
	fflush(out);
	_exit(ferror(out) ? 1 : 0);
}

static int
get_u32(FILE *f, size_t *v)
{
	uint32_t u;

	if (fread(&u, sizeof u, 1, f) != 1)
		return -1;
	*v = u;
	return 0;
}

/* Read a text of at most max bytes into b (NUL-terminated). */
static int
get_text(FILE *f, sbuf *b, size_t max)
{
	char buf[4096];
	size_t n, k;

	if (get_u32(f, &n) < 0 || n > max)
		return -1;
	while (n > 0) {
		k = n < sizeof buf ? n : sizeof buf;
		if (fread(buf, 1, k, f) != k)
			return -1;
		sbuf_add(b, buf, k);
		n -= k;
	}
	sbuf_putc(b, '\0');
	return 0;
}

/* End the child: 0 if it ended well, -1 if it died or failed. */
static int
reap(struct xlsp *p, int kill_it)
{
	int st;

	if (p->in != NULL) {
		fclose(p->in);
		p->in = NULL;
	}
	if (p->pid <= 0)
		return 0;
	if (kill_it)
		kill(p->pid, SIGKILL);
	st = 0;
	while (waitpid(p->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			/* reaped elsewhere (SIGCHLD ignored, or a handler
			 * that waits for any child): only the messages
			 * tell */
			st = 0;
			break;
		}
	}
	p->pid = 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
xlsp_fatal(struct xlsp *p, char *err, size_t errlen)
{
	reap(p, 1);
	p->done = 1;
	p->s.fatal = 1;
	snprintf(err, errlen,
	    "line %ld: the file is not a readable xls "
	    "workbook: the xls library (freexl) failed on it; open it in "
	    "Excel/WPS and save it again as .xlsx",
	    p->lastrow + 1);
	return -1;
}

static int
xlsp_next(sheet *s, char *err, size_t errlen)
{
	struct xlsp *p = (struct xlsp *)s;
	size_t row, n, i, cap;
	int c, t;
	sbuf msg;

	if (p->done)
		return 0;
	switch (getc(p->in)) {
	case 'Z':
		p->done = 1;
		if (reap(p, 0) < 0)
			return xlsp_fatal(p, err, errlen);
		return 0;
	case 'X':
		sbuf_init(&msg);
		if (get_u32(p->in, &row) < 0 ||
		    get_text(p->in, &msg, 1024) < 0) {
			sbuf_free(&msg);
			return xlsp_fatal(p, err, errlen);
		}
		snprintf(err, errlen, "%s", msg.s);
		sbuf_free(&msg);
		p->s.ncells = 0;
		p->s.row = p->lastrow = (long)row;
		return -1;
	case 'R': break;
	default: return xlsp_fatal(p, err, errlen);
	}
	if (get_u32(p->in, &row) < 0 || get_u32(p->in, &n) < 0 || n > 65536 ||
	    row < 1)
		return xlsp_fatal(p, err, errlen);
	if (n > p->ccap) {
		cap = p->ccap ? p->ccap : 16;
		while (cap < n)
			cap *= 2;
		p->cells = xrealloc(p->cells, cap * sizeof *p->cells);
		p->types = xrealloc(p->types, cap);
		p->off = xrealloc(p->off, cap * sizeof *p->off);
		p->ccap = cap;
	}
	p->text.len = 0;
	for (i = 0; i < n; i++) {
		c = getc(p->in);
		t = c;
		if (c == EOF || t < SHEET_EMPTY || t > SHEET_ERROR)
			return xlsp_fatal(p, err, errlen);
		p->types[i] = (unsigned char)t;
		p->off[i] = p->text.len;
		if (get_text(p->in, &p->text, XLS_MAX_TEXT) < 0 ||
		    p->text.len > XLS_MAX_ROW ||
		    !utf8_valid(p->text.s + p->off[i],
			p->text.len - 1 - p->off[i]) ||
		    ((t == SHEET_EMPTY) != (p->text.len - 1 == p->off[i])))
			return xlsp_fatal(p, err, errlen);
	}
	for (i = 0; i < n; i++)
		p->cells[i] = p->text.s + p->off[i];
	p->s.cells = p->cells;
	p->s.types = p->types;
	p->s.ncells = n;
	p->s.row = p->lastrow = (long)row;
	return 1;
}

static void
xlsp_destroy(sheet *s)
{
	struct xlsp *p = (struct xlsp *)s;

	reap(p, 1);
	free(p->cells);
	free(p->types);
	free(p->off);
	sbuf_free(&p->text);
	free(p->label);
	free(p);
}

sheet *
sheet_open_xls(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	unsigned char h[XLS_SNIFF];
	char tmp[512];
	const char *label = path != NULL ? path : "upload";
	const char *file = path;
	struct xlsp *p;
	sbuf msg;
	size_t n;
	int fds[2], c;

	n = head(path, data, len, h);
	switch (sniff(h, n)) {
	case SN_OLE: break;
	case SN_HTML:
		snprintf(err, errlen,
		    "%s: the file is a web page (HTML) with "
		    "an .xls name, not an Excel workbook; open it in Excel/WPS "
		    "and save it as .xlsx (File, Save As, Excel Workbook)",
		    label);
		return NULL;
	case SN_XML:
		snprintf(err, errlen,
		    "%s: the file is an XML spreadsheet with "
		    "an .xls name, not an Excel workbook; open it in Excel/WPS "
		    "and save it as .xlsx (File, Save As, Excel Workbook)",
		    label);
		return NULL;
	case SN_TEXT: return sheet_open_text(path, data, len, o, err, errlen);
	default:
		snprintf(err, errlen,
		    "%s: the file is not a readable xls "
		    "workbook: it does not begin as one; open it in Excel/WPS "
		    "and save it again as .xlsx",
		    label);
		return NULL;
	}
	if (path == NULL) {
		if (spill(data, len, tmp, sizeof tmp) < 0) {
			snprintf(err, errlen,
			    "%s: cannot write a temporary "
			    "file to read the workbook: %m",
			    label);
			return NULL;
		}
		file = tmp;
	}
	if (pipe(fds) < 0) {
		snprintf(err, errlen, "%s: cannot read the workbook: pipe: %m",
		    label);
		if (file != path)
			unlink(file);
		return NULL;
	}
	fflush(NULL); /* the child must not write what the parent holds */
	p = xcalloc(1, sizeof *p);
	p->label = xstrdup(label);
	sbuf_init(&p->text);
	p->pid = fork();
	if (p->pid == 0) {
		close(fds[0]);
		child(fds[1], file, path, data, len, label, o);
	}
	close(fds[1]);
	if (p->pid < 0) {
		snprintf(err, errlen, "%s: cannot read the workbook: fork: %m",
		    label);
		close(fds[0]);
		goto fail;
	}
	p->in = fdopen(fds[0], "r");
	if (p->in == NULL) {
		close(fds[0]);
		snprintf(err, errlen, "%s: cannot read the workbook: %m",
		    label);
		goto fail;
	}
	c = getc(p->in);
	if (c == 'E') {
		sbuf_init(&msg);
		if (get_text(p->in, &msg, 2048) == 0)
			snprintf(err, errlen, "%s", msg.s);
		else
			c = EOF;
		sbuf_free(&msg);
	}
	if (c != 'O' && c != 'E')
		snprintf(err, errlen,
		    "%s: the file is not a readable xls "
		    "workbook: the xls library (freexl) failed on it; open it "
		    "in Excel/WPS and save it again as .xlsx",
		    label);
	if (c != 'O')
		goto fail;
	if (file != path)
		unlink(file); /* the child has it open, or is done */
	p->s.next = xlsp_next;
	p->s.destroy = xlsp_destroy;
	p->s.format = "xls";
	return &p->s;
fail:
	if (file != path)
		unlink(file);
	xlsp_destroy(&p->s);
	return NULL;
}
