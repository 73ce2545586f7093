/*
 * fuzz_sheet_text.c - the text reader of sheet.h (common/sheet_text.c):
 * encoding detection, iconv decoding in chunks and the CSV grammar behind
 * it, on a file held in memory.
 *
 * The first byte chooses --encoding (none, utf-8, gb18030, utf-16); the
 * rest is the file.  Invariants: opening either succeeds or says why;
 * every cell is valid UTF-8 of at most CSV_MAX_FIELD bytes, at most
 * CSV_MAX_FIELDS a row; row numbers never go down; a row error names its
 * line and is valid UTF-8; reading ends.
 */
#include "fuzz.h"

#include "csv.h"
#include "sheet_impl.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encs[] = { NULL, "utf-8", "gb18030",
		"utf-16" };
	struct sheet_opts o = { NULL, NULL };
	char err[512];
	long last = 0, rows = 0;
	size_t i, n;
	uint8_t *copy;
	sheet *s;
	int rc;

	if (size < 1 || size > 1 << 20)
		return 0;
	o.encoding = encs[data[0] % 4];
	/* Exactly the file's bytes, so ASan sees a read past them. */
	n = size - 1;
	copy = malloc(n ? n : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data + 1, n);
	err[0] = '\0';
	s = sheet_open_text(NULL, copy, n, &o, err, sizeof err);
	if (s == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(utf8_valid(err, strlen(err)));
		free(copy);
		return 0;
	}
	FUZZ_CHECK(s->format != NULL);
	while (!s->fatal && (rc = s->next(s, err, sizeof err)) != 0) {
		FUZZ_CHECK(rc == 1 || rc == -1);
		FUZZ_CHECK(s->row >= last);
		last = s->row;
		if (rc < 0) {
			FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
			FUZZ_CHECK(utf8_valid(err, strlen(err)));
			continue;
		}
		FUZZ_CHECK(s->ncells >= 1 && s->ncells <= CSV_MAX_FIELDS);
		for (i = 0; i < s->ncells; i++) {
			const char *c = s->cells[i];

			FUZZ_CHECK(c != NULL);
			FUZZ_CHECK(strlen(c) <= CSV_MAX_FIELD);
			FUZZ_CHECK(utf8_valid(c, strlen(c)));
			FUZZ_CHECK((s->types[i] == SHEET_EMPTY) == (c[0] == '\0'));
		}
		FUZZ_CHECK(++rows <= (long)n + 1);
	}
	s->destroy(s);
	free(copy);
	return 0;
}
