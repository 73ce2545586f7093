/*
 * fuzz_xlsx.c - the .xlsx reader (common/sheet_xlsx.c) over sheet.h.
 *
 * An input that begins "PK" is read as the workbook itself (the zip layer
 * fuzzed).  Any other input is the XML of the parts, separated by 0xFF
 * bytes: the worksheet, the shared strings, the styles, the workbook and
 * its rels; a missing part gets a valid default (a missing shared strings
 * or styles part stays missing).  They are packed into a zip with
 * minizip's writer (stored, in memory) so that the fuzzer reaches the XML
 * handlers at once.  The workbook is read with the first sheet and with
 * --sheet 2, then the reader's promises are checked: every cell valid
 * UTF-8 in the form its type says (sheet.h), rows numbered 1 to
 * 1,048,576, at most 16,384 cells, 0 for ever after the end or a fatal
 * error.
 */
#include "fuzz.h"

#include <zip.h>

#include "sheet.h"
#include "utf8.h"

struct membuf {
	unsigned char *p;
	size_t len, cap, pos;
};

static voidpf ZCALLBACK
w_open(voidpf opaque, const void *name, int mode)
{
	(void)name;
	(void)mode;
	return opaque;
}

static uLong ZCALLBACK
w_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	struct membuf *m = stream;
	size_t n = m->pos < m->len ? m->len - m->pos : 0;

	(void)opaque;
	if (n > size)
		n = size;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong ZCALLBACK
w_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	struct membuf *m = stream;

	(void)opaque;
	if (m->pos + size > m->cap) {
		m->cap = (m->pos + size) * 2 + 4096;
		m->p = realloc(m->p, m->cap);
		FUZZ_CHECK(m->p != NULL);
	}
	memcpy(m->p + m->pos, buf, size);
	m->pos += size;
	if (m->pos > m->len)
		m->len = m->pos;
	return size;
}

static ZPOS64_T ZCALLBACK
w_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return ((struct membuf *)stream)->pos;
}

static long ZCALLBACK
w_seek(voidpf opaque, voidpf stream, ZPOS64_T off, int origin)
{
	struct membuf *m = stream;

	(void)opaque;
	if (origin == ZLIB_FILEFUNC_SEEK_CUR)
		off += m->pos;
	else if (origin == ZLIB_FILEFUNC_SEEK_END)
		off += m->len;
	if (off > m->len)
		return -1;
	m->pos = (size_t)off;
	return 0;
}

static int ZCALLBACK
w_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK
w_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
	"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
};

static const char default_wb[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships\"><workbookPr/><sheets>"
    "<sheet name=\"S1\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"S2\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";
static const char default_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* Pack the 0xFF-separated parts into a stored zip in m. */
static void
pack(const uint8_t *data, size_t size, struct membuf *m)
{
	zlib_filefunc64_def ff = {
		w_open, w_read, w_write, w_tell, w_seek, w_close, w_error, m
	};
	const uint8_t *p = data, *end = data + size, *e, *pp[5];
	const void *part;
	size_t pn[5], k = 0, n, i;
	zipFile z;

	while (k < 5) {
		e = memchr(p, 0xff, (size_t)(end - p));
		if (e == NULL)
			e = end;
		pp[k] = p;
		pn[k++] = (size_t)(e - p);
		if (e == end)
			break;
		p = e + 1;
	}
	z = zipOpen2_64("mem", APPEND_STATUS_CREATE, NULL, &ff);
	FUZZ_CHECK(z != NULL);
	for (i = 0; i < 5; i++) {
		if (i < k) {
			part = pp[i];
			n = pn[i];
		} else if (i == 3) {
			part = default_wb;
			n = strlen(default_wb);
		} else if (i == 4) {
			part = default_rels;
			n = strlen(default_rels);
		} else
			continue;
		FUZZ_CHECK(zipOpenNewFileInZip(z, part_names[i], NULL, NULL, 0,
		    NULL, 0, NULL, 0, 0) == ZIP_OK);
		FUZZ_CHECK(zipWriteInFileInZip(z, part, (unsigned)n) ==
		    ZIP_OK);
		FUZZ_CHECK(zipCloseFileInZip(z) == ZIP_OK);
	}
	FUZZ_CHECK(zipClose(z, NULL) == ZIP_OK);
}

static void
check_cell(const char *c, enum sheet_type t)
{
	size_t n = strlen(c), i;
	char *end;

	FUZZ_CHECK(utf8_valid(c, n));
	switch (t) {
	case SHEET_EMPTY:
		FUZZ_CHECK(n == 0);
		break;
	case SHEET_TEXT:
	case SHEET_ERROR:
		FUZZ_CHECK(n > 0);
		break;
	case SHEET_NUMBER:
		FUZZ_CHECK(n > 0 && n < 340);
		strtod(c, &end);
		FUZZ_CHECK(*end == '\0');
		break;
	case SHEET_DATE:
		FUZZ_CHECK(n == 10);
		for (i = 0; i < 10; i++)
			FUZZ_CHECK(i == 4 || i == 7 ? c[i] == '-' :
			    c[i] >= '0' && c[i] <= '9');
		break;
	case SHEET_BOOL:
		FUZZ_CHECK(strcmp(c, "TRUE") == 0 || strcmp(c, "FALSE") == 0);
		break;
	default:
		FUZZ_CHECK(!"a cell type sheet.h does not have");
	}
}

static void
read_all(const void *zip, size_t len, const char *sheetname)
{
	struct sheet_opts o = { sheetname, NULL };
	char err[512];
	sheet *s;
	size_t i;
	int rc, rows = 0;

	err[0] = '\0';
	s = sheet_open_mem(zip, len, "fuzz.xlsx", &o, err, sizeof err);
	if (s == NULL) {
		FUZZ_CHECK(err[0] != '\0' && utf8_valid(err, strlen(err)));
		return;
	}
	FUZZ_CHECK(strcmp(sheet_format(s), "xlsx") == 0);
	while ((rc = sheet_next(s, err, sizeof err)) != 0) {
		FUZZ_CHECK(rc == 1 || rc == -1);
		FUZZ_CHECK(++rows <= 2000000);
		if (rc < 0) {
			FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
			continue;
		}
		FUZZ_CHECK(sheet_row(s) >= 1 && sheet_row(s) <= 1048576);
		FUZZ_CHECK(sheet_ncells(s) <= 16384);
		for (i = 0; i < sheet_ncells(s); i++)
			check_cell(sheet_cell(s, i), sheet_cell_type(s, i));
		if (sheet_ncells(s) > 0)
			FUZZ_CHECK(sheet_cell_type(s, sheet_ncells(s) - 1) !=
			    SHEET_EMPTY);
		FUZZ_CHECK(*sheet_cell(s, sheet_ncells(s)) == '\0');
	}
	FUZZ_CHECK(sheet_next(s, err, sizeof err) == 0);
	sheet_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct membuf m = { NULL, 0, 0, 0 };

	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		read_all(data, size, NULL);
		return 0;
	}
	pack(data, size, &m);
	read_all(m.p, m.len, NULL);
	read_all(m.p, m.len, "2");
	free(m.p);
	return 0;
}
