/*
 * addr.c - splitting "HOST:PORT" (addr.h).
 */
#include "addr.h"

#include <string.h>

#include "sbuf.h"

int
addr_split(const char *s, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *colon = strrchr(s, ':');
	size_t n;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	xsnprintf(host, hostlen, "%.*s", (int)n, s);
	xsnprintf(port, portlen, "%s", colon + 1);
	return 0;
}
