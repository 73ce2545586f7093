/*
 * safepath.h - a local path a login may redirect back to.
 */
#ifndef POPSTAT_SAFEPATH_H
#define POPSTAT_SAFEPATH_H

#include <stddef.h>

/*
 * Nonzero when s may go in a Location header as a path on this server:
 * 1 to max bytes, a first '/' not followed by '/' or '\', and only
 * letters, digits, "-._~/?=&+,;:@!$*()'" and %XX escapes (two hex
 * digits).  Nothing is removed or decoded first: a tab, a space, a
 * backslash or any byte outside that set anywhere refuses it, so no
 * browser can read the path as "//host".
 */
int safepath_ok(const char *s, size_t max);

#endif
