/*
 * fuzz_regfile.c - a register read as records (common/regfile.c) over the
 * text reader: the header mapped (aliases, folding, --ignore-unknown), each
 * row checked against the rules that need no server.
 *
 * The first byte chooses the options (the kind given or recognised, and
 * --ignore-unknown); the rest is the file.  Invariants: a header that
 * cannot be used says why, in UTF-8; the kind is known once the header
 * is read; every row is 1 (fields of the kind's columns only), 2 or -1
 * (at least one reason, each with a column, in UTF-8); line numbers never
 * go down; reading ends.
 */
#include "fuzz.h"

#include "regfile.h"
#include "sheet_impl.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_opts o = { NULL, NULL };
	struct header_opts ho;
	struct record_issues iss;
	struct regfile g;
	const char *f[COL_COUNT];
	char err[1024];
	long line, last = 0, rows = 0;
	uint8_t *copy;
	size_t n;
	sheet *s;
	int rc, k, kind;

	if (size < 1 || size > 1 << 20)
		return 0;
	memset(&ho, 0, sizeof ho);
	ho.ignore_unknown = data[0] & 1;
	kind = (data[0] >> 1) % KIND_COUNT;   /* 0 is KIND_NONE */
	n = size - 1;
	copy = malloc(n ? n : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data + 1, n);
	err[0] = '\0';
	s = sheet_open_text(NULL, copy, n, &o, err, sizeof err);
	if (s == NULL) {
		free(copy);
		return 0;
	}
	if (regfile_open(&g, s, &ho, kind, err, sizeof err) < 0) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(utf8_valid(err, strlen(err)));
		(void)regfile_count_rest(&g);
		regfile_close(&g);
		sheet_free(s);
		free(copy);
		return 0;
	}
	FUZZ_CHECK(g.kind > KIND_NONE && g.kind < KIND_COUNT);
	while ((rc = regfile_next(&g, f, &line, &iss)) != 0) {
		FUZZ_CHECK(rc == 1 || rc == 2 || rc == -1);
		FUZZ_CHECK(line >= last);
		last = line;
		if (rc == 1) {
			for (k = 0; k < COL_COUNT; k++)
				if (f[k] != NULL)
					FUZZ_CHECK(kind_has_col(g.kind, k, NULL));
		} else {
			FUZZ_CHECK(iss.n >= 1 && iss.n <= RECORD_ISSUES_MAX);
			for (k = 0; k < iss.n; k++) {
				FUZZ_CHECK(iss.v[k].column != NULL);
				FUZZ_CHECK(utf8_valid(iss.v[k].reason,
				    strlen(iss.v[k].reason)));
			}
		}
		if (rc < 0 || ++rows > 1000000)
			break;
	}
	regfile_close(&g);
	sheet_free(s);
	free(copy);
	return 0;
}
