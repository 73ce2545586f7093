/*
 * session.h - who is at the other end of a protocol connection: the peer's
 * address, the principal it logged in as, and whether it is to end.
 *
 * conn.c keeps one struct session in each connection and joins it to the
 * list of live sessions (session_open/session_close); a request carries
 * it (struct req's sess), so a handler such as h_hello (req_admin.c) logs
 * the connection in or out and ends it without knowing the connection.
 * session.c imports neither conn.c nor a handler.
 */
#ifndef POPSTAT_SESSION_H
#define POPSTAT_SESSION_H

#include <netdb.h>

#include "popstatd.h"

struct session {
	struct principal who;
	int authed;            /* who is valid */
	int end;               /* close the connection once this reply is out */
	char peer[64];         /* "addr:port", for logs */
	char addr[NI_MAXHOST]; /* the peer's address, for the login throttle */
	struct session *prev, *next;
};

void session_open(struct session *s);  /* joins the live sessions */
void session_close(struct session *s); /* leaves them */
/* Log the session in as p, or out (p NULL). */
void session_set_principal(struct session *s, const struct principal *p);
/* Log out every live session of a user (token rotated or disabled). */
void session_logout_user(int64_t user_id);

#endif
