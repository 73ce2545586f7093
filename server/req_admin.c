/*
 * req_admin.c - hello, ping, units and users.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "record.h"
#include "sbuf.h"
#include "session.h"
#include "depts.h"
#include "units.h"
#include "utf8.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x
#define NAME_MAX_BYTES 200
#define LEVEL_MAX_BYTES 32

int
h_hello(struct req *r)
{
	const Popstat__Hello *h = r->rq->hello;
	Popstat__HelloOk *ok;
	struct principal p;
	char err[128], today[11];
	const char *addr = r->sess->addr;
	int wait = auth_throttled(addr);

	if (wait > 0) {
		/* Too many failures from here: refuse without looking. */
		log_warn("%s: dropped: too many failed logins from %s",
		    r->sess->peer, addr);
		metrics_conn_dropped("auth_throttled");
		session_set_principal(r->sess, NULL);
		r->sess->end = 1;
		return req_error(r, E(UNAUTHENTICATED),
		    "too many failed logins"
		    " from %s; try again in %d s",
		    addr, wait);
	}
	if (auth_login(h->token, &p, err, sizeof err) < 0) {
		/* A failed Hello logs the connection out and ends it: an
		 * unauthenticated peer holds no slot. */
		log_warn("%s: authentication failed: %s", r->sess->peer, err);
		session_set_principal(r->sess, NULL);
		auth_failed(addr);
		metrics_conn_dropped("unauthenticated");
		r->sess->end = 1;
		return req_error(r, E(UNAUTHENTICATED), "%s", err);
	}
	session_set_principal(r->sess, &p);
	log_debug("%s: authenticated as %s (%s)", r->sess->peer, p.name,
	    role_name(p.role));
	ok = req_alloc(r, sizeof *ok);
	popstat__hello_ok__init(ok);
	ok->user = req_strdup(r, p.name);
	ok->role = req_strdup(r, role_name(p.role));
	if (p.unit >= 0)
		ok->unit = req_strdup(r, unit_at(p.unit)->code);
	ok->server_today = req_strdup(r, date_format(server_today(), today));
	r->resp.body_case = POPSTAT__RESPONSE__BODY_HELLO;
	r->resp.hello = ok;
	return 0;
}

int
h_ping(struct req *r)
{
	Popstat__Pong *p = req_alloc(r, sizeof *p);
	char today[11];

	popstat__pong__init(p);
	p->server_today = req_strdup(r, date_format(server_today(), today));
	r->resp.body_case = POPSTAT__RESPONSE__BODY_PONG;
	r->resp.pong = p;
	return 0;
}

