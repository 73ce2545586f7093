/*
 * dispatch.c - one table of request types: who may call each, whether it
 * writes, whether its reply may be kept, and its handler; and running a
 * request by it.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "sbuf.h"
#include "utf8.h"

#define E(x) POPSTAT__ERROR_CODE__ERR_##x

/*
 * The requests: one row each, R(BODY, name, roles, flags, handler).  BODY
 * is the Request oneof's case (POPSTAT__REQUEST__BODY_BODY), name the
 * request's name in the log and the metrics, roles who may call it.  The
 * flags:
 *   REQ_WRITE      runs inside the group-commit transaction; the reply is
 *                  held until the commit is durable
 *   REQ_CACHEABLE  a read whose packed reply is kept until the data
 *                  changes (rcache.h)
 *   REQ_PREAUTH    may come before the connection is authenticated (Hello):
 *                  no role or text check, the handler authenticates
 * The handler, int h_NAME(struct req *), lives in a req_*.c file and is
 * declared by this table, nowhere else.  A new request is its message in
 * proto/popstat.proto, one row here and its handler.
 */
#define REQUESTS(R)                                                            \
	R(HELLO, "hello", ROLE_ANY, REQ_PREAUTH, h_hello)                      \
	R(PING, "ping", ROLE_ANY, 0, h_ping)                                   \
	R(UNIT_ADD, "unit add", ROLE_ADMIN, REQ_WRITE, h_unit_add)             \
	R(UNIT_LIST, "unit list", ROLE_ANY, 0, h_unit_list)                    \
	R(UNIT_CHANGE, "unit change", ROLE_ADMIN, REQ_WRITE, h_unit_change)    \
	R(USER_ADD, "user add", ROLE_ADMIN, REQ_WRITE, h_user_add)             \
	R(USER_LIST, "user list", ROLE_ADMIN, 0, h_user_list)                  \
	R(USER_SET, "user set", ROLE_ADMIN, REQ_WRITE, h_user_set)             \
	R(SUBMIT, "submit", ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR,          \
	    REQ_WRITE, h_submit)                                               \
	R(STATUS, "status", ROLE_ANY, REQ_CACHEABLE, h_status)                 \
	R(RANKING, "ranking", ROLE_ANY, REQ_CACHEABLE, h_ranking)              \
	R(VERIFY_REPORT, "verify-report",                                      \
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, 0, h_verify_report)      \
	R(INDICATOR_LIST, "indicator list", ROLE_ANY, 0, h_indicator_list)     \
	R(INDICATOR_SET, "indicator set", ROLE_ADMIN, REQ_WRITE,               \
	    h_indicator_set)                                                   \
	R(TARGET_SET, "target set", ROLE_ADMIN, REQ_WRITE, h_target_set)       \
	R(AMEND, "amend", ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, REQ_WRITE, \
	    h_amend)                                                           \
	R(VOID, "void", ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, REQ_WRITE,   \
	    h_void)                                                            \
	R(AUDIT, "audit", ROLE_ADMIN | ROLE_CLERK, 0, h_audit)                 \
	R(APPROVE, "approve", ROLE_ADMIN, REQ_WRITE, h_approve)                \
	R(UNLOCK, "unlock", ROLE_ADMIN, REQ_WRITE, h_unlock)                   \
	R(LOCK_LIST, "lock list", ROLE_ANY, 0, h_lock_list)                    \
	R(REPORT_FILE, "report file", ROLE_ADMIN | ROLE_CLERK, REQ_WRITE,      \
	    h_report_file)                                                     \
	R(REPORT_STATUS, "report status", ROLE_ANY, 0, h_report_status)        \
	R(DEPT_ADD, "dept add", ROLE_ADMIN, REQ_WRITE, h_dept_add)             \
	R(DEPT_LIST, "dept list", ROLE_ANY, 0, h_dept_list)                    \
	R(TASK_ADD, "task add", ROLE_ADMIN, REQ_WRITE, h_task_add)             \
	R(TASK_UPDATE, "task update",                                          \
	    ROLE_ADMIN | ROLE_CLERK | ROLE_DEPARTMENT, REQ_WRITE,              \
	    h_task_update)                                                     \
	R(TASK_LIST, "task list", ROLE_ANY, 0, h_task_list)                    \
	R(BULLETIN, "bulletin", ROLE_ANY, 0, h_bulletin)                       \
	R(BULLETIN_PUBLISH, "bulletin publish", ROLE_ADMIN, REQ_WRITE,         \
	    h_bulletin_publish)                                                \
	R(BULLETIN_SHOW, "bulletin show", ROLE_ANY, 0, h_bulletin_show)        \
	R(BULLETIN_DIFF, "bulletin diff", ROLE_ANY, 0, h_bulletin_diff)        \
	R(INSPECTION, "inspection",                                            \
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR | ROLE_DEPARTMENT, 0,     \
	    h_inspection)                                                      \
	R(TARGET_DELETE, "target delete", ROLE_ADMIN, REQ_WRITE,               \
	    h_target_delete)                                                   \
	R(WARNING, "warning", ROLE_ANY, 0, h_warning)                          \
	R(QUALITY, "quality", ROLE_ANY, 0, h_quality)                          \
	/* end of REQUESTS */

