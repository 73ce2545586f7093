/*
 * outbox.h - the client's offline outbox: rows that could not be sent are
 * kept in a local sqlite file until the server can be reached.  Rows leave
 * the outbox only after the server has acknowledged them (stored,
 * duplicate or rejected), so a client killed at any moment loses nothing,
 * and re-sending is safe because the server is idempotent by record_id.
 */
#ifndef POPSTAT_OUTBOX_H
#define POPSTAT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "popstat.pb-c.h"

struct client;

/* Path of the outbox file ($POPSTAT_OUTBOX, else the user's data dir). */
const char *outbox_path(void);

/* Open (creating) the outbox; NULL with a message printed on failure. */
struct outbox *outbox_open(void);
void outbox_close(struct outbox *o);
int outbox_begin(struct outbox *o);
int outbox_commit(struct outbox *o);
/* Keep one row of kind for server, from file. */
int outbox_put(struct outbox *o, const char *server, int kind, const char *file,
    const Popstat__Row *row);
/*
 * Rows pending for server (all servers when server is NULL) that belong
 * to the current token: a row belongs to the account (token) that queued
 * it and is sent only with that token.
 */
long outbox_pending(struct outbox *o, const char *server);
/* Rows pending for server that other accounts queued. */
long outbox_pending_others(struct outbox *o, const char *server);
/* Print the pending rows; returns how many. */
long outbox_list(struct outbox *o);
/*
 * Send every row pending for the connected server, oldest first, in
 * batches of one kind; print rejections to out as "FILE line L: column:
 * reason".  Only the rows of the current token are sent.  A row rejected
 * for scope, and a batch refused as a whole (not authorised), stay in the
 * outbox, and the message says so.  Adds to *accepted, *duplicate,
 * *rejected.  Returns 0, or an exit status.
 */
int outbox_flush(struct outbox *o, struct client *c, FILE *out,
    unsigned long *accepted, unsigned long *duplicate, unsigned long *rejected);

/*
 * Send what the outbox holds for this server on c, quietly (a line on
 * stderr), if an outbox file exists: main.c makes it client_on_open, so
 * that any command that connects also flushes the outbox.
 */
void outbox_send_pending(struct client *c);

#endif
