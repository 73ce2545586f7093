/*
 * addr.h - "HOST:PORT" as the client's --server and the server's --listen
 * and --http take it.
 */
#ifndef POPSTAT_ADDR_H
#define POPSTAT_ADDR_H

#include <stddef.h>

/*
 * Split s at its last ':' into host and port; a host in brackets ([::1])
 * loses them, an empty host stays empty (the caller's "any address").  The
 * host is cut at hostlen - 1 bytes, as the port at portlen - 1.  Returns 0,
 * or -1 when s has no ':'.
 */
int addr_split(const char *s, char *host, size_t hostlen, char *port,
    size_t portlen);

#endif
