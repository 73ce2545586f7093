/*
 * http_headers.c - the headers of every dashboard reply, whichever module
 * (http.c, web.c) writes it: what the browser may load and keep.
 */
#include "http_headers.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

static int hsts; /* the dashboard serves HTTPS itself */

void
http_headers_hsts(int on)
{
	hsts = on;
}

void
http_headers(struct evhttp_request *req, const char *ctype)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	if (ctype)
		evhttp_add_header(h, "Content-Type", ctype);
	/* Nothing is loaded from anywhere: no script, font or image. */
	evhttp_add_header(h, "Content-Security-Policy",
	    "default-src 'none';"
	    " style-src 'unsafe-inline'; img-src data:; form-action 'self';"
	    " frame-ancestors 'none'; base-uri 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	/*
	 * Nothing to other sites; but same-origin, not no-referrer: under
	 * no-referrer a browser sends "Origin: null" with its own form
	 * posts, which cross_origin() must refuse.
	 */
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (hsts)
		evhttp_add_header(h, "Strict-Transport-Security",
		    "max-age=31536000");
}
