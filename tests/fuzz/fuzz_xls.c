/*
 * fuzz_xls.c - the .xls reader (common/sheet_xls.c, over libfreexl).
 *
 * The input is the file, read from memory under an .xls name: the sniff
 * that refuses web pages and XML spreadsheets, freexl (through the
 * reader's private temporary file), the sheet choice, the date and
 * number conversions.  The first sheet and --sheet 2 are read; every
 * cell must be valid UTF-8 in the form its type says (sheet.h), the row
 * numbers rise from 1, 0 for ever after the end.  Input that is no OLE2
 * file goes to the text reader, as an .xls export of text does.
 */
#include "fuzz.h"

#include "sheet.h"
#include "utf8.h"

static void
read_all(const uint8_t *data, size_t size, const char *sheetname)
{
	struct sheet_opts o = { sheetname, NULL };
	char err[512];
	long last = 0;
	sheet *s;
	size_t i, n;
	const char *c;
	enum sheet_type t;
	int rc, ole = size >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0;

	err[0] = '\0';
	s = sheet_open_mem(data, size, "fuzz.xls", &o, err, sizeof err);
	if (s == NULL) {
		FUZZ_CHECK(err[0] != '\0' && utf8_valid(err, strlen(err)));
		return;
	}
	if (!ole) {
		while (sheet_next(s, err, sizeof err) != 0)
			;
		sheet_free(s);
		return;
	}
	FUZZ_CHECK(strcmp(sheet_format(s), "xls") == 0);
	while ((rc = sheet_next(s, err, sizeof err)) != 0) {
		FUZZ_CHECK(rc == 1 || rc == -1);
		if (rc < 0 && sheet_fatal(s)) {
			/* freexl's child died: the reading ends here */
			FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
			continue;
		}
		FUZZ_CHECK(sheet_row(s) == last + 1);
		last = sheet_row(s);
		if (rc < 0)
			continue;
		FUZZ_CHECK(sheet_ncells(s) <= 65536);
		for (i = 0; i < sheet_ncells(s); i++) {
			c = sheet_cell(s, i);
			t = sheet_cell_type(s, i);
			n = strlen(c);
			FUZZ_CHECK(utf8_valid(c, n));
			FUZZ_CHECK((t == SHEET_EMPTY) == (n == 0));
			FUZZ_CHECK(t == SHEET_EMPTY || t == SHEET_TEXT ||
			    t == SHEET_NUMBER || t == SHEET_DATE);
			if (t == SHEET_DATE)
				FUZZ_CHECK(n == 10 && c[4] == '-' &&
				    c[7] == '-');
		}
	}
	FUZZ_CHECK(sheet_next(s, err, sizeof err) == 0);
	sheet_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, NULL);
	read_all(data, size, "2");
	return 0;
}
