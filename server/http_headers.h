/*
 * http_headers.h - the headers of every dashboard reply (http_headers.c).
 */
#ifndef POPSTAT_HTTP_HEADERS_H
#define POPSTAT_HTTP_HEADERS_H

struct evhttp_request;

/* The security headers (and Content-Type, when given) of a reply. */
void http_headers(struct evhttp_request *req, const char *ctype);
/* Whether the dashboard serves HTTPS itself: replies then ask for HSTS. */
void http_headers_hsts(int on);

#endif
