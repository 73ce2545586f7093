/*
 * commit.h - the group commit: holding replies until their writes are
 * durable.
 *
 * A write request is applied inside the transaction open for the loop
 * turn (store.h).  Its reply is held with commit_hold(); at the end of
 * the turn the transaction is committed and, with durability=full, the
 * WAL synced by the sync thread while the loop serves the next turn; only
 * then is each holder's done() called (err NULL), or with a message when
 * the writes were not stored.  Nothing is acknowledged earlier.
 */
#ifndef POPSTAT_COMMIT_H
#define POPSTAT_COMMIT_H

struct commit_hold {
	void (*done)(struct commit_hold *h, const char *err);
	struct commit_hold *next, **pprev; /* on a list while held */
};

/* Start the flush event and (durability=full) the sync thread; fatal()
 * runs once when a sync failed and the server must stop. */
int commit_start(void (*fatal)(void));
/* After the loop: the last sync, then every holder still waiting is told
 * the server stopped. */
void commit_stop(void);
/* Hold h until the open transaction is durable, then done(h, err). */
void commit_hold(struct commit_hold *h,
    void (*done)(struct commit_hold *h, const char *err));
/* h goes away (its connection closed): done() is never called. */
void commit_forget(struct commit_hold *h);
/*
 * After a write dispatched outside a connection (the HTTP forms): call
 * done(arg, NULL) once the group commit holding it is durable, or
 * done(arg, message) when it was not stored.
 */
void commit_after(void (*done)(void *arg, const char *err), void *arg);
/* Commit the open transaction at the end of this turn (shutdown). */
void commit_kick(void);
/* Holders not yet released (shutdown waits for them). */
int commit_pending(void);

#endif