/* A printable UTF-8 string of 1..max bytes without control characters. */
static int
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
h_unit_add(struct req *r)
{
	const Popstat__Unit *u = r->rq->unit_add->unit;
	int parent = -1, idx;
	int64_t id;
	char *desc;

	if (u == NULL)
		return req_error(r, E(BAD_REQUEST), "no unit given");
	if (!unit_code_valid(u->code))
		return req_error(r, E(BAD_REQUEST),
		    "code '%.40s': must be 1-20"
		    " characters of 0-9 A-Z a-z _ -",
		    u->code);
	if (!text_ok(u->name, NAME_MAX_BYTES))
		return req_error(r, E(BAD_REQUEST),
		    "name: must be 1-%d bytes of"
		    " UTF-8 text without control characters",
		    NAME_MAX_BYTES);
	if (u->level && *u->level && !text_ok(u->level, LEVEL_MAX_BYTES))
		return req_error(r, E(BAD_REQUEST),
		    "level: must be 1-%d bytes of"
		    " UTF-8 text",
		    LEVEL_MAX_BYTES);
	if (unit_find(u->code) >= 0)
		return req_error(r, E(CONFLICT), "unit %s already exists",
		    u->code);
	if (u->parent && *u->parent) {
		parent = unit_find(u->parent);
		if (parent < 0)
			return req_error(r, E(NOT_FOUND),
			    "parent unit %.40s does"
			    " not exist",
			    u->parent);
	}
	if (store_unit_insert(u->code, u->name,
		parent >= 0 ? unit_at(parent)->id : 0, u->level, &id) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	desc = req_printf(r, "name=%s parent=%s level=%s", u->name,
	    parent >= 0 ? unit_at(parent)->code : "", u->level ? u->level : "");
	if (store_audit(r->who->name, "unit.add", u->code, u->code, NULL, desc,
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	idx = units_add(id, u->code, u->name, parent, u->level);
	log_info("%s added unit %s (%s)", r->who->name, u->code,
	    unit_at(idx)->name);
	req_ack(r, req_printf(r, "unit %s added", u->code));
	return 0;
}

/*
 * Unit changes (issue 22), each audited.  rename: the name only (history
 * is kept by code).  retire --from D: not listed, reported or due from D;
 * its records stay and count in its ancestors' totals; records dated from
 * D on are refused (they belong to the unit that took it over).  delete:
 * only a unit that never held anything (store_unit_holds).
 */
static int
unit_rename(struct req *r, int u, const char *name, const char *from)
{
	struct unit *un = unit_at(u);
	char why[96], day[11];
	int32_t d = 0;
	char *old;

	if (name == NULL || !text_ok(name, NAME_MAX_BYTES))
		return req_error(r, E(BAD_REQUEST),
		    "name: must be 1-%d bytes"
		    " of UTF-8 text without control characters",
		    NAME_MAX_BYTES);
	if (strcmp(un->name, name) == 0) {
		req_ack(r,
		    req_printf(r, "unit %s is already named %s", un->code,
			name));
		return 0;
	}
	if (from && *from && date_parse(from, &d, why, sizeof why) < 0)
		return req_error(r, E(BAD_REQUEST), "--from: %s", why);
	if (d && un->nnames > 0 && d <= un->names[un->nnames - 1].until)
		return req_error(r, E(CONFLICT),
		    "unit %s was renamed from %s: a"
		    " later rename must be dated after it",
		    un->code,
		    date_format(un->names[un->nnames - 1].until, why));
	old = req_strdup(r, un->name);
	/* With --from the old name stays on the days before; without, the
	 * name is corrected everywhere (a typo). */
	if (store_unit_set_name(un->id, name) < 0 ||
	    (d && store_unit_name_insert(un->id, d, old) < 0) ||
	    store_audit(r->who->name, "unit.rename", un->code, un->code, old,
		d ? req_printf(r, "%s from=%s", name, date_format(d, day)) :
		    name,
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	if (d)
		units_name_until(u, d, old);
	units_rename(u, name);
	log_info("%s renamed unit %s: %s -> %s", r->who->name, un->code, old,
	    name);
	req_ack(r,
	    req_printf(r, "unit %s renamed %s (was %s)%s", un->code, name, old,
		d ? req_printf(r,
			" from %s; tables of earlier days"
			" keep the old name",
			day) :
		    ""));
	return 0;
}

static int
unit_retire(struct req *r, int u, const char *from)
{
	struct unit *un = unit_at(u);
	char why[96], day[11], was[11];
	int32_t d;
	int *kids;

	if (from == NULL || *from == '\0')
		return req_error(r, E(BAD_REQUEST),
		    "retire needs --from DATE,"
		    " the first day the unit no longer exists");
	if (date_parse(from, &d, why, sizeof why) < 0)
		return req_error(r, E(BAD_REQUEST), "--from: %s", why);
	kids = req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
	if (unit_children_at(u, d, kids) > 0)
		return req_error(r, E(CONFLICT),
		    "unit %s has child %s"
		    " active on %s: retire or move its children first",
		    un->code, unit_at(kids[0])->code, date_format(d, day));
	if (un->retired_from == d) {
		req_ack(r,
		    req_printf(r, "unit %s is already retired from %s",
			un->code, date_format(d, day)));
		return 0;
	}
	if (un->retired_from)
		date_format(un->retired_from, was);
	if (store_unit_set_retired(un->id, d) < 0 ||
	    store_audit(r->who->name, "unit.retire", un->code, un->code,
		un->retired_from ? req_printf(r, "retired_from=%s", was) : NULL,
		req_printf(r, "retired_from=%s", date_format(d, day)),
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	units_retire(u, d);
	log_info("%s retired unit %s from %s", r->who->name, un->code, day);
	req_ack(r,
	    req_printf(r,
		"unit %s retired from %s: no longer ranked,"
		" reported or due from that day; its records stay and count for"
		" %s",
		un->code, day,
		un->parent >= 0 ? unit_at(un->parent)->code : "its ancestors"));
	return 0;
}

static int
unit_delete(struct req *r, int u)
{
	struct unit *un = unit_at(u);
	const char *what = NULL;
	char *desc;
	int rc;

	if (un->never > 0)
		rc = 1, what = "child units";
	else if ((rc = store_unit_holds(un->id, un->code, &what)) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	if (rc > 0)
		return req_error(r, E(CONFLICT),
		    "unit %s holds %s: only a unit"
		    " that never held a record or an account can be deleted;"
		    " retire it instead (popstat unit retire %s --from DATE)",
		    un->code, what, un->code);
	desc = req_printf(r, "name=%s parent=%s level=%s", un->name,
	    un->parent >= 0 ? unit_at(un->parent)->code : "", un->level);
	if (store_unit_delete(un->id) < 0 ||
	    store_audit(r->who->name, "unit.delete", un->code, un->code, desc,
		NULL, NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	units_delete(u);
	log_info("%s deleted unit %s", r->who->name, un->code);
	req_ack(r, req_printf(r, "unit %s deleted", un->code));
	return 0;
}

/* The day of unit u's latest move, or 0. */
static int32_t
last_move(int u)
{
	const struct unit_move *mv;
	int32_t d = 0;
	int n, k;

	mv = units_moves(&n);
	for (k = 0; k < n; k++)
		if (mv[k].unit == u && mv[k].day > d)
			d = mv[k].day;
	return d;
}

/*
 * unit move CODE --parent P [--from D] and unit merge OLD --into NEW
 * --from D: from D on the unit is a child of the other (a merged one is
 * also retired, and its records from D count for NEW).  Counters and
 * populations follow the tree of each day (engine.c); tables of a period
 * list the tree of its last day.
 */
static int
unit_move(struct req *r, int u, const char *to_code, const char *from,
    int merge)
{
	struct unit *un = unit_at(u);
	const char *op = merge ? "merge" : "move";
	char why[96], day[11];
	int32_t d = server_today(), lm;
	int to, *kids;

	if (to_code == NULL || *to_code == '\0')
		return req_error(r, E(BAD_REQUEST),
		    merge ? "merge needs"
			    " --into CODE" :
			    "move needs --parent CODE");
	if ((to = unit_find(to_code)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    to_code);
	if (merge && (from == NULL || *from == '\0'))
		return req_error(r, E(BAD_REQUEST),
		    "merge needs --from DATE,"
		    " the first day the records of %s count for %s",
		    un->code, unit_at(to)->code);
	if (from && *from && date_parse(from, &d, why, sizeof why) < 0)
		return req_error(r, E(BAD_REQUEST), "--from: %s", why);
	date_format(d, day);
	if (to == u || unit_within(to, u) || unit_within_at(to, u, d))
		return req_error(r, E(BAD_REQUEST),
		    "unit %s cannot %s under"
		    " %s: %s lies in its own subtree",
		    un->code, op, unit_at(to)->code, unit_at(to)->code);
	if (!unit_active(u, d))
		return req_error(r, E(CONFLICT), "unit %s is retired from %s",
		    un->code, date_format(un->retired_from, why));
	if (!unit_active(to, d))
		return req_error(r, E(CONFLICT), "unit %s is retired on %s",
		    unit_at(to)->code, day);
	if ((lm = last_move(u)) != 0 && d <= lm)
		return req_error(r, E(CONFLICT),
		    "unit %s last moved on %s: a"
		    " later change must be dated after it",
		    un->code, date_format(lm, why));
	if (!merge && unit_parent_at(u, d) == to) {
		req_ack(r,
		    req_printf(r, "unit %s is already under %s on %s", un->code,
			unit_at(to)->code, day));
		return 0;
	}
	if (merge) {
		kids =
		    req_alloc(r, (size_t)unit_children_cap(u) * sizeof *kids);
		if (unit_children_at(u, d, kids) > 0)
			return req_error(r, E(CONFLICT),
			    "unit %s has child %s"
			    " active on %s: move or merge its children first",
			    un->code, unit_at(kids[0])->code, day);
	}
	if (store_unit_move_insert(un->id, d,
		un->parent >= 0 ? unit_at(un->parent)->id : 0, unit_at(to)->id,
		merge) < 0 ||
	    (merge && store_unit_set_retired(un->id, d) < 0) ||
	    store_audit(r->who->name, merge ? "unit.merge" : "unit.move",
		un->code, un->code,
		req_printf(r, "parent=%s",
		    un->parent >= 0 ? unit_at(un->parent)->code : ""),
		req_printf(r, "%s=%s from=%s", merge ? "into" : "parent",
		    unit_at(to)->code, day),
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	units_move(u, to, d, merge);
	log_info("%s: unit %s %s %s from %s", r->who->name, un->code,
	    merge ? "merged into" : "moved under", unit_at(to)->code, day);
	if (merge)
		req_ack(r,
		    req_printf(r,
			"unit %s merged into %s from %s: its"
			" records from that day count for %s; before it nothing"
			" changes",
			un->code, unit_at(to)->code, day, unit_at(to)->code));
	else
		req_ack(r,
		    req_printf(r, "unit %s moved under %s from %s", un->code,
			unit_at(to)->code, day));
	return 0;
}

int
h_unit_change(struct req *r)
{
	const Popstat__UnitChange *q = r->rq->unit_change;
	int u;

	if ((u = unit_find(q->code)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->code);
	if (strcmp(q->op, "rename") == 0)
		return unit_rename(r, u, q->name, q->from);
	if (strcmp(q->op, "retire") == 0)
		return unit_retire(r, u, q->from);
	if (strcmp(q->op, "delete") == 0)
		return unit_delete(r, u);
	if (strcmp(q->op, "move") == 0)
		return unit_move(r, u, q->parent, q->from, 0);
	if (strcmp(q->op, "merge") == 0)
		return unit_move(r, u, q->into, q->from, 1);
	return req_error(r, E(BAD_REQUEST),
	    "unit %.20s: unknown change; one of"
	    " rename, retire, delete, move, merge",
	    q->op);
}

int
h_unit_list(struct req *r)
{
	const Popstat__UnitList *q = r->rq->unit_list;
	Popstat__UnitListOk *ok = req_alloc(r, sizeof *ok);
	int *sub = NULL, cap = 0, n, i, root = -1, k = 0;

	popstat__unit_list_ok__init(ok);
	if (q->root && *q->root) {
		root = unit_find(q->root);
		if (root < 0)
			return req_error(r, E(NOT_FOUND),
			    "unit %.40s does not"
			    " exist",
			    q->root);
	}
	/* Roots in code order, each followed by its subtree. */
	ok->units = req_alloc(r, (size_t)units_count() * sizeof *ok->units);
	for (i = 0; i < units_count(); i++) {
		int j;

		if (root >= 0 ? i != root :
				unit_at(i)->parent >= 0 || unit_at(i)->deleted)
			continue;
		n = unit_subtree(i, &sub, &cap);
		for (j = 0; j < n; j++) {
			struct unit *u = unit_at(sub[j]);
			Popstat__Unit *m = req_alloc(r, sizeof *m);

			popstat__unit__init(m);
			m->code = u->code;
			m->name = u->name;
			m->level = u->level;
			if (u->parent >= 0)
				m->parent = unit_at(u->parent)->code;
			if (u->retired_from) {
				char day[11];

				m->retired_from = req_strdup(r,
				    date_format(u->retired_from, day));
			}
			ok->units[k++] = m;
		}
	}
	free(sub);
	ok->n_units = (size_t)k;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_UNIT_LIST;
	r->resp.unit_list = ok;
	return 0;
}

static int
user_name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
			(s[n] >= 'A' && s[n] <= 'Z') ||
			(s[n] >= '0' && s[n] <= '9') || strchr("._-@", s[n])))
			return 0;
	return n >= 1 && n <= 64;
}

int
h_user_add(struct req *r)
{
	const Popstat__UserAdd *q = r->rq->user_add;
	Popstat__UserAddOk *ok;
	Popstat__User *u;
	char token[64];
	uint8_t hash[HASH_LEN];
	int role = role_parse(q->role), unit = -1, dept = -1, rc;
	int64_t id, dept_id = 0;

	if (!user_name_ok(q->name))
		return req_error(r, E(BAD_REQUEST),
		    "user name '%.40s': must be"
		    " 1-64 of a-z A-Z 0-9 . _ - @",
		    q->name);
	if (role == 0)
		return req_error(r, E(BAD_REQUEST),
		    "role '%.20s': must be admin,"
		    " clerk, inspector, department or viewer",
		    q->role);
	if (q->unit && *q->unit && (unit = unit_find(q->unit)) < 0)
		return req_error(r, E(NOT_FOUND), "unit %.40s does not exist",
		    q->unit);
	if (q->dept && *q->dept) {
		if ((dept = dept_find(q->dept)) < 0)
			return req_error(r, E(NOT_FOUND),
			    "department %.40s does"
			    " not exist",
			    q->dept);
		dept_id = dept_at(dept)->id;
	}
	if (role == ROLE_DEPARTMENT && dept < 0)
		return req_error(r, E(BAD_REQUEST),
		    "a department account needs"
		    " --dept: the department whose tasks it updates");
	if (role == ROLE_CLERK && unit < 0)
		return req_error(r, E(BAD_REQUEST),
		    "a clerk needs --unit: the"
		    " township whose records it submits");
	rc = store_user_exists(q->name);
	if (rc < 0)
		return req_error(r, E(INTERNAL), "database error");
	if (rc > 0)
		return req_error(r, E(CONFLICT),
		    "user %s already exists; for"
		    " a new token of that account: popstat user rotate %s",
		    q->name, q->name);
	token_new(token, sizeof token);
	if (token_hash(token, hash) < 0)
		return req_error(r, E(INTERNAL),
		    "cannot hash the new token"
		    " (out of memory); nothing was changed, try again");
	if (store_user_insert(q->name, role_name(role),
		unit >= 0 ? unit_at(unit)->id : 0, dept_id, hash, &id) < 0 ||
	    store_audit(r->who->name, "user.add",
		unit >= 0 ? unit_at(unit)->code : NULL, q->name, NULL,
		req_printf(r, "role=%s unit=%s dept=%s", role_name(role),
		    unit >= 0 ? unit_at(unit)->code : "",
		    dept >= 0 ? dept_at(dept)->code : ""),
		NULL) < 0)
		return req_error(r, E(INTERNAL), "database error: %s",
		    store_errmsg());
	log_info("%s added user %s (%s)", r->who->name, q->name,
	    role_name(role));
	ok = req_alloc(r, sizeof *ok);
	popstat__user_add_ok__init(ok);
	u = req_alloc(r, sizeof *u);
	popstat__user__init(u);
	u->name = req_strdup(r, q->name);
	u->role = req_strdup(r, role_name(role));
	if (unit >= 0)
		u->unit = unit_at(unit)->code;
	if (dept >= 0)
		u->dept = dept_at(dept)->code;
	ok->user = u;
	ok->token = req_strdup(r, token);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_USER_ADD;
	r->resp.user_add = ok;
	return 0;
}

struct list_ctx {
	struct req *r;
	Popstat__User **v;
	size_t n, cap;
};

static void
list_one(const store_user *su, void *arg)
{
	struct list_ctx *x = arg;
	Popstat__User *u;

	if (x->n == x->cap) {
		Popstat__User **nv;

		x->cap = x->cap ? x->cap * 2 : 32;
		nv = req_alloc(x->r, x->cap * sizeof *nv);
		if (x->n)
			memcpy(nv, x->v, x->n * sizeof *nv);
		x->v = nv;
	}
	u = req_alloc(x->r, sizeof *u);
	popstat__user__init(u);
	u->name = req_strdup(x->r, su->name);
	u->role = req_strdup(x->r, su->role);
	if (su->unit_id && unit_by_id(su->unit_id) >= 0)
		u->unit = unit_at(unit_by_id(su->unit_id))->code;
	if (su->dept_id && dept_by_id(su->dept_id) >= 0)
		u->dept = dept_at(dept_by_id(su->dept_id))->code;
	u->has_disabled = 1;
	u->disabled = su->disabled != 0;
	u->created = req_strdup(x->r, su->created);
	x->v[x->n++] = u;
}

int
h_user_list(struct req *r)
{
	Popstat__UserListOk *ok = req_alloc(r, sizeof *ok);
	struct list_ctx x = { r, NULL, 0, 0 };

	popstat__user_list_ok__init(ok);
	if (store_users_list(list_one, &x) < 0)
		return req_error(r, E(INTERNAL), "database error");
	ok->users = x.v;
	ok->n_users = x.n;
	r->resp.body_case = POPSTAT__RESPONSE__BODY_USER_LIST;
	r->resp.user_list = ok;
	return 0;
}

/*
 * Disable, enable or rotate an account.  Rotation prints a new token once;
 * the old token stops working at once, and so do live sessions.
 */
int
h_user_set(struct req *r)
{
	const Popstat__UserSet *q = r->rq->user_set;
	Popstat__UserAddOk *ok;
	Popstat__User *u;
	store_user su;
	char token[64];
	uint8_t hash[HASH_LEN];
	int rc;

	if (!q->has_disabled && !(q->has_rotate && q->rotate))
		return req_error(r, E(BAD_REQUEST), "nothing to change");
	rc = store_user_by_name(q->name, &su);
	if (rc < 0)
		return req_error(r, E(INTERNAL), "database error");
	if (rc == 0)
		return req_error(r, E(NOT_FOUND), "no user %.64s", q->name);
	if (su.id == r->who->user_id && q->has_disabled && q->disabled)
		return req_error(r, E(BAD_REQUEST),
		    "you cannot disable your own"
		    " account");
	if (q->has_disabled) {
		if (store_user_set_disabled(su.id, q->disabled) < 0 ||
		    store_audit(r->who->name,
			q->disabled ? "user.disable" : "user.enable", NULL,
			su.name, su.disabled ? "disabled" : "active",
			q->disabled ? "disabled" : "active", NULL) < 0)
			return req_error(r, E(INTERNAL), "database error: %s",
			    store_errmsg());
	}
	if (q->has_rotate && q->rotate) {
		token_new(token, sizeof token);
		if (token_hash(token, hash) < 0)
			return req_error(r, E(INTERNAL),
			    "cannot hash the new"
			    " token (out of memory); try again");
		if (store_user_set_token(su.id, hash) < 0 ||
		    store_audit(r->who->name, "user.rotate", NULL, su.name,
			NULL, "new token", NULL) < 0)
			return req_error(r, E(INTERNAL), "database error: %s",
			    store_errmsg());
	}
	session_logout_user(su.id);
	log_info("%s changed user %s:%s%s", r->who->name, su.name,
	    q->has_disabled ? (q->disabled ? " disabled" : " enabled") : "",
	    q->has_rotate && q->rotate ? " token rotated" : "");
	if (!(q->has_rotate && q->rotate)) {
		req_ack(r,
		    req_printf(r, "user %s %s", su.name,
			q->disabled ? "disabled" : "enabled"));
		return 0;
	}
	ok = req_alloc(r, sizeof *ok);
	popstat__user_add_ok__init(ok);
	u = req_alloc(r, sizeof *u);
	popstat__user__init(u);
	u->name = req_strdup(r, su.name);
	u->role = req_strdup(r, su.role);
	ok->user = u;
	ok->token = req_strdup(r, token);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_USER_ADD;
	r->resp.user_add = ok;
	return 0;
}
