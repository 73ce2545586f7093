/*
 * web.h - the dashboard's pages that write: record entry, amend and void,
 * the dekad report, task updates and register upload (doc/rules.md
 * §16).  http.c has checked the session, the transport, the Origin and the
 * anti-forgery token before web_serve() runs; every write then goes as the
 * same protobuf request the protocol carries through dispatch(), as the
 * session's principal, inside the group commit, and its page is sent once
 * the commit is durable.
 */
#ifndef POPSTAT_WEB_H
#define POPSTAT_WEB_H

#include <stddef.h>

#include "popstatd.h"

struct evhttp_request;
struct evkeyvalq;
struct mp_part;

struct web_call {
	struct evhttp_request *req;
	const char *path;
	int post;
	int lang; /* LANG_ZH or LANG_EN */
	struct principal who;
	const char *csrf;          /* the session's anti-forgery token */
	const struct evkeyvalq *q; /* the query string */
	const struct evkeyvalq
	    *form; /* POST fields (text parts of a multipart) */
	const struct mp_part *parts; /* multipart parts, or NULL */
	int nparts;
};

/* Serve a form page; the reply is sent now or after the commit. */
void web_serve(struct web_call *c);

#endif
