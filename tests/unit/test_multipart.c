/*
 * test_multipart.c - unit tests of common/multipart.c.
 */
#include <string.h>

#include "check.h"
#include "multipart.h"

#define BODY(s) (s), sizeof(s) - 1

static void
test_boundary(void)
{
	char b[MULTIPART_BOUNDARY_MAX + 1], err[128];

	CHECK_INT(multipart_boundary("multipart/form-data; boundary=----Web"
				     "KitFormBoundaryx7",
		      b, err, sizeof err),
	    0);
	CHECK_STR(b, "----WebKitFormBoundaryx7");
	CHECK_INT(multipart_boundary("multipart/form-data;boundary=\"a b\"", b,
		      err, sizeof err),
	    0);
	CHECK_STR(b, "a b");
	CHECK_INT(multipart_boundary("application/x-www-form-urlencoded", b,
		      err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "multipart/form-data");
	CHECK_INT(multipart_boundary("multipart/form-data", b, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "no boundary");
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=", b, err,
		      sizeof err),
	    -1);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\x01", b,
		      err, sizeof err),
	    -1);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=xxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxx",
		      b, err, sizeof err),
	    -1);
}

static void
test_parse(void)
{
	struct mp_part p[4];
	const struct mp_part *f;
	char err[128];
	static const char body[] =
	    "--XY\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	    "abc\r\n--XY\r\n"
	    "Content-Disposition: form-data; name=\"file\";"
	    " filename=\"出生.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	    "a,b\r\n1,2\r\n\r\n--XY--\r\n";

	CHECK_INT(multipart_parse(BODY(body), "XY", p, 4, err, sizeof err), 2);
	CHECK_STR(p[0].name, "csrf");
	CHECK_INT(p[0].is_file, 0);
	CHECK_INT(p[0].len, 3);
	CHECK(memcmp(p[0].data, "abc", 3) == 0);
	f = multipart_find(p, 2, "file");
	CHECK(f != NULL);
	CHECK_INT(f->is_file, 1);
	CHECK_STR(f->filename, "出生.csv");
	CHECK_INT(f->len, 10); /* the data's own CRLFs are kept */
	CHECK(f && memcmp(f->data, "a,b\r\n1,2\r\n", 10) == 0);
	CHECK(multipart_find(p, 2, "kind") == NULL);
	/* An empty file field. */
	CHECK_INT(multipart_parse(BODY("--XY\r\nContent-Disposition: form-data;"
				       " name=\"file\"; "
				       "filename=\"\"\r\n\r\n\r\n--XY--"),
		      "XY", p, 4, err, sizeof err),
	    1);
	CHECK_INT(p[0].is_file, 1);
	CHECK_INT(p[0].len, 0);
}

static void
test_refused(void)
{
	struct mp_part p[2];
	char err[128];

	CHECK_INT(multipart_parse(BODY("no boundary here"), "XY", p, 2, err,
		      sizeof err),
	    -1);
	CHECK_CONTAINS(err, "no boundary");
	CHECK_INT(multipart_parse(BODY("--XY\r\nContent-Disposition: form-data;"
				       " name=\"a\"\r\n\r\ncut off"),
		      "XY", p, 2, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "cut short");
	CHECK_INT(multipart_parse(BODY(
				      "--XY\r\nContent-Type: text/plain\r\n\r\n"
				      "x\r\n--XY--"),
		      "XY", p, 2, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "Content-Disposition");
	CHECK_INT(multipart_parse(BODY("--XY\r\nContent-Disposition: form-data;"
				       " name=a\r\n\r\nx\r\n--XY--"),
		      "XY", p, 2, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "field name");
	CHECK_INT(multipart_parse(BODY("--XY\r\nContent-Disposition: form-data;"
				       " name=\"a\"\r\n\r\n1\r\n--"
				       "XY\r\nContent-Disposition: form-data;"
				       " name=\"b\"\r\n\r\n2\r\n--"
				       "XY\r\nContent-Disposition: form-data;"
				       " name=\"c\"\r\n\r\n3\r\n--XY--"),
		      "XY", p, 2, err, sizeof err),
	    -1);
	CHECK_CONTAINS(err, "too many");
	CHECK_INT(multipart_parse(BODY("--XYjunk"), "XY", p, 2, err,
		      sizeof err),
	    -1);
}

int
main(void)
{
	RUN(test_boundary);
	RUN(test_parse);
	RUN(test_refused);
	return check_summary("test_multipart");
}
