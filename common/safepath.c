/*
 * safepath.c - a local path a login may redirect back to (safepath.h).
 */
#include "safepath.h"

#include <string.h>

static int
hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

int
safepath_ok(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (i >= max)
			return 0;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/?=&+,;:@!$*()'", c))
			continue;
		if (c == '%' && hex(s[i + 1]) && hex(s[i + 2])) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}
