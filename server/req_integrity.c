/*
 * req_integrity.c - void, audit log, approval locks.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "locks.h"
#include "log.h"
#include "period.h"
#include "popstatd.h"
#include "sbuf.h"
#include "units.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

static int
reason_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 500;
}

int
h_void(struct req *r)
{
	const Popstat__Void *q = r->rq->void_;
	const struct lock *l;
	stored_record old;
	char text[160], a[11], b[11];
	int32_t locked_day = 0;
	int u, rc;

	if (!reason_ok(q->reason))
		return req_error(r, E(BAD_REQUEST),
		    "a reason (2-500 bytes) is"
		    " required to void a record");
	if ((u = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	if (!scope_may_write(r->who, u))
		return req_error(r, E(FORBIDDEN),
		    "unit %s is outside your scope", q->unit);
	rc = store_record_get(unit_at(u)->id, q->record_id, &old);
	if (rc < 0)
		return req_error(r, E(INTERNAL), "database error");
	/* An inspector (any unit, verification records only) gets one
	 * answer for an id that is not stored and for another kind's id,
	 * live or voided: the void does not tell it which ids exist. */
	if (r->who->role == ROLE_INSPECTOR &&
	    (rc == 0 || old.rec.kind != KIND_VERIFICATION))
		return req_error(r, E(NOT_FOUND),
		    "no verification record %.64s"
		    " in unit %s (an inspector voids verification records"
		    " only)",
		    q->record_id, q->unit);
	if (rc == 0)
		return req_error(r, E(NOT_FOUND), "no record %.64s in unit %s",
		    q->record_id, q->unit);
	if (old.voided)
		return req_error(r, E(CONFLICT),
		    "record %s of unit %s is already"
		    " voided",
		    q->record_id, q->unit);
	if ((l = lock_covering(u, old.rec.day)) != NULL)
		return req_error(r, E(LOCKED),
		    "record %s is in a locked period:"
		    " %s %s..%s was approved by %s at %s; ask the county office"
		    " to unlock it",
		    q->record_id, unit_at(l->unit)->code,
		    date_format(l->start, a), date_format(l->end, b), l->by,
		    l->at);
	record_text(&old, text, sizeof text);
	if ((rc = ingest_void(&old, &locked_day)) == INGEST_LOCKED)
		return req_error(r, E(LOCKED),
		    "voiding %s would change the"
		    " verification record of %s, which lies in an approved,"
		    " locked period; ask the county office to unlock it",
		    q->record_id, date_format(locked_day, a));
	if (rc < 0 ||
	    store_audit(r->who->name, "record.void", q->unit, q->record_id,
		text, NULL, q->reason) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	log_info("%s voided record %s of %s", r->who->name, q->record_id,
	    q->unit);
	req_ack(r,
	    req_printf(r, "record %s of unit %s voided", q->record_id,
		q->unit));
	return 0;
}

struct audit_ctx {
	struct req *r;
	int unit;       /* filter: within this unit, -1 none */
	int clerk_unit; /* a clerk sees its own subtree only */
	size_t limit;
	Popstat__AuditEntry **v;
	size_t n;
};

static int
entry_visible(const struct audit_ctx *x, const char *code)
{
	int u;

	if (x->unit < 0 && x->clerk_unit < 0)
		return 1;
	if (code == NULL || (u = unit_find(code)) < 0)
		return 0;
	if (x->unit >= 0 && !unit_within(u, x->unit))
		return 0;
	return x->clerk_unit < 0 || unit_within(u, x->clerk_unit);
}

static char *
dup_or_null(struct req *r, const char *s)
{
	return s ? req_strdup(r, s) : NULL;
}

static int
audit_one(const store_audit_row *a, void *arg)
{
	struct audit_ctx *x = arg;
	Popstat__AuditEntry *e;

	if (!entry_visible(x, a->unit))
		return 0;
	e = req_alloc(x->r, sizeof *e);
	popstat__audit_entry__init(e);
	e->id = (uint64_t)a->id;
	e->at = req_strdup(x->r, a->at);
	e->user = req_strdup(x->r, a->user);
	e->action = req_strdup(x->r, a->action);
	e->unit = dup_or_null(x->r, a->unit);
	e->object = dup_or_null(x->r, a->object);
	e->old = dup_or_null(x->r, a->old);
	e->new_ = dup_or_null(x->r, a->new_);
	e->reason = dup_or_null(x->r, a->reason);
	x->v[x->n++] = e;
	return x->n == x->limit;
}

