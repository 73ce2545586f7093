/*
 * req_submit.c - storing records: validation, idempotency, counters and
 * verification matching, all inside the group-commit transaction.
 */
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "keyhash.h"
#include "locks.h"
#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "record.h"
#include "row.h"
#include "sbuf.h"
#include "units.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x
/* A verification matches a birth within this many days either side. */
#define MATCH_WINDOW 30

/*
 * Keyed hash of a mother_id: the value itself is never stored.  The key
 * (the database's secret) is prepared once (common/keyhash.h); should
 * OpenSSL fail there, the one-shot HMAC() gives the same bytes.  -1 when
 * both fail (OpenSSL could not allocate): the row is not stored.
 */
static int
mother_hash(const char *id, uint8_t out[HASH_LEN])
{
	static keyhash *k;
	unsigned int len = HASH_LEN;

	if (k == NULL)
		k = keyhash_new(store_secret(), SECRET_LEN);
	if (k != NULL && keyhash_sum(k, id, strlen(id), out) == 0)
		return 0;
	return HMAC(EVP_sha256(), store_secret(), SECRET_LEN,
		   (const unsigned char *)id, strlen(id), out, &len) ?
	    0 :
	    -1;
}

/* The counters a record adds to its unit and day (sign -1 removes it). */
static void
record_delta(const stored_record *s, int sign, counters *d)
{
	const record *r = &s->rec;

	memset(d, 0, sizeof *d);
	d->v[CTR_RECORDS] = sign;
	d->v[CTR_TIMELY] = s->timely ? sign : 0;
	switch (r->kind) {
	case KIND_BIRTH:
		d->v[CTR_BIRTHS] = sign;
		d->v[r->sex == 1 ? CTR_BIRTHS_MALE : CTR_BIRTHS_FEMALE] = sign;
		d->v[CTR_BIRTHS_POLICY] = r->policy ? sign : 0;
		d->v[CTR_BIRTHS_ORDER3] = r->birth_order >= 3 ? sign : 0;
		break;
	case KIND_DEATH: d->v[CTR_DEATHS] = sign; break;
	case KIND_MIGRATION:
		d->v[r->direction == 1 ? CTR_MIG_IN : CTR_MIG_OUT] =
		    sign * r->persons;
		break;
	case KIND_VERIFICATION:
		d->v[CTR_VERIFIED] = sign;
		d->v[CTR_VERIFIED_MISSED] = s->matched ? 0 : sign;
		break;
	}
}

/*
 * Add a record's counters to its unit and day (sign 1), or take them away
 * (sign -1); a population record also adds or removes its snapshot.
 */
static int
account(const stored_record *s, int sign)
{
	counters d;

	record_delta(s, sign, &d);
	if (s->rec.kind == KIND_POPULATION)
		store_pop(s->unit_id, s->rec.day, s->rec.persons, sign);
	return store_daily_add(s->unit_id, s->rec.day, &d);
}

struct unmiss_ctx {
	int64_t unit_id;
	int failed;
	int32_t
	    locked_day; /* a verification it changed is in a locked period */
};

/*
 * Matching changes a verification's own day: an approved period must not
 * move, so note it and let the caller undo the row.
 */
static void
note_lock(struct unmiss_ctx *x, int32_t day)
{
	int u = unit_by_id(x->unit_id);

	if (x->locked_day == 0 && u >= 0 && lock_covering(u, day))
		x->locked_day = day;
}

/* A verification record found its birth: it is no longer a miss. */
static void
unmiss(int32_t day, void *arg)
{
	struct unmiss_ctx *x = arg;
	counters d;

	memset(&d, 0, sizeof d);
	d.v[CTR_VERIFIED_MISSED] = -1;
	note_lock(x, day);
	if (store_daily_add(x->unit_id, day, &d) < 0)
		x->failed = 1;
}

/*
 * A birth (new, or amended) matches the verification records of its mother
 * within the window: they stop being misses.  Returns 0, -1 on a database
 * error, INGEST_LOCKED (with *locked_day) when one of them lies in a
 * locked period.
 */
static int
match_verifications(const stored_record *s, int32_t *locked_day)
{
	struct unmiss_ctx x = { s->unit_id, 0, 0 };

	if (s->rec.kind != KIND_BIRTH || !s->has_hash)
		return 0;
	if (store_verification_mark(s->unit_id, s->mother_hash,
		s->rec.day - MATCH_WINDOW, s->rec.day + MATCH_WINDOW, unmiss,
		&x) < 0 ||
	    x.failed)
		return -1;
	if (x.locked_day) {
		*locked_day = x.locked_day;
		return INGEST_LOCKED;
	}
	return 0;
}

