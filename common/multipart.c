/*
 * multipart.c - split a multipart/form-data body into its parts
 * (multipart.h).
 */
#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int
fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "upload: %s", msg);
	return -1;
}

static int
bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

int
multipart_boundary(const char *ct, char out[MULTIPART_BOUNDARY_MAX + 1],
    char *err, size_t errlen)
{
	const char *p;
	size_t n = 0;
	int quoted = 0;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return fail(err, errlen,
		    "expected Content-Type"
		    " multipart/form-data (a form with a file)");
	for (p = ct + 19; *p; p++)
		if (strncasecmp(p, "boundary=", 9) == 0 &&
		    (p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t'))
			break;
	if (*p == '\0')
		return fail(err, errlen, "the Content-Type names no boundary");
	p += 9;
	if (*p == '"') {
		quoted = 1;
		p++;
	}
	while (*p && (quoted ? *p != '"' : (*p != ';' && *p != ' '))) {
		if (n >= MULTIPART_BOUNDARY_MAX || !bchar((unsigned char)*p))
			return fail(err, errlen,
			    "bad boundary in the"
			    " Content-Type");
		out[n++] = *p++;
	}
	if (n == 0 || (quoted && *p != '"') || out[n - 1] == ' ')
		return fail(err, errlen, "bad boundary in the Content-Type");
	out[n] = '\0';
	return 0;
}

/* Copy a parameter's quoted value (name="...") from a header line. */
static int
param(const char *line, size_t len, const char *key, char *out, size_t cap)
{
	size_t k = strlen(key), i, n = 0;

	for (i = 0; i + k + 1 < len; i++) {
		if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ') &&
		    strncasecmp(line + i, key, k) == 0 && line[i + k] == '=')
			break;
	}
	if (i + k + 1 >= len)
		return 0;
	i += k + 1;
	if (line[i] != '"')
		return -1;
	for (i++; i < len && line[i] != '"'; i++) {
		if (n + 1 >= cap || line[i] == '\0')
			return -1;
		out[n++] = line[i];
	}
	if (i >= len)
		return -1;
	out[n] = '\0';
	return 1;
}

/* The headers of one part, from h to the blank line. */
static int
part_headers(const char *h, size_t len, struct mp_part *p, char *err,
    size_t errlen)
{
	const char *end = h + len, *eol;
	int seen = 0, r;

	while (h < end) {
		size_t n;

		eol = memchr(h, '\r', (size_t)(end - h));
		n = eol ? (size_t)(eol - h) : (size_t)(end - h);
		if (n > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
			const char *v = h + 20;
			size_t vn = n - 20;

			while (vn && (*v == ' ' || *v == '\t'))
				v++, vn--;
			if (vn < 9 || strncasecmp(v, "form-data", 9) != 0)
				return fail(err, errlen,
				    "a part is not"
				    " form-data");
			if (param(v, vn, "name", p->name, sizeof p->name) != 1)
				return fail(err, errlen,
				    "a part has no field"
				    " name");
			r = param(v, vn, "filename", p->filename,
			    sizeof p->filename);
			if (r < 0)
				return fail(err, errlen, "bad file name");
			p->is_file = r == 1;
			seen = 1;
		}
		if (eol == NULL)
			break;
		if (eol + 1 >= end || eol[1] != '\n')
			return fail(err, errlen,
			    "part headers must end lines"
			    " with CRLF");
		h = eol + 2;
	}
	if (!seen)
		return fail(err, errlen, "a part has no Content-Disposition");
	return 0;
}

int
multipart_parse(const char *body, size_t len, const char *boundary,
    struct mp_part *parts, int max, char *err, size_t errlen)
{
	char delim[MULTIPART_BOUNDARY_MAX + 5];
	size_t dl, pos;
	const char *end = body + len, *p, *hdr_end, *next;
	int n = 0;

	dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (boundary[0] == '\0' || dl >= sizeof delim)
		return fail(err, errlen, "bad boundary");
	/* The first delimiter may open the body without its CRLF. */
	if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0)
		p = body + dl - 2;
	else if ((p = memmem(body, len, delim, dl)) != NULL)
		p += dl;
	else
		return fail(err, errlen, "the body has no boundary");
	for (;;) {
		pos = (size_t)(end - p);
		if (pos >= 2 && p[0] == '-' && p[1] == '-')
			return n; /* the closing delimiter */
		while (pos > 0 && (*p == ' ' || *p == '\t'))
			p++, pos--;
		if (pos < 2 || p[0] != '\r' || p[1] != '\n')
			return fail(err, errlen,
			    "a boundary line must end"
			    " with CRLF");
		p += 2;
		if (n >= max)
			return fail(err, errlen, "too many form fields");
		memset(&parts[n], 0, sizeof parts[n]);
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return fail(err, errlen,
			    "a part has no"
			    " Content-Disposition");
		hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hdr_end == NULL)
			return fail(err, errlen, "a part's headers do not end");
		if (part_headers(p, (size_t)(hdr_end - p), &parts[n], err,
			errlen) < 0)
			return -1;
		p = hdr_end + 4;
		next = memmem(p, (size_t)(end - p), delim, dl);
		if (next == NULL)
			return fail(err, errlen,
			    "the body ends inside a part"
			    " (was the upload cut short?)");
		parts[n].data = p;
		parts[n].len = (size_t)(next - p);
		n++;
		p = next + dl;
	}
}

const struct mp_part *
multipart_find(const struct mp_part *parts, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}
