/*
 * dashboard.h - the dashboard's HTML pages, rendered by the server from the
 * typed replies of the read handlers (the same ones the protocol serves).
 *
 * Pages: the ranking of a unit's children, a unit's status with monthly
 * trend charts, the bulletins, the login form, error pages.  Each returns
 * the HTTP status and appends a whole page to d->out.  Chinese by default,
 * English with lang=en.  Everything is inline: no script, font, image or
 * style sheet is fetched from anywhere.
 */
#ifndef POPSTAT_DASHBOARD_H
#define POPSTAT_DASHBOARD_H

#include "popstatd.h"
#include "sbuf.h"

struct evkeyvalq;

struct dash {
	const struct principal *who;
	int anonymous;    /* --http-public visitor: aggregates only */
	int session;      /* logged in with the form: offer logout */
	int lang;         /* LANG_ZH or LANG_EN */
	const char *path; /* of this request, for the language switch */
	const struct evkeyvalq *q; /* decoded query parameters */
	sbuf *out;
	const char *csrf; /* the session's anti-forgery token */
	int may_write;    /* the form pages are served here */
};

int dash_home(struct dash *d);
int dash_ranking(struct dash *d);
int dash_unit(struct dash *d);
int dash_bulletins(struct dash *d);
int dash_bulletin(struct dash *d);
/* The login form; error NULL or a message (never the token). */
void dash_login(struct dash *d, const char *next, const char *error);
void dash_error(struct dash *d, int status, const char *message);

/* The frame of every page, for the form pages (web.c). */
void dash_page_begin(struct dash *d, const char *title, const char *nav);
void dash_page_end(struct dash *d);
/* Append s escaped for HTML text and attribute values. */
void dash_esc(struct dash *d, const char *s);

/* A query parameter, or NULL when absent or empty. */
const char *dash_param(const struct dash *d, const char *name);

#endif