/* A live birth with a mother hash joins the possible double registrations. */
static int
pair_births(const stored_record *s)
{
	if (s->rec.kind != KIND_BIRTH || !s->has_hash)
		return 0;
	return store_pairs_add(s);
}

/*
 * Store a new record and keep the counters in step with it.  Returns 0,
 * -1 on a database error (the caller's savepoint undoes everything), or
 * INGEST_LOCKED as match_verifications().
 */
static int
ingest_insert(stored_record *s, int64_t user_id, int32_t *locked_day)
{
	if (s->rec.kind == KIND_VERIFICATION) {
		int m = store_birth_match(s->unit_id, s->mother_hash,
		    s->rec.day - MATCH_WINDOW, s->rec.day + MATCH_WINDOW);

		if (m < 0)
			return -1;
		s->matched = m;
	}
	s->received_day = server_today();
	s->timely = s->received_day - s->rec.day <= srv.set.timely_days;
	if (store_record_insert(s, s->received_day, user_id) < 0 ||
	    account(s, 1) < 0 || pair_births(s) < 0)
		return -1;
	return match_verifications(s, locked_day);
}

/* A birth went away or moved: verifications it matched may now be misses. */
static void
remiss(int32_t day, void *arg)
{
	struct unmiss_ctx *x = arg;
	counters d;

	memset(&d, 0, sizeof d);
	d.v[CTR_VERIFIED_MISSED] = 1;
	note_lock(x, day);
	if (store_daily_add(x->unit_id, day, &d) < 0)
		x->failed = 1;
}

/*
 * Take a stored record's contribution out of the counters; the caller has
 * already changed or voided the row itself, so a birth no longer matches
 * the verifications it used to.
 */
static int
ingest_retract(const stored_record *old, int32_t *locked_day)
{
	if (account(old, -1) < 0)
		return -1;
	if (old->rec.kind == KIND_BIRTH && old->has_hash) {
		struct unmiss_ctx x = { old->unit_id, 0, 0 };

		if (store_pairs_drop(old->unit_id, old->rec.record_id) < 0)
			return -1;

		if (store_verification_recheck(old->unit_id, old->mother_hash,
			old->rec.day - MATCH_WINDOW,
			old->rec.day + MATCH_WINDOW, MATCH_WINDOW, remiss,
			&x) < 0 ||
		    x.failed)
			return -1;
		if (x.locked_day) {
			*locked_day = x.locked_day;
			return INGEST_LOCKED;
		}
	}
	return 0;
}

/*
 * Replace a stored record's content with s (same unit and record_id) and
 * move the counters with it.
 */
static int
ingest_amend(const stored_record *old, stored_record *s, int32_t *locked_day)
{
	int rc;

	if (s->rec.kind == KIND_VERIFICATION) {
		int m = store_birth_match(s->unit_id, s->mother_hash,
		    s->rec.day - MATCH_WINDOW, s->rec.day + MATCH_WINDOW);

		if (m < 0)
			return -1;
		s->matched = m;
	}
	/* Timeliness is judged from when the record first arrived. */
	s->received_day = old->received_day;
	s->timely = s->received_day - s->rec.day <= srv.set.timely_days;
	if (store_record_update(s) < 0)
		return -1;
	if ((rc = ingest_retract(old, locked_day)) < 0)
		return rc;
	if (account(s, 1) < 0 || pair_births(s) < 0)
		return -1;
	return match_verifications(s, locked_day);
}

/*
 * Void a stored record: the row stays (marked voided), its counters go.
 */
int
ingest_void(const stored_record *old, int32_t *locked_day)
{
	if (store_record_void(old->unit_id, old->rec.record_id) < 0)
		return -1;
	return ingest_retract(old, locked_day);
}

