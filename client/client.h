/*
 * client.h - the popstat command: shared state and helpers.
 */
#ifndef POPSTAT_CLIENT_H
#define POPSTAT_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "popstat.pb-c.h"

/* Exit statuses (doc/rules.md §12). */
#define EXIT_OK 0
#define EXIT_REJECTED 1
#define EXIT_USAGE 2
#define EXIT_NOCONN 3

#define DEFAULT_SERVER "127.0.0.1:7070"

struct options {
	const char *server;
	const char *token;
	const char *ca;  /* verify the server against this CA file */
	const char *pin; /* or against this SHA-256 fingerprint */
	int tls;         /* TLS with the system's CA store */
	int json, csv, quiet;
	/* Output (doc/indicators.md §14). */
	int lang;                /* LANG_EN or LANG_ZH (lang.h), as picked */
	const char *lang_flag;   /* --lang, or NULL */
	const char *lang_config; /* lang = in the config, or NULL */
	int wide;                /* --wide: every column */
	int xlsx;                /* --format xlsx */
	const char *output;      /* --output FILE */
	int bom;                 /* --bom: CSV for Excel */
	const char *encoding;    /* --encoding utf-8|gb18030, or NULL */
};
extern struct options opt;

/* A connection to popstatd (blocking; one request at a time). */
struct ssl_st;
struct ssl_ctx_st;

struct client {
	int fd;
	struct ssl_st *ssl;
	struct ssl_ctx_st *ctx;
	uint64_t next_id;
	char user[65], role[16], unit[32], today[16];
};

/*
 * Connect to opt.server and authenticate with opt.token.  Returns 0, or an
 * exit status after printing why.
 */
int client_open(struct client *c);
/* The same without sending the outbox first (used by sync itself). */
int client_open_noflush(struct client *c);
/* Called by client_open() once connected (main.c: send the outbox). */
extern void (*client_on_open)(struct client *c);
/* Set when the last client_open failed to reach the server at all. */
extern int client_net_error;
void client_close(struct client *c);
/*
 * Send rq and wait for its reply.  Returns the reply envelope (free with
 * popstat__envelope__free_unpacked) or NULL after printing the I/O error.
 */
Popstat__Envelope *client_call(struct client *c, Popstat__Request *rq);
/*
 * If resp is an Error, print it ("popstat: what: message") and return the
 * exit status for its code; else return 0.
 */
int client_error(const Popstat__Response *resp, const char *what);

/*
 * One request on a connection of its own: the reply in *out (free it with
 * popstat__envelope__free_unpacked), or an exit status after printing why.
 */
int
client_simple(Popstat__Request *rq, const char *what, Popstat__Envelope **out);
/* Send a request answered by an Ack; print its message. */
int client_ack(Popstat__Request *rq, const char *what);

/* Parsed options of a subcommand (args.c). */
struct opts {
	const char *v[16]; /* values of the named options, NULL if absent */
	int set[16];       /* given: options, then flags */
	const char *pos;   /* the positional argument, if wanted */
};
int args_parse(const char *cmd, int argc, char **argv, const char *const *names,
    int n, const char *const *flags, int nflags, struct opts *o, int want_pos);
/* Nonzero when argv asks for help (--help or -h anywhere). */
int args_help(int argc, char **argv);

/* Usage helpers. */
int args_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* unit import / unit export (cmd_units.c); argv[0] is "import"/"export". */
int unit_import(int argc, char **argv);
int unit_export(int argc, char **argv);

/* Tables that align CJK text (two columns per wide character). */
struct table;
/*
 * s as it may be written to a terminal: invalid UTF-8, control
 * characters (but tab) and bidirectional overrides escaped (utf8.h
 * utf8_escape()), whatever the server let through.  Returns s itself when
 * nothing needs escaping, else one of a few rotating buffers (valid until
 * eight more calls).  Every cell of a table goes through it.
 */
const char *tx(const char *s);
struct table *table_new(int ncols, const char *const *headers);
/* right: nonzero for numeric columns. */
void table_align_right(struct table *t, int col);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *f);
void table_free(struct table *t);

#endif