#define R_DECLARE(body, name_, roles_, flags_, fn_) int fn_(struct req *);
REQUESTS(R_DECLARE)

#define R_ROW(body, name_, roles_, flags_, fn_)                                \
	[POPSTAT__REQUEST__BODY_##body] = { .name = name_,                     \
		.roles = roles_,                                               \
		.flags = flags_,                                               \
		.fn = fn_ },
static const struct handler handlers[] = { REQUESTS(R_ROW) };

/* The row of a request type, or NULL when there is none. */
const struct handler *
handler_find(int body)
{
	size_t n = sizeof handlers / sizeof handlers[0];

	if (body <= 0 || (size_t)body >= n || handlers[body].fn == NULL)
		return NULL;
	return &handlers[body];
}

/*
 * Every string of a request is free text a person may later read on a
 * terminal or a page: each must pass utf8_text_check() (well-formed UTF-8,
 * no controls but tab, no bidirectional overrides).  The rows of a Submit
 * or Amend are left to the row checks, which refuse a bad cell row by
 * row.  Messages are not recursive, so neither is this walk for long.
 * Returns 0, or -1 with the error reply set, naming the field.
 */
static int
text_ok(struct req *r, const ProtobufCMessage *m, const char *where)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned i;
	size_t k, n, at;
	unsigned long cp;
	int rc;

	if (d == &popstat__row__descriptor)
		return 0;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m + f->offset;
		void *const *v;
		char path[128], what[16];

		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)((const char *)m +
			f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)((const char *)m +
			    f->quantifier_offset);
			v = *(void *const *const *)base;
		} else {
			n = 1;
			v = (void *const *)base;
		}
		xsnprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "",
		    f->name);
		for (k = 0; k < n; k++) {
			if (v[k] == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (text_ok(r, v[k], path) < 0)
					return -1;
				continue;
			}
			rc = utf8_text_check(v[k], strlen(v[k]), &at, &cp);
			if (rc == UTF8_TEXT_OK)
				continue;
			xsnprintf(what, sizeof what,
			    rc == UTF8_TEXT_INVALID ? "byte 0x%02lX" :
						      "U+%04lX",
			    cp);
			return req_error(r,
			    POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
			    "%s: %s (%s) at byte %zu; text may not hold invalid"
			    " UTF-8, control characters (but tab) or"
			    " bidirectional overrides",
			    path, utf8_text_fault(rc), what, at);
		}
	}
	return 0;
}

/*
 * Run the handler for r.  A write handler runs inside the open transaction
 * (begun here when none is open) under a savepoint, so a failed request
 * leaves no trace while the others of the batch still commit.  *is_write
 * tells the caller to hold the reply until the commit.
 */
