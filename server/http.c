/*
 * http.c - placeholder until the dashboard lands: refuses --http clearly.
 */
#include "http.h"

#include "log.h"

int
http_start(const char *addr)
{
	log_error("--http %s: the dashboard is not built into this popstatd",
	    addr);
	return -1;
}

void
http_stop(void)
{
}