/* One line describing a record's content for the audit log. */
void
record_text(const stored_record *s, char *buf, size_t n)
{
	const record *r = &s->rec;
	char day[11], mh[20] = "";

	date_format(r->day, day);
	if (s->has_hash)
		snprintf(mh, sizeof mh, " mother=#%02x%02x%02x%02x",
		    s->mother_hash[0], s->mother_hash[1], s->mother_hash[2],
		    s->mother_hash[3]);
	switch (r->kind) {
	case KIND_BIRTH:
		xsnprintf(buf, n, "birth %s sex=%s birth_order=%d policy=%s%s",
		    day, r->sex == 1 ? "M" : "F", r->birth_order,
		    r->policy ? "Y" : "N", mh);
		break;
	case KIND_DEATH:
		xsnprintf(buf, n, "death %s sex=%s age=%d", day,
		    r->sex == 1 ? "M" : "F", r->age);
		break;
	case KIND_MIGRATION:
		xsnprintf(buf, n, "migration %s direction=%s persons=%lld", day,
		    r->direction == 1 ? "in" : "out", (long long)r->persons);
		break;
	case KIND_POPULATION:
		xsnprintf(buf, n, "population %s persons=%lld", day,
		    (long long)r->persons);
		break;
	default: xsnprintf(buf, n, "verification %s%s", day, mh);
	}
}

static int
same_content(const stored_record *a, const stored_record *b)
{
	return a->rec.kind == b->rec.kind && a->rec.day == b->rec.day &&
	    a->rec.sex == b->rec.sex &&
	    a->rec.birth_order == b->rec.birth_order &&
	    a->rec.policy == b->rec.policy && a->rec.age == b->rec.age &&
	    a->rec.direction == b->rec.direction &&
	    a->rec.persons == b->rec.persons && a->has_hash == b->has_hash &&
	    (!a->has_hash ||
		memcmp(a->mother_hash, b->mother_hash, HASH_LEN) == 0);
}

/*
 * Check that the caller may write records of this unit: an admin anywhere,
 * a clerk within its own subtree, an inspector (verification only) anywhere.
 */
int
scope_may_write(const struct principal *who, int unit)
{
	if (who->role == ROLE_ADMIN || who->role == ROLE_INSPECTOR)
		return 1;
	if (who->role == ROLE_CLERK)
		return who->unit >= 0 && unit_within(unit, who->unit);
	return 0;
}

/*
 * Validate and classify one row.  Returns 1 stored, 2 duplicate, 0 rejected
 * (with *column and reason set), -1 database error.
 */
/*
 * The outcome of an ingest step run under the row savepoint that
 * submit_row() opened: 1 stored; 0 rejected and undone (a verification it
 * would change lies in a locked period); -1 database error.
 */
static int
guarded(int rc, int32_t locked_day, const char **column, char *reason,
    size_t rlen)
{
	char d[11];

	if (rc == INGEST_LOCKED) {
		store_row_release(1);
		*column = "mother_id";
		xsnprintf(reason, rlen,
		    "this birth would change the verification"
		    " record of %s, which lies in an approved, locked period; "
		    "ask"
		    " the county office to unlock it",
		    date_format(locked_day, d));
		return 0;
	}
	if (rc < 0)
		return -1;
	store_row_release(0);
	return 1;
}

static int
lock_refuses(int unit, int32_t day, char *reason, size_t rlen)
{
	const struct lock *l = lock_covering(unit, day);
	char a[11], b[11], d[11];

	if (l == NULL)
		return 0;
	xsnprintf(reason, rlen,
	    "%s is in a locked period: %s %s..%s was"
	    " approved by %s at %s; ask the county office to unlock it",
	    date_format(day, d), unit_at(l->unit)->code,
	    date_format(l->start, a), date_format(l->end, b), l->by, l->at);
	return 1;
}

