/*
 * fuzz_multipart.c - multipart_boundary() and multipart_parse()
 * (common/multipart.c), as the dashboard's upload reads a posted body.
 *
 * Input: a Content-Type line, a newline, then the body.  Every part found
 * lies inside the body, in order and without overlap; its names are
 * NUL-terminated within their arrays; a failure leaves a message.
 */
#include "fuzz.h"

#include "multipart.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_part parts[8];
	char b[MULTIPART_BOUNDARY_MAX + 1], err[160], *ct, *body;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t clen, blen;
	const char *prev;
	int n, i;

	if (nl == NULL || size > 1 << 16)
		return 0;
	clen = (size_t)(nl - data);
	ct = malloc(clen + 1);
	FUZZ_CHECK(ct != NULL);
	memcpy(ct, data, clen);
	ct[clen] = '\0';
	blen = size - clen - 1;
	body = malloc(blen ? blen : 1);   /* exact size: ASan sees overreads */
	FUZZ_CHECK(body != NULL);
	memcpy(body, nl + 1, blen);
	err[0] = '\0';
	if (multipart_boundary(ct, b, err, sizeof err) < 0) {
		FUZZ_CHECK(err[0] != '\0');
		free(ct);
		free(body);
		return 0;
	}
	FUZZ_CHECK(strlen(b) >= 1 && strlen(b) <= MULTIPART_BOUNDARY_MAX);
	err[0] = '\0';
	n = multipart_parse(body, blen, b, parts, 8, err, sizeof err);
	FUZZ_CHECK(n >= -1 && n <= 8);
	if (n < 0)
		FUZZ_CHECK(err[0] != '\0');
	prev = body;
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(parts[i].data >= prev);
		FUZZ_CHECK(parts[i].data + parts[i].len <= body + blen);
		FUZZ_CHECK(memchr(parts[i].name, '\0', sizeof parts[i].name));
		FUZZ_CHECK(memchr(parts[i].filename, '\0',
		    sizeof parts[i].filename));
		prev = parts[i].data + parts[i].len;
		FUZZ_CHECK(multipart_find(parts, n, parts[i].name) != NULL);
	}
	free(ct);
	free(body);
	return 0;
}