int
h_audit(struct req *r)
{
	const Popstat__AuditQuery *q = r->rq->audit;
	Popstat__AuditOk *ok;
	struct audit_ctx x;
	char err[96];
	int32_t d;

	memset(&x, 0, sizeof x);
	x.r = r;
	x.unit = -1;
	x.clerk_unit = r->who->role == ROLE_CLERK ? r->who->unit : -1;
	/* The audit log is record-level: a clerk asks of its subtree. */
	if (q->unit && *q->unit &&
	    (x.unit = scope_unit(r, q->unit, SCOPE_RECORD)) < 0)
		return -1;
	if (q->since && *q->since &&
	    date_parse(q->since, &d, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--since %.20s: %s",
		    q->since, err);
	x.limit = q->has_limit && q->limit > 0 && q->limit <= 100000 ?
	    q->limit :
	    1000;
	x.v = req_alloc(r, x.limit * sizeof *x.v);
	if (store_audit_query(q->since, audit_one, &x) < 0)
		return req_error(r, E(INTERNAL), "database error");
	ok = req_alloc(r, sizeof *ok);
	popstat__audit_ok__init(ok);
	ok->entries = x.v;
	ok->n_entries = x.n;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_AUDIT;
	r->resp.audit = ok;
	return 0;
}

static int
parse_unit_period(struct req *r, const char *code, const char *spec, int *u,
    period *p)
{
	char err[256];

	if ((*u = unit_find(code)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    code);
	if (server_period_parse(spec, server_today(), p, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	return 0;
}

int
h_approve(struct req *r)
{
	const Popstat__Approve *q = r->rq->approve;
	struct lock l;
	char a[11], b[11];
	period p;
	int u, i;

	if (parse_unit_period(r, q->unit, q->period, &u, &p) < 0)
		return -1;
	for (i = 0; i < locks_count(); i++) {
		const struct lock *x = lock_at(i);

		if (x->unit == u && x->start == p.start && x->end == p.end)
			return req_error(r, E(CONFLICT),
			    "%s %s..%s is already"
			    " approved",
			    q->unit, date_format(p.start, a),
			    date_format(p.end, b));
	}
	memset(&l, 0, sizeof l);
	l.unit = u;
	l.start = p.start;
	l.end = p.end;
	xsnprintf(l.by, sizeof l.by, "%s", r->who->name);
	if (store_lock_insert(unit_at(u)->id, p.start, p.end, r->who->name,
		&l.id) < 0 ||
	    store_audit(r->who->name, "lock.approve", q->unit,
		req_printf(r, "%s..%s", date_format(p.start, a),
		    date_format(p.end, b)),
		NULL, "locked", NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	{
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(l.at, sizeof l.at, "%Y-%m-%dT%H:%M:%S", &tm);
	}
	locks_add(&l);
	log_info("%s approved %s %s..%s", r->who->name, q->unit, a, b);
	req_ack(r,
	    req_printf(r, "%s %s..%s approved and locked", q->unit, a, b));
	return 0;
}

int
h_unlock(struct req *r)
{
	const Popstat__Unlock *q = r->rq->unlock;
	const struct lock *found = NULL;
	char a[11], b[11];
	period p;
	int u, i;

	if (!reason_ok(q->reason))
		return req_error(r, E(BAD_REQUEST),
		    "a reason (2-500 bytes) is"
		    " required to unlock");
	if (parse_unit_period(r, q->unit, q->period, &u, &p) < 0)
		return -1;
	for (i = 0; i < locks_count(); i++) {
		const struct lock *x = lock_at(i);

		if (x->unit == u && x->start == p.start && x->end == p.end)
			found = x;
	}
	date_format(p.start, a);
	date_format(p.end, b);
	if (found == NULL)
		return req_error(r, E(NOT_FOUND),
		    "%s %s..%s is not locked (see"
		    " 'popstat lock list --unit %s')",
		    q->unit, a, b, q->unit);
	if (store_lock_delete(found->id) < 0 ||
	    store_audit(r->who->name, "lock.unlock", q->unit,
		req_printf(r, "%s..%s", a, b), "locked", "unlocked",
		q->reason) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	locks_remove(found->id);
	log_info("%s unlocked %s %s..%s", r->who->name, q->unit, a, b);
	req_ack(r, req_printf(r, "%s %s..%s unlocked", q->unit, a, b));
	return 0;
}

int
h_lock_list(struct req *r)
{
	const Popstat__LockList *q = r->rq->lock_list;
	Popstat__LockListOk *ok = req_alloc(r, sizeof *ok);
	int i, u = -1, n = locks_count();
	char d[11];

	if (q->unit && *q->unit && (u = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	/*
	 * A clerk sees the locks that concern its subtree: on its unit,
	 * above it or below it (doc/rules.md §10), and asks about no
	 * unit outside it.
	 */
	if (r->who->role == ROLE_CLERK) {
		if (r->who->unit < 0)
			return req_error(r, E(FORBIDDEN),
			    "a clerk without a unit"
			    " reads no locks");
		if (u >= 0 && !scope_may_read(r->who, u, SCOPE_BELOW))
			return scope_refuse(r, u, SCOPE_BELOW);
		if (u < 0)
			u = r->who->unit;
	}
	popstat__lock_list_ok__init(ok);
	ok->locks = req_alloc(r, (size_t)(n ? n : 1) * sizeof *ok->locks);
	for (i = 0; i < n; i++) {
		const struct lock *l = lock_at(i);
		Popstat__LockInfo *m;

		/* Locks on the unit, above it or below it all concern it. */
		if (u >= 0 && !unit_within(u, l->unit) &&
		    !unit_within(l->unit, u))
			continue;
		m = req_alloc(r, sizeof *m);
		popstat__lock_info__init(m);
		m->unit = unit_at(l->unit)->code;
		m->start = req_strdup(r, date_format(l->start, d));
		m->end = req_strdup(r, date_format(l->end, d));
		m->approved_by = req_strdup(r, l->by);
		m->approved_at = req_strdup(r, l->at);
		ok->locks[ok->n_locks++] = m;
	}
	r->resp.body_case = POPSTAT__RESPONSE__BODY_LOCK_LIST;
	r->resp.lock_list = ok;
	return 0;
}
