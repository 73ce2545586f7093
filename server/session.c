/*
 * session.c - the live sessions of the protocol port (session.h): who each
 * connection is, and logging a user's sessions out.
 */
#include <stddef.h>

#include "log.h"
#include "session.h"

static struct session *sessions;

void
session_open(struct session *s)
{
	s->prev = NULL;
	s->next = sessions;
	if (sessions)
		sessions->prev = s;
	sessions = s;
}

void
session_close(struct session *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else if (sessions == s)
		sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

void
session_set_principal(struct session *s, const struct principal *p)
{
	s->authed = p != NULL;
	if (p != NULL)
		s->who = *p;
}

void
session_logout_user(int64_t user_id)
{
	struct session *s;

	for (s = sessions; s; s = s->next)
		if (s->authed && s->who.user_id == user_id) {
			s->authed = 0;
			log_info("%s: session of %s ended", s->peer,
			    s->who.name);
		}
}
