/*
 * http.h - the read-only dashboard, JSON API and metrics over evhttp.
 */
#ifndef POPSTAT_HTTP_H
#define POPSTAT_HTTP_H

/* Start serving on addr (HOST:PORT) on srv.base.  0, or -1 after logging. */
int http_start(const char *addr);
void http_stop(void);

#endif