int
dispatch(struct req *r, int *is_write)
{
	const struct handler *h = handler_find(r->rq->body_case);
	int rc;

	*is_write = 0;
	if (h == NULL)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
		    "unknown request type %d", (int)r->rq->body_case);
	if (h->flags & REQ_PREAUTH)
		return h->fn(r); /* it authenticates the connection */
	metrics_request(h->name);
	if ((h->roles & r->who->role) == 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_FORBIDDEN,
		    "%s: not allowed for role %s", h->name,
		    role_name(r->who->role));
	if (text_ok(r, &r->rq->base, "") < 0)
		return -1;
	if (!(h->flags & REQ_WRITE))
		return h->fn(r);
	if (store_txn_lost())
		return req_error(r, POPSTAT__ERROR_CODE__ERR_UNAVAILABLE,
		    "the database could not store the current batch; send it"
		    " again");
	if (!store_in_txn() && store_begin() < 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_UNAVAILABLE,
		    "database busy: %s", store_errmsg());
	*is_write = 1;
	if (store_savepoint() < 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_INTERNAL,
		    "database error: %s", store_errmsg());
	rc = h->fn(r);
	if (rc < 0) {
		store_rollback_savepoint();
	} else if (store_release() < 0) {
		/* Its counters could not be written: undo all of it. */
		log_error("daily counters not written: %s", store_errmsg());
		store_rollback_savepoint();
		rc = req_error(r, POPSTAT__ERROR_CODE__ERR_INTERNAL,
		    "database error: %s; nothing of this request was stored",
		    store_errmsg());
	}
	if (store_txn_lost()) {
		/*
		 * sqlite rolled the whole batch back (disk full, I/O error):
		 * this request and those before it in the batch are lost; the
		 * flush answers them all with an error.
		 */
		log_error("the write transaction was rolled back: %s",
		    store_errmsg());
		store_mark_lost();
		if (store_disk_full())
			return req_error(r, POPSTAT__ERROR_CODE__ERR_INTERNAL,
			    "%s", STORE_DISK_FULL_REPLY);
		return req_error(r, POPSTAT__ERROR_CODE__ERR_INTERNAL,
		    "the database could not store this batch; send it again");
	}
	return rc;
}

/*
 * Run a read request for the HTTP layer: the same table and role checks as
 * dispatch(), but a request that writes is refused, never run, so nothing
 * the dashboard does can open a transaction.  Returns the handler's result:
 * 0, or -1 with the error reply set.
 */
int
dispatch_read(struct req *r)
{
	const struct handler *h = handler_find(r->rq->body_case);

	if (h == NULL || (h->flags & (REQ_WRITE | REQ_PREAUTH)))
		return req_error(r, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
		    "request type %d is not a read", (int)r->rq->body_case);
	metrics_request(h->name);
	if ((h->roles & r->who->role) == 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_FORBIDDEN,
		    "%s: not allowed for role %s", h->name,
		    role_name(r->who->role));
	if (text_ok(r, &r->rq->base, "") < 0)
		return -1;
	return h->fn(r);
}

/* The HTTP status of a protocol error code. */
int
dispatch_http_status(int code)
{
	switch (code) {
	case E(BAD_REQUEST): return 400;
	case E(UNAUTHENTICATED): return 401;
	case E(FORBIDDEN): return 403;
	case E(NOT_FOUND): return 404;
	case E(CONFLICT): return 409;
	case E(TOO_LARGE): return 413;
	case E(LOCKED): return 423;
	case E(UNAVAILABLE): return 503;
	default: return 500;
	}
}

/*
 * Serve rq as a read request of who into *r (which the caller frees with
 * req_free()): dispatch_read() for the HTTP layer, which has no
 * connection.  Returns 0, or the HTTP status of the error reply.
 */
int
dispatch_call(const struct principal *who, const Popstat__Request *rq,
    struct req *r)
{
	memset(r, 0, sizeof *r);
	r->rq = rq;
	r->who = who;
	popstat__response__init(&r->resp);
	dispatch_read(r);
	if (r->resp.body_case == POPSTAT__RESPONSE__BODY_ERROR)
		return dispatch_http_status(r->resp.error->code);
	if (r->resp.body_case == POPSTAT__RESPONSE__BODY__NOT_SET)
		return 500;
	return 0;
}
