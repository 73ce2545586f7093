/*
 * req_supervision.c - the 10-day and monthly rhythm: dekad reports (旬报),
 * record timeliness, departments and tasks (目标责任), inspection summaries.
 * Bulletins are in req_bulletin.c.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "depts.h"
#include "engine.h"
#include "log.h"
#include "period.h"
#include "popstatd.h"
#include "sbuf.h"
#include "supervision.h"
#include "units.h"
#include "warning.h"
#include "utf8.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

static const char *
fmt_day(struct req *r, int32_t d)
{
	char b[11];

	return req_strdup(r, date_format(d, b));
}

/*
 * An optional --as-of date (default: today) and a period relative to it.
 * Returns 0, or -1 with the error reply set.
 */
static int
parse_as_of_period(struct req *r, const char *as_of_s, const char *spec,
    int32_t *as_of, period *p)
{
	char err[256];

	*as_of = server_today();
	if (as_of_s && *as_of_s &&
	    date_parse(as_of_s, as_of, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--as-of: %s", err);
	if (server_period_parse(spec, *as_of, p, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	return 0;
}

/* ---- dekad reports ------------------------------------------------------ */

static Popstat__DekadCounts *
counts_msg(struct req *r, const int64_t v[4])
{
	Popstat__DekadCounts *m = req_alloc(r, sizeof *m);

	popstat__dekad_counts__init(m);
	m->births = v[0];
	m->deaths = v[1];
	m->mig_in = v[2];
	m->mig_out = v[3];
	return m;
}

/* The counts the records hold for u's subtree over one dekad. */
static int
held_counts(int u, const period *d, int64_t out[4])
{
	struct unit_eval ev;

	if (engine_eval(u, d, &ev) < 0)
		return -1;
	out[0] = ev.total.v[CTR_BIRTHS];
	out[1] = ev.total.v[CTR_DEATHS];
	out[2] = ev.total.v[CTR_MIG_IN];
	out[3] = ev.total.v[CTR_MIG_OUT];
	return 0;
}

int
h_report_file(struct req *r)
{
	const Popstat__ReportFile *q = r->rq->report_file;
	Popstat__ReportFiled *ok;
	store_report rep, old;
	period p, dk;
	char err[256];
	int u, rc;
	int32_t today = server_today();

	if ((u = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	if (!scope_may_write(r->who, u) || r->who->role == ROLE_INSPECTOR)
		return req_error(r, E(FORBIDDEN),
		    "unit %s is outside your scope", q->unit);
	if (server_period_parse(q->period, today, &p, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "%s", err);
	period_dekad_of(p.start, &dk);
	if (dk.start != p.start || dk.end != p.end)
		return req_error(r, E(BAD_REQUEST),
		    "period '%.40s' is not a"
		    " dekad; a report covers one dekad, e.g. 2026-11D2",
		    q->period);
	if (!unit_active(u, p.end))
		return req_error(r, E(BAD_REQUEST),
		    "unit %s is retired from"
		    " %s: it files no report for dekad %s..%s",
		    q->unit, fmt_day(r, unit_at(u)->retired_from),
		    fmt_day(r, p.start), fmt_day(r, p.end));
	if (p.end >= today)
		return req_error(r, E(BAD_REQUEST),
		    "dekad %s..%s has not ended;"
		    " it can be filed from %s",
		    fmt_day(r, p.start), fmt_day(r, p.end),
		    fmt_day(r, p.end + 1));
	if ((q->has_births && q->births < 0) ||
	    (q->has_deaths && q->deaths < 0) ||
	    (q->has_mig_in && q->mig_in < 0) ||
	    (q->has_mig_out && q->mig_out < 0))
		return req_error(r, E(BAD_REQUEST),
		    "confirmed counts cannot be"
		    " negative");
	if (q->note &&
	    (strlen(q->note) > 500 || !utf8_valid(q->note, strlen(q->note))))
		return req_error(r, E(BAD_REQUEST),
		    "--note: at most 500 bytes of"
		    " UTF-8 text");
	memset(&rep, 0, sizeof rep);
	rep.unit_id = unit_at(u)->id;
	rep.start = p.start;
	rep.end = p.end;
	rep.due = p.end + (int32_t)srv.set.report_due_days;
	rep.filed = today;
	rep.filed_by = r->who->name;
	rep.note = q->note;
	if (held_counts(u, &p, rep.held) < 0)
		return req_error(r, E(INTERNAL), "database error");
	rep.confirmed[0] = q->has_births ? q->births : rep.held[0];
	rep.confirmed[1] = q->has_deaths ? q->deaths : rep.held[1];
	rep.confirmed[2] = q->has_mig_in ? q->mig_in : rep.held[2];
	rep.confirmed[3] = q->has_mig_out ? q->mig_out : rep.held[3];
	rc = store_report_get(rep.unit_id, rep.start, &old);
	if (rc < 0)
		return req_error(r, E(INTERNAL), "database error");
	if (rc == 1) {
		/* Re-filing corrects the counts; timeliness stays the first's.
		 */
		rep.filed = old.filed;
		rep.refiled = 1;
	}
	if (store_report_put(&rep) < 0 ||
	    store_audit(r->who->name, rc == 1 ? "report.refile" : "report.file",
		q->unit,
		req_printf(r, "%s..%s", fmt_day(r, p.start), fmt_day(r, p.end)),
		NULL,
		req_printf(r,
		    "births=%lld deaths=%lld"
		    " mig_in=%lld mig_out=%lld",
		    (long long)rep.confirmed[0], (long long)rep.confirmed[1],
		    (long long)rep.confirmed[2], (long long)rep.confirmed[3]),
		q->note) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	ok = req_alloc(r, sizeof *ok);
	popstat__report_filed__init(ok);
	ok->unit = unit_at(u)->code;
	ok->start = (char *)fmt_day(r, rep.start);
	ok->end = (char *)fmt_day(r, rep.end);
	ok->due = (char *)fmt_day(r, rep.due);
	ok->filed = (char *)fmt_day(r, rep.filed);
	ok->on_time = rep.filed <= rep.due;
	ok->confirmed = counts_msg(r, rep.confirmed);
	ok->held = counts_msg(r, rep.held);
	ok->has_refiled = 1;
	ok->refiled = rep.refiled != 0;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_REPORT_FILED;
	r->resp.report_filed = ok;
	return 0;
}

struct rep_ctx {
	store_report *v;
	int n, cap;
};

static void
rep_one(const store_report *rep, void *arg)
{
	struct rep_ctx *x = arg;

	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		x->v = xrealloc(x->v, (size_t)x->cap * sizeof *x->v);
	}
	x->v[x->n] = *rep;
	x->v[x->n].filed_by = x->v[x->n].note = NULL;
	x->n++;
}

/*
 * Reporting of unit u over the dekads that start in p, as of day as_of.
 * A dekad counts as due once its due date has passed, or once it is filed.
 */
int
supervision_reporting(struct req *r, int u, const period *p, int32_t as_of,
    int with_dekads, Popstat__UnitReporting **out)
{
	Popstat__UnitReporting *m = req_alloc(r, sizeof *m);
	struct rep_ctx x = { NULL, 0, 0 };
	struct unit_eval ev;
	period dk;
	int32_t d;
	int k = 0, n = 0, i;

	popstat__unit_reporting__init(m);
	m->unit = unit_at(u)->code;
	m->name = (char *)unit_name_at(u, p->end);
	if (store_reports_range(unit_at(u)->id, p->start, p->end, rep_one, &x) <
	    0)
		return -1;
	for (d = p->start; d <= p->end; d = dk.end + 1) {
		period_dekad_of(d, &dk);
		if (dk.start >= p->start)
			n++;
	}
	if (with_dekads)
		m->dekads =
		    req_alloc(r, (size_t)(n ? n : 1) * sizeof *m->dekads);
	for (d = p->start; d <= p->end; d = dk.end + 1) {
		Popstat__DekadState *s;
		const store_report *rep = NULL;
		int32_t due;

		period_dekad_of(d, &dk);
		if (dk.start < p->start)
			continue;
		due = dk.end + (int32_t)srv.set.report_due_days;
		for (i = 0; i < x.n; i++)
			if (x.v[i].start == dk.start)
				rep = &x.v[i];
		/* A retired unit is not due from its retirement on. */
		if (rep == NULL && !unit_active(u, dk.end))
			continue;
		s = req_alloc(r, sizeof *s);
		popstat__dekad_state__init(s);
		s->start = (char *)fmt_day(r, dk.start);
		s->due = (char *)fmt_day(r, due);
		if (rep && rep->filed <= as_of) {
			int differs = memcmp(rep->confirmed, rep->held,
					  sizeof rep->held) != 0;

			m->due++;
			m->filed++;
			if (rep->filed <= due)
				m->on_time++;
			s->state = rep->filed <= due ? "on_time" : "late";
			s->filed = (char *)fmt_day(r, rep->filed);
			s->has_differs = 1;
			s->differs = differs;
		} else if (due < as_of) {
			m->due++;
			s->state = "missing";
		} else
			s->state = "not_due";
		if (with_dekads)
			m->dekads[k++] = s;
	}
	m->n_dekads = (size_t)k;
	free(x.v);
	if (engine_eval(u, p, &ev) < 0)
		return -1;
	m->records = (uint32_t)ev.total.v[CTR_RECORDS];
	m->records_timely = (uint32_t)ev.total.v[CTR_TIMELY];
	*out = m;
	return 0;
}

/* An upper bound of one packed DekadState with its framing. */
#define DEKAD_ROW_BYTES 64

int
h_report_status(struct req *r)
{
	const Popstat__ReportStatus *q = r->rq->report_status;
	Popstat__ReportStatusOk *ok;
	struct unit *pu;
	int32_t as_of;
	period p;
	double rows;
	int u, i, nk, *kids;

	if ((u = scope_parent(r, q->parent)) < 0 ||
	    parse_as_of_period(r, q->as_of, q->period, &as_of, &p) < 0)
		return -1;
	pu = unit_at(u);
	/*
	 * The reply's size is known before it is built: a row per unit and
	 * dekad.  One that could not be queued to the client (--max-output)
	 * is refused now, not built and then dropped.
	 */
	rows = (double)(pu->nchildren ? pu->nchildren : 1) *
	    (period_days(&p) / 10 + 2);
	if (rows * DEKAD_ROW_BYTES > (double)srv.set.max_output)
		return req_error(r, E(TOO_LARGE),
		    "the reply would hold %.0f"
		    " dekad rows (about %.0f KiB), over the %ld bytes of"
		    " --max-output; ask for a shorter period or a smaller"
		    " --parent",
		    rows, rows * DEKAD_ROW_BYTES / 1024, srv.set.max_output);
	ok = req_alloc(r, sizeof *ok);
	popstat__report_status_ok__init(ok);
	ok->period = period_msg(r, &p);
	ok->as_of = (char *)fmt_day(r, as_of);
	ok->timely_days = (uint32_t)srv.set.timely_days;
	ok->due_days = (uint32_t)srv.set.report_due_days;
	/* The units that report: the children, or the unit itself; those
	 * retired before the period began are no longer due. */
	ok->units =
	    req_alloc(r, (size_t)unit_children_cap(u) * sizeof *ok->units);
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	nk = unit_children_at(u, p.start, kids);
	if (pu->nchildren == 0) {
		if (supervision_reporting(r, u, &p, as_of, 1, &ok->units[0]) <
		    0)
			return req_error(r, E(INTERNAL), "database error");
		ok->n_units = 1;
	}
	for (i = 0; i < nk; i++)
		if (supervision_reporting(r, kids[i], &p, as_of, 1,
			&ok->units[ok->n_units++]) < 0)
			return req_error(r, E(INTERNAL), "database error");
	r->resp.body_case = POPSTAT__RESPONSE__BODY_REPORT_STATUS;
	r->resp.report_status = ok;
	return 0;
}

/* ---- departments --------------------------------------------------------- */

int
h_dept_add(struct req *r)
{
	const Popstat__Department *d = r->rq->dept_add->dept;
	int64_t id;

	if (d == NULL || !unit_code_valid(d->code))
		return req_error(r, E(BAD_REQUEST),
		    "department code: 1-20"
		    " characters of 0-9 A-Z a-z _ -");
	if (strlen(d->name) == 0 || strlen(d->name) > 200 ||
	    !utf8_valid(d->name, strlen(d->name)))
		return req_error(r, E(BAD_REQUEST),
		    "department name: 1-200 bytes"
		    " of UTF-8 text");
	if (dept_find(d->code) >= 0)
		return req_error(r, E(CONFLICT), "department %s already exists",
		    d->code);
	if (store_dept_insert(d->code, d->name, &id) < 0 ||
	    store_audit(r->who->name, "dept.add", NULL, d->code, NULL, d->name,
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	depts_add(id, d->code, d->name);
	req_ack(r, req_printf(r, "department %s added", d->code));
	return 0;
}

int
h_dept_list(struct req *r)
{
	Popstat__DeptListOk *ok = req_alloc(r, sizeof *ok);
	int i, n = depts_count();

	popstat__dept_list_ok__init(ok);
	ok->depts = req_alloc(r, (size_t)(n ? n : 1) * sizeof *ok->depts);
	for (i = 0; i < n; i++) {
		Popstat__Department *m = req_alloc(r, sizeof *m);

		popstat__department__init(m);
		m->code = dept_at(i)->code;
		m->name = dept_at(i)->name;
		ok->depts[i] = m;
	}
	ok->n_depts = (size_t)n;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_DEPT_LIST;
	r->resp.dept_list = ok;
	return 0;
}

/* ---- tasks --------------------------------------------------------------- */

static const char *const task_states[] = { "open", "doing", "done" };

static int
task_state_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, task_states[i]) == 0)
			return 1;
	return 0;
}

struct task_ctx {
	struct req *r;
	int32_t as_of;
	int overdue_only;
	const char *owner;
	int scope;      /* unit index: only tasks of its subtree; -1 all */
	int with_depts; /* with scope: the departments' tasks too */
	Popstat__Task **v;
	size_t n, cap;
};

static void
note_one(const char *at, const char *user, int progress, const char *status,
    const char *note, void *arg)
{
	struct {
		struct req *r;
		Popstat__Task *t;
		size_t cap;
	} *x = arg;
	Popstat__TaskNote *m = req_alloc(x->r, sizeof *m);

	if (x->t->n_notes == x->cap) {
		Popstat__TaskNote **nv;

		x->cap = x->cap ? x->cap * 2 : 8;
		nv = req_alloc(x->r, x->cap * sizeof *nv);
		if (x->t->n_notes)
			memcpy(nv, x->t->notes, x->t->n_notes * sizeof *nv);
		x->t->notes = nv;
	}
	popstat__task_note__init(m);
	m->at = req_strdup(x->r, at);
	m->user = req_strdup(x->r, user);
	if (progress >= 0) {
		m->has_progress = 1;
		m->progress = (uint32_t)progress;
	}
	if (status)
		m->status = req_strdup(x->r, status);
	if (note)
		m->note = req_strdup(x->r, note);
	x->t->notes[x->t->n_notes++] = m;
}

static void
task_one(const store_task *t, void *arg)
{
	struct task_ctx *x = arg;
	Popstat__Task *m;
	int overdue = t->due < x->as_of && strcmp(t->status, "done") != 0;
	int i;

	if (x->overdue_only && !overdue)
		return;
	if (x->owner && strcmp(x->owner, t->owner) != 0)
		return;
	if (x->scope >= 0) {
		if (strcmp(t->owner_kind, "department") == 0) {
			if (!x->with_depts)
				return;
		} else if ((i = unit_find(t->owner)) < 0 ||
		    !unit_within(i, x->scope))
			return;
	}
	if (x->n == x->cap) {
		Popstat__Task **nv;

		x->cap = x->cap ? x->cap * 2 : 16;
		nv = req_alloc(x->r, x->cap * sizeof *nv);
		if (x->n)
			memcpy(nv, x->v, x->n * sizeof *nv);
		x->v = nv;
	}
	m = req_alloc(x->r, sizeof *m);
	popstat__task__init(m);
	m->id = (uint64_t)t->id;
	m->title = req_strdup(x->r, t->title);
	m->owner = req_strdup(x->r, t->owner);
	m->owner_kind = req_strdup(x->r, t->owner_kind);
	if (strcmp(t->owner_kind, "department") == 0)
		i = dept_find(t->owner),
		m->owner_name = i >= 0 ? dept_at(i)->name : m->owner;
	else
		i = unit_find(t->owner),
		m->owner_name = i >= 0 ? unit_at(i)->name : m->owner;
	if (t->person)
		m->person = req_strdup(x->r, t->person);
	m->due = (char *)fmt_day(x->r, t->due);
	m->status = req_strdup(x->r, t->status);
	m->progress = (uint32_t)t->progress;
	m->overdue = overdue;
	x->v[x->n++] = m;
}

/*
 * Tasks as of a day, optionally only the overdue ones or one owner's.
 * With scope >= 0 (a unit index) only the tasks of units in its subtree,
 * and the departments' tasks when scope is a top-level unit (departments
 * are the county's; they hang under no unit).  Fills *v and *n from the
 * request's arena.  Returns 0 or -1.
 */
int
supervision_tasks(struct req *r, int32_t as_of, int overdue_only,
    const char *owner, int scope, Popstat__Task ***v, size_t *n)
{
	struct task_ctx x;

	memset(&x, 0, sizeof x);
	x.r = r;
	x.as_of = as_of;
	x.overdue_only = overdue_only;
	x.owner = owner;
	x.scope = scope;
	x.with_depts = scope >= 0 && unit_at(scope)->parent < 0;
	if (store_tasks(task_one, &x) < 0)
		return -1;
	*v = x.v;
	*n = x.n;
	return 0;
}

int
h_task_add(struct req *r)
{
	const Popstat__TaskAdd *q = r->rq->task_add;
	store_task t;
	char err[96];
	int d = dept_find(q->owner), u = unit_find(q->owner);
	int64_t id;

	if (strlen(q->title) == 0 || strlen(q->title) > 300 ||
	    !utf8_valid(q->title, strlen(q->title)))
		return req_error(r, E(BAD_REQUEST),
		    "--title: 1-300 bytes of"
		    " UTF-8 text");
	if (q->person &&
	    (strlen(q->person) > 100 ||
		!utf8_valid(q->person, strlen(q->person))))
		return req_error(r, E(BAD_REQUEST),
		    "--person: at most 100 bytes"
		    " of UTF-8 text");
	if (d < 0 && u < 0)
		return req_error(r, E(NOT_FOUND),
		    "--owner %.40s is neither a"
		    " department nor a unit",
		    q->owner);
	if (d >= 0 && u >= 0)
		return req_error(r, E(BAD_REQUEST),
		    "--owner %.40s is both a"
		    " department and a unit code; rename one",
		    q->owner);
	memset(&t, 0, sizeof t);
	if (date_parse(q->due, &t.due, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--due %.20s: %s", q->due,
		    err);
	t.title = q->title;
	t.owner_kind = d >= 0 ? "department" : "unit";
	t.owner = q->owner;
	t.person = q->person;
	if (store_task_insert(&t, r->who->name, &id) < 0 ||
	    store_audit(r->who->name, "task.add", u >= 0 ? q->owner : NULL,
		req_printf(r, "task %lld", (long long)id), NULL,
		req_printf(r, "%s; owner %s; person %s; due %s", q->title,
		    q->owner, q->person ? q->person : "-", q->due),
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	req_ack(r, req_printf(r, "task %lld added", (long long)id));
	return 0;
}

struct one_task {
	int found;
	int64_t id;
	char status[16], owner_kind[16], owner[32];
	int progress;
};

static void
got_task(const store_task *t, void *arg)
{
	struct one_task *x = arg;

	x->found = 1;
	x->id = t->id;
	x->progress = t->progress;
	xsnprintf(x->status, sizeof x->status, "%s", t->status);
	xsnprintf(x->owner_kind, sizeof x->owner_kind, "%s", t->owner_kind);
	xsnprintf(x->owner, sizeof x->owner, "%s", t->owner);
}

/* A department updates its own tasks; a clerk its township's; admin all. */
static int
may_update_task(const struct principal *who, const struct one_task *t)
{
	int u;

	if (who->role == ROLE_ADMIN)
		return 1;
	if (who->role == ROLE_DEPARTMENT)
		return strcmp(t->owner_kind, "department") == 0 &&
		    who->dept >= 0 &&
		    strcmp(dept_at(who->dept)->code, t->owner) == 0;
	if (who->role == ROLE_CLERK)
		return strcmp(t->owner_kind, "unit") == 0 && who->unit >= 0 &&
		    (u = unit_find(t->owner)) >= 0 && unit_within(u, who->unit);
	return 0;
}

int
h_task_update(struct req *r)
{
	const Popstat__TaskUpdate *q = r->rq->task_update;
	struct one_task t;
	const char *status;
	int progress;

	memset(&t, 0, sizeof t);
	if (store_task_get((int64_t)q->id, got_task, &t) < 0)
		return req_error(r, E(INTERNAL), "database error");
	if (!t.found)
		return req_error(r, E(NOT_FOUND), "no task %llu",
		    (unsigned long long)q->id);
	if (!may_update_task(r->who, &t))
		return req_error(r, E(FORBIDDEN),
		    "task %llu belongs to %s; you"
		    " may update only your own tasks",
		    (unsigned long long)q->id, t.owner);
	if (q->has_progress && q->progress > 100)
		return req_error(r, E(BAD_REQUEST), "--progress must be 0-100");
	if (q->status && !task_state_ok(q->status))
		return req_error(r, E(BAD_REQUEST),
		    "--status must be open, doing"
		    " or done");
	if (q->note &&
	    (strlen(q->note) > 1000 || !utf8_valid(q->note, strlen(q->note))))
		return req_error(r, E(BAD_REQUEST),
		    "--note: at most 1000 bytes of"
		    " UTF-8 text");
	if (!q->has_progress && !q->status && !q->note)
		return req_error(r, E(BAD_REQUEST),
		    "nothing to update: give"
		    " --progress, --status or --note");
	status = q->status ? q->status : t.status;
	progress = q->has_progress ? (int)q->progress : t.progress;
	if (store_task_update(t.id, status, progress) < 0 ||
	    store_task_note(t.id, r->who->name,
		q->has_progress ? (int)q->progress : -1, q->status,
		q->note) < 0 ||
	    store_audit(r->who->name, "task.update",
		strcmp(t.owner_kind, "unit") == 0 ? t.owner : NULL,
		req_printf(r, "task %lld", (long long)t.id),
		req_printf(r, "status=%s progress=%d", t.status, t.progress),
		req_printf(r, "status=%s progress=%d", status, progress),
		q->note) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	req_ack(r,
	    req_printf(r, "task %lld: %s, %d%%", (long long)t.id, status,
		progress));
	return 0;
}

int
h_task_list(struct req *r)
{
	const Popstat__TaskList *q = r->rq->task_list;
	Popstat__TaskListOk *ok = req_alloc(r, sizeof *ok);
	int32_t as_of = server_today();
	char err[96];
	size_t i;
	int scope = -1;

	if (q->as_of && *q->as_of &&
	    date_parse(q->as_of, &as_of, err, sizeof err) < 0)
		return req_error(r, E(BAD_REQUEST), "--as-of: %s", err);
	popstat__task_list_ok__init(ok);
	/* A clerk reads the tasks of its subtree (doc/rules.md §10). */
	if (r->who->role == ROLE_CLERK) {
		int o;

		if (r->who->unit < 0)
			return req_error(r, E(FORBIDDEN),
			    "a clerk without a unit"
			    " reads no tasks");
		scope = r->who->unit;
		if (q->owner && *q->owner &&
		    ((o = unit_find(q->owner)) < 0 ||
			!scope_may_read(r->who, o, SCOPE_BELOW)))
			return req_error(r, E(FORBIDDEN),
			    "--owner %.40s is outside"
			    " your scope",
			    q->owner);
	}
	if (supervision_tasks(r, as_of, q->has_overdue && q->overdue,
		q->owner && *q->owner ? q->owner : NULL, scope, &ok->tasks,
		&ok->n_tasks) < 0)
		return req_error(r, E(INTERNAL), "database error");
	if (q->has_id) {
		size_t k = 0;

		for (i = 0; i < ok->n_tasks; i++)
			if (ok->tasks[i]->id == q->id)
				ok->tasks[k++] = ok->tasks[i];
		ok->n_tasks = k;
		if (k == 0)
			return req_error(r, E(NOT_FOUND), "no task %llu",
			    (unsigned long long)q->id);
	}
	/* Notes only for a short list: a one-task view or a small county. */
	for (i = 0; i < ok->n_tasks && ok->n_tasks <= 50; i++) {
		struct {
			struct req *r;
			Popstat__Task *t;
			size_t cap;
		} x = { r, ok->tasks[i], 0 };

		if (store_task_notes((int64_t)ok->tasks[i]->id, note_one, &x) <
		    0)
			return req_error(r, E(INTERNAL), "database error");
	}
	ok->as_of = (char *)fmt_day(r, as_of);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_TASK_LIST;
	r->resp.task_list = ok;
	return 0;
}

/* ---- inspection summary -------------------------------------------------- */

/* The targets a unit misses, as judgements. */
int
supervision_failing(struct req *r, const struct unit_eval *ev,
    Popstat__IndicatorJudgement ***v, size_t *n, int only_missed)
{
	int i;

	*v = req_alloc(r, (size_t)(ev->nind ? ev->nind : 1) * sizeof **v);
	*n = 0;
	for (i = 0; i < ev->nind; i++) {
		const struct target *t = ev->target[i];
		Popstat__IndicatorJudgement *m;

		if (t == NULL ||
		    (only_missed && ev->te[i].result != RESULT_MISSED))
			continue;
		m = req_alloc(r, sizeof *m);
		popstat__indicator_judgement__init(m);
		m->name = engine_indicator(i)->name;
		m->unit = engine_indicator(i)->unit;
		m->has_value = ev->has_value[i] != 0;
		m->value = ev->te[i].judged;
		m->op = (char *)score_op_str(t->op);
		m->has_target = 1;
		m->target = t->value;
		m->result = (char *)score_result_str(ev->te[i].result);
		m->has_veto = 1;
		m->veto = t->veto != 0;
		(*v)[(*n)++] = m;
	}
	return 0;
}

int
h_inspection(struct req *r)
{
	const Popstat__Inspection *q = r->rq->inspection;
	Popstat__InspectionOk *ok;
	struct unit *pu;
	struct unit_eval ev;
	period p, ytd;
	int32_t as_of;
	int u, i, y, m, d, nk, *kids;

	/* The county office's working summary: not circulated. */
	if ((u = scope_parent_at(r, q->parent, SCOPE_BELOW)) < 0 ||
	    parse_as_of_period(r, q->as_of, q->period, &as_of, &p) < 0)
		return -1;
	pu = unit_at(u);
	ok = req_alloc(r, sizeof *ok);
	popstat__inspection_ok__init(ok);
	ok->period = period_msg(r, &p);
	ok->as_of = (char *)fmt_day(r, as_of);
	ok->parent = pu->code;
	ok->parent_name = pu->name;
	ok->reporting =
	    req_alloc(r, (size_t)unit_children_cap(u) * sizeof *ok->reporting);
	ok->failing =
	    req_alloc(r, (size_t)unit_children_cap(u) * sizeof *ok->failing);
	/* Year to date: 1 January of the period's year up to its end. */
	date_to_ymd(p.end, &y, &m, &d);
	ytd.start = date_from_ymd(y, 1, 1);
	ytd.end = p.end < as_of ? p.end : as_of;
	if (ytd.end < ytd.start)
		ytd.end = ytd.start;
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	nk = unit_children_at(u, p.start, kids);
	for (i = 0; i < nk; i++) {
		int c = kids[i];
		Popstat__FailingUnit *f;

		if (supervision_reporting(r, c, &p, as_of, 1,
			&ok->reporting[ok->n_reporting++]) < 0 ||
		    engine_eval(c, &ytd, &ev) < 0)
			return req_error(r, E(INTERNAL), "database error");
		if (ev.status != STATUS_VETO && ev.status != STATUS_MISSED)
			continue;
		f = req_alloc(r, sizeof *f);
		popstat__failing_unit__init(f);
		f->unit = unit_at(c)->code;
		f->name = unit_at(c)->name;
		f->status = (char *)score_status_str(ev.status);
		supervision_failing(r, &ev, &f->failing, &f->n_failing, 1);
		ok->failing[ok->n_failing++] = f;
	}
	if (supervision_tasks(r, as_of, 1, NULL, u, &ok->overdue,
		&ok->n_overdue) < 0)
		return req_error(r, E(INTERNAL), "database error");
	/* 预警 and 数据质量 (section 15), year to date like the failing. */
	if (warning_build(r, u, y, ytd.end, &ok->warning) < 0 ||
	    quality_build(r, u, &ytd, 1, &ok->quality) < 0)
		return -1;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_INSPECTION;
	r->resp.inspection = ok;
	return 0;
}
