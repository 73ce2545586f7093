/*
 * multipart.h - the parts of a multipart/form-data body (RFC 7578), as a
 * browser posts a form with a file: each part's field name, file name (for
 * a file) and bytes, pointing into the body, which is never copied.
 *
 * Only what browsers send is accepted: a boundary of 1-70 characters from
 * the Content-Type, parts headed by Content-Disposition: form-data with a
 * quoted name, CRLF line ends, a closing delimiter.  Anything else is
 * refused with a message saying what is wrong.
 */
#ifndef POPSTAT_MULTIPART_H
#define POPSTAT_MULTIPART_H

#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70
#define MULTIPART_NAME_MAX 128

struct mp_part {
	char name[MULTIPART_NAME_MAX + 1];     /* the form field */
	char filename[MULTIPART_NAME_MAX + 1]; /* "" when not a file */
	int is_file;                           /* had a filename= */
	const char *data;                      /* into the body */
	size_t len;
};

/*
 * The boundary of a Content-Type value "multipart/form-data;
 * boundary=...".  Returns 0, or -1 with a message in err.
 */
int multipart_boundary(const char *content_type,
    char out[MULTIPART_BOUNDARY_MAX + 1], char *err, size_t errlen);

/*
 * Split body into at most max parts.  Returns the number of parts, or -1
 * with a message in err (a body that does not follow the format, or more
 * than max parts).
 */
int multipart_parse(const char *body, size_t len, const char *boundary,
    struct mp_part *parts, int max, char *err, size_t errlen);

/* The part named name, or NULL. */
const struct mp_part *
multipart_find(const struct mp_part *parts, int n, const char *name);

#endif