static int
submit_row(struct req *r, int kind, const Popstat__Row *row, int amend,
    const char *why, const char **column, char *reason, size_t rlen)
{
	const char *f[COL_COUNT];
	stored_record s, old;
	int32_t locked_day = 0;
	int unit, rc;

	row_fields(row, f);
	memset(&s, 0, sizeof s);
	if (record_validate(kind, f, server_today(), &s.rec, column, reason,
		rlen) < 0)
		return 0;
	unit = unit_find(s.rec.unit);
	*column = "unit";
	if (unit < 0) {
		xsnprintf(reason, rlen, "unknown unit %s", s.rec.unit);
		return 0;
	}
	if (!scope_may_write(r->who, unit)) {
		xsnprintf(reason, rlen, "unit %s is outside your scope (%s)",
		    s.rec.unit,
		    r->who->unit >= 0 ? unit_at(r->who->unit)->code : "none");
		return 0;
	}
	/* A merged unit's records still go in: they count for the unit it
	 * was merged into. */
	if (!unit_active(unit, s.rec.day) && !unit_at(unit)->merged) {
		char day[11];

		*column = "date";
		xsnprintf(reason, rlen,
		    "unit %s is retired from %s: records"
		    " from that day on belong to the unit that took it over",
		    s.rec.unit, date_format(unit_at(unit)->retired_from, day));
		return 0;
	}
	s.unit_id = unit_at(unit)->id;
	if (s.rec.has_mother) {
		if (mother_hash(s.rec.mother_id, s.mother_hash) < 0) {
			explicit_bzero(s.rec.mother_id, sizeof s.rec.mother_id);
			*column = "mother_id";
			xsnprintf(reason, rlen,
			    "the server could not hash"
			    " mother_id (out of memory): send the row again");
			return 0;
		}
		s.has_hash = 1;
	}
	/* Nothing personal outlives this function. */
	explicit_bzero(s.rec.mother_id, sizeof s.rec.mother_id);

	rc = store_record_get(s.unit_id, s.rec.record_id, &old);
	if (rc < 0)
		return -1;
	if (amend) {
		char before[160], after[160];

		*column = "record_id";
		/* An inspector is told nothing of other kinds' ids (see
		 * h_void). */
		if (rc == 1 && r->who->role == ROLE_INSPECTOR &&
		    old.rec.kind != kind)
			rc = 0;
		if (rc == 0) {
			xsnprintf(reason, rlen,
			    "%s is not stored in unit %s;"
			    " submit it instead",
			    s.rec.record_id, s.rec.unit);
			return 0;
		}
		if (old.voided) {
			xsnprintf(reason, rlen, "%s was voided",
			    s.rec.record_id);
			return 0;
		}
		if (old.rec.kind != kind) {
			xsnprintf(reason, rlen, "%s is a %s record, not %s",
			    s.rec.record_id, kind_name(old.rec.kind),
			    kind_name(kind));
			return 0;
		}
		if (same_content(&s, &old))
			return 2;
		*column = "date";
		if (lock_refuses(unit, old.rec.day, reason, rlen) ||
		    lock_refuses(unit, s.rec.day, reason, rlen))
			return 0;
		if (kind == KIND_POPULATION) {
			int64_t persons;
			char other[RECORD_ID_MAX + 1];

			/* One population a unit and day: other records agree.
			 */
			rc = store_population_on(s.unit_id, s.rec.day,
			    s.rec.record_id, &persons, other, sizeof other);
			if (rc < 0)
				return -1;
			if (rc == 1 && persons != s.rec.persons) {
				*column = "persons";
				xsnprintf(reason, rlen,
				    "population of %s on this"
				    " date is already %lld (record %s)",
				    s.rec.unit, (long long)persons, other);
				return 0;
			}
		}
		record_text(&old, before, sizeof before);
		record_text(&s, after, sizeof after);
		if (store_row_savepoint() < 0)
			return -1;
		rc = ingest_amend(&old, &s, &locked_day);
		if ((rc = guarded(rc, locked_day, column, reason, rlen)) <= 0)
			return rc;
		if (store_audit(r->who->name, "record.amend", s.rec.unit,
			s.rec.record_id, before, after, why) < 0)
			return -1;
		return 1;
	}
	if (rc == 1) {
		*column = "record_id";
		if (old.voided) {
			xsnprintf(reason, rlen,
			    "%s was voided; a voided"
			    " record_id cannot be reused",
			    s.rec.record_id);
			return 0;
		}
		if (same_content(&s, &old))
			return 2;
		xsnprintf(reason, rlen,
		    "conflict: %s is already stored with"
		    " different content (use amend to change it)",
		    s.rec.record_id);
		return 0;
	}
	if (kind == KIND_POPULATION) {
		int64_t persons;
		char other[RECORD_ID_MAX + 1];

		rc = store_population_on(s.unit_id, s.rec.day, NULL, &persons,
		    other, sizeof other);
		if (rc < 0)
			return -1;
		if (rc == 1 && persons != s.rec.persons) {
			*column = "persons";
			xsnprintf(reason, rlen,
			    "population of %s on this date is"
			    " already %lld (record %s); amend that record",
			    s.rec.unit, (long long)persons, other);
			return 0;
		}
	}
	/* A duplicate changes nothing, so it passes a lock; a new row not. */
	*column = "date";
	if (lock_refuses(unit, s.rec.day, reason, rlen))
		return 0;
	/*
	 * Only a birth matching a verification in a locked period makes a
	 * stored row be undone (INGEST_LOCKED): without a lock near its day no
	 * row savepoint is needed (two statements a row saved).
	 */
	if (s.rec.kind != KIND_BIRTH || !s.has_hash ||
	    !lock_overlapping(unit, s.rec.day - MATCH_WINDOW,
		s.rec.day + MATCH_WINDOW)) {
		rc = ingest_insert(&s, r->who->user_id, &locked_day);
		return rc == 0 ? 1 : -1; /* INGEST_LOCKED cannot happen */
	}
	if (store_row_savepoint() < 0)
		return -1;
	rc = ingest_insert(&s, r->who->user_id, &locked_day);
	return guarded(rc, locked_day, column, reason, rlen);
}

