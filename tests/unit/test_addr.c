/*
 * test_addr.c - unit tests of common/addr.c: "HOST:PORT" as --server,
 * --listen and --http take it.
 */
#include <string.h>

#include "addr.h"
#include "check.h"

static char host[256], port[32];

static int
split(const char *s)
{
	memset(host, 'x', sizeof host);
	memset(port, 'x', sizeof port);
	return addr_split(s, host, sizeof host, port, sizeof port);
}

static void
test_plain(void)
{
	CHECK_INT(split("127.0.0.1:7070"), 0);
	CHECK_STR(host, "127.0.0.1");
	CHECK_STR(port, "7070");
	CHECK_INT(split("db.county.example:443"), 0);
	CHECK_STR(host, "db.county.example");
	CHECK_STR(port, "443");
}

static void
test_empty_parts(void)
{
	/* An empty host: listen on every address. */
	CHECK_INT(split(":7070"), 0);
	CHECK_STR(host, "");
	CHECK_STR(port, "7070");
	CHECK_INT(split("localhost:"), 0);
	CHECK_STR(host, "localhost");
	CHECK_STR(port, "");
	CHECK_INT(split(":"), 0);
	CHECK_STR(host, "");
	CHECK_STR(port, "");
}

static void
test_v6(void)
{
	CHECK_INT(split("[::1]:7070"), 0);
	CHECK_STR(host, "::1");
	CHECK_STR(port, "7070");
	CHECK_INT(split("[fe80::1%eth0]:0"), 0);
	CHECK_STR(host, "fe80::1%eth0");
	CHECK_STR(port, "0");
	/* The last colon splits: an unbracketed v6 address keeps the rest. */
	CHECK_INT(split("::1:7070"), 0);
	CHECK_STR(host, "::1");
	CHECK_STR(port, "7070");
	CHECK_INT(split("[]:7070"), 0);
	CHECK_STR(host, "");
	/* Only a pair of brackets is taken off. */
	CHECK_INT(split("[::1:7070"), 0);
	CHECK_STR(host, "[::1");
	CHECK_INT(split("]:1"), 0);
	CHECK_STR(host, "]");
}

static void
test_refused(void)
{
	CHECK_INT(split("localhost"), -1);
	CHECK_INT(split(""), -1);
	CHECK_INT(split("7070"), -1);
}

static void
test_cut(void)
{
	char h[5], p[3];

	CHECK_INT(addr_split("abcdefgh:12345", h, sizeof h, p, sizeof p), 0);
	CHECK_STR(h, "abcd");
	CHECK_STR(p, "12");
}

int
main(void)
{
	RUN(test_plain);
	RUN(test_empty_parts);
	RUN(test_v6);
	RUN(test_refused);
	RUN(test_cut);
	return (check_summary("test_addr"));
}
