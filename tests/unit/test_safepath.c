/*
 * test_safepath.c - unit tests of common/safepath.c: the login's next=
 * accepts local paths only, whatever a browser would strip or decode.
 */
#include "check.h"
#include "safepath.h"

static void
test_accepted(void)
{
	CHECK(safepath_ok("/", 2048));
	CHECK(safepath_ok("/ranking?parent=610328&period=2026", 2048));
	CHECK(safepath_ok("/unit?unit=610328101&lang=en", 2048));
	CHECK(safepath_ok("/bulletin?period=2026-10%E5%8E%BF", 2048));
	CHECK(safepath_ok("/a/b/./c?x=1,2;y=@!$*()'~+:", 2048));
}

static void
test_refused(void)
{
	CHECK(!safepath_ok(NULL, 2048));
	CHECK(!safepath_ok("", 2048));
	CHECK(!safepath_ok("ranking", 2048));
	CHECK(!safepath_ok("//evil.com", 2048));
	CHECK(!safepath_ok("/\\evil.com", 2048));
	CHECK(!safepath_ok("/\t/evil.com", 2048)); /* browsers drop the tab */
	CHECK(!safepath_ok("/\n/evil.com", 2048));
	CHECK(!safepath_ok("/\r/evil.com", 2048));
	CHECK(!safepath_ok("/ /evil.com", 2048));
	CHECK(!safepath_ok("/x\\y", 2048));
	CHECK(!safepath_ok("https://evil.com/", 2048));
	CHECK(!safepath_ok("/x\"onload=", 2048));
	CHECK(!safepath_ok("/<script>", 2048));
	CHECK(!safepath_ok("/x#frag", 2048));
	CHECK(!safepath_ok("/\xe5\x8e\xbf", 2048)); /* raw UTF-8: escape it */
	CHECK(!safepath_ok("/%", 2048));
	CHECK(!safepath_ok("/%2", 2048));
	CHECK(!safepath_ok("/%zz", 2048));
	CHECK(!safepath_ok("/abcdef", 4));
	CHECK(safepath_ok("/abc", 4));
}

int
main(void)
{
	RUN(test_accepted);
	RUN(test_refused);
	return (check_summary("test_safepath"));
}