/*
 * Submit or amend a batch of rows of one kind.  Every row is judged on its
 * own: valid rows are stored while bad ones are rejected with line, column
 * and reason.
 */
static int
batch(struct req *r, int kind, Popstat__Row **rows, size_t n_rows, int amend,
    const char *why)
{
	Popstat__SubmitOk *ok;
	size_t i, nrej = 0;
	char reason[320];
	const char *column;
	int rc;

	if (kind_name(kind) == NULL)
		return req_error(r, E(BAD_REQUEST), "unknown record kind %d",
		    kind);
	if ((long)n_rows > srv.set.max_rows)
		return req_error(r, E(TOO_LARGE),
		    "batch of %zu rows is over the"
		    " limit of %ld rows (max_rows)",
		    n_rows, srv.set.max_rows);
	if (r->who->role == ROLE_INSPECTOR && kind != KIND_VERIFICATION)
		return req_error(r, E(FORBIDDEN),
		    "an inspector submits"
		    " verification records only, not %s records",
		    kind_name(kind));
	ok = req_alloc(r, sizeof *ok);
	popstat__submit_ok__init(ok);
	ok->rejected =
	    req_alloc(r, (n_rows ? n_rows : 1) * sizeof *ok->rejected);
	for (i = 0; i < n_rows; i++) {
		column = "";
		rc = submit_row(r, kind, rows[i], amend, why, &column, reason,
		    sizeof reason);
		if (rc < 0)
			return req_error(r, E(INTERNAL),
			    "database error at line"
			    " %u: %s; nothing of this batch was stored",
			    rows[i]->line, store_errmsg());
		if (rc == 1)
			ok->accepted++;
		else if (rc == 2)
			ok->duplicate++;
		else {
			Popstat__Rejection *x = req_alloc(r, sizeof *x);

			popstat__rejection__init(x);
			x->line = rows[i]->line;
			x->column = req_strdup(r, column);
			x->reason = req_strdup(r, reason);
			ok->rejected[nrej++] = x;
		}
	}
	ok->n_rejected = nrej;
	/* New records carry their author and day; one audit line a batch. */
	if (!amend && ok->accepted > 0 &&
	    store_audit(r->who->name, "records.submit",
		n_rows == 1 ? rows[0]->unit : NULL, kind_name(kind), NULL,
		n_rows == 1 ?
		    req_printf(r,
			"1 %s record"
			" stored: %s",
			kind_name(kind), rows[0]->record_id) :
		    req_printf(r, "%u %s records stored (lines %u-%u)",
			ok->accepted, kind_name(kind), rows[0]->line,
			rows[n_rows - 1]->line),
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	log_info("%s %s %zu %s rows: %u %s, %u %s, %zu rejected", r->who->name,
	    amend ? "amended" : "submitted", n_rows, kind_name(kind),
	    ok->accepted, amend ? "changed" : "accepted", ok->duplicate,
	    amend ? "unchanged" : "duplicate", nrej);
	if (!amend)
		metrics_submitted(kind_name(kind), ok);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_SUBMIT;
	r->resp.submit = ok;
	return 0;
}

int
h_submit(struct req *r)
{
	const Popstat__Submit *q = r->rq->submit;

	return batch(r, (int)q->kind, q->rows, q->n_rows, 0, NULL);
}

int
h_amend(struct req *r)
{
	const Popstat__Amend *q = r->rq->amend;

	if (strlen(q->reason) < 2 || strlen(q->reason) > 500)
		return req_error(r, E(BAD_REQUEST),
		    "a reason (2-500 bytes) is"
		    " required for an amendment");
	return batch(r, (int)q->kind, q->rows, q->n_rows, 1, q->reason);
}
