/*
 * dispatch.c - one table of request types: who may call each, whether it
 * writes, and its handler; plus the per-request arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "popstatd.h"
#include "sbuf.h"
#include "utf8.h"
#include "warning.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *
req_alloc_raw(struct req *r, size_t n)
{
	struct arena_block *b = r->arena;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;

		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = r->arena;
		r->arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void *
req_alloc(struct req *r, size_t n)
{
	return memset(req_alloc_raw(r, n), 0, n);
}

char *
req_strdup(struct req *r, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(req_alloc(r, n), s, n);
}

char *
req_printf(struct req *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = req_alloc(r, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
req_free(struct req *r)
{
	struct arena_block *b;

	if (r->owned_data) {
		popstat__bulletin_data__free_unpacked(r->owned_data, NULL);
		r->owned_data = NULL;
	}
	while ((b = r->arena) != NULL) {
		r->arena = b->next;
		free(b);
	}
}

int
req_error(struct req *r, Popstat__ErrorCode code, const char *fmt, ...)
{
	Popstat__Error *e = req_alloc(r, sizeof *e);
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Messages quote request text, maybe cut mid-character. */
	utf8_scrub(msg);
	popstat__error__init(e);
	e->code = code;
	e->message = req_strdup(r, msg);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_ERROR;
	r->resp.error = e;
	return -1;
}

void
req_ack(struct req *r, const char *message)
{
	Popstat__Ack *a = req_alloc(r, sizeof *a);

	popstat__ack__init(a);
	if (message)
		a->message = req_strdup(r, message);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_ACK;
	r->resp.ack = a;
}

struct handler {
	int body;
	const char *name;
	int roles;   /* who may call it */
	int write;   /* runs inside the group-commit transaction */
	int (*fn)(struct req *);
};

static const struct handler handlers[] = {
	{ POPSTAT__REQUEST__BODY_PING, "ping", ROLE_ANY, 0, h_ping },
	{ POPSTAT__REQUEST__BODY_UNIT_ADD, "unit add", ROLE_ADMIN, 1, h_unit_add },
	{ POPSTAT__REQUEST__BODY_UNIT_LIST, "unit list", ROLE_ANY, 0, h_unit_list },
	{ POPSTAT__REQUEST__BODY_UNIT_CHANGE, "unit change", ROLE_ADMIN, 1,
	    h_unit_change },
	{ POPSTAT__REQUEST__BODY_USER_ADD, "user add", ROLE_ADMIN, 1, h_user_add },
	{ POPSTAT__REQUEST__BODY_USER_LIST, "user list", ROLE_ADMIN, 0, h_user_list },
	{ POPSTAT__REQUEST__BODY_USER_SET, "user set", ROLE_ADMIN, 1, h_user_set },
	{ POPSTAT__REQUEST__BODY_SUBMIT, "submit",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, 1, h_submit },
	{ POPSTAT__REQUEST__BODY_STATUS, "status", ROLE_ANY, 0, h_status },
	{ POPSTAT__REQUEST__BODY_RANKING, "ranking", ROLE_ANY, 0, h_ranking },
	{ POPSTAT__REQUEST__BODY_VERIFY_REPORT, "verify-report",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, 0, h_verify_report },
	{ POPSTAT__REQUEST__BODY_INDICATOR_LIST, "indicator list", ROLE_ANY, 0,
	    h_indicator_list },
	{ POPSTAT__REQUEST__BODY_INDICATOR_SET, "indicator set", ROLE_ADMIN, 1,
	    h_indicator_set },
	{ POPSTAT__REQUEST__BODY_TARGET_SET, "target set", ROLE_ADMIN, 1,
	    h_target_set },
	{ POPSTAT__REQUEST__BODY_AMEND, "amend",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, 1, h_amend },
	{ POPSTAT__REQUEST__BODY_VOID, "void",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR, 1, h_void },
	{ POPSTAT__REQUEST__BODY_AUDIT, "audit", ROLE_ADMIN | ROLE_CLERK, 0,
	    h_audit },
	{ POPSTAT__REQUEST__BODY_APPROVE, "approve", ROLE_ADMIN, 1, h_approve },
	{ POPSTAT__REQUEST__BODY_UNLOCK, "unlock", ROLE_ADMIN, 1, h_unlock },
	{ POPSTAT__REQUEST__BODY_LOCK_LIST, "lock list", ROLE_ANY, 0,
	    h_lock_list },
	{ POPSTAT__REQUEST__BODY_REPORT_FILE, "report file",
	    ROLE_ADMIN | ROLE_CLERK, 1, h_report_file },
	{ POPSTAT__REQUEST__BODY_REPORT_STATUS, "report status", ROLE_ANY, 0,
	    h_report_status },
	{ POPSTAT__REQUEST__BODY_DEPT_ADD, "dept add", ROLE_ADMIN, 1, h_dept_add },
	{ POPSTAT__REQUEST__BODY_DEPT_LIST, "dept list", ROLE_ANY, 0, h_dept_list },
	{ POPSTAT__REQUEST__BODY_TASK_ADD, "task add", ROLE_ADMIN, 1, h_task_add },
	{ POPSTAT__REQUEST__BODY_TASK_UPDATE, "task update",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_DEPARTMENT, 1, h_task_update },
	{ POPSTAT__REQUEST__BODY_TASK_LIST, "task list", ROLE_ANY, 0, h_task_list },
	{ POPSTAT__REQUEST__BODY_BULLETIN, "bulletin", ROLE_ANY, 0, h_bulletin },
	{ POPSTAT__REQUEST__BODY_BULLETIN_PUBLISH, "bulletin publish", ROLE_ADMIN,
	    1, h_bulletin_publish },
	{ POPSTAT__REQUEST__BODY_BULLETIN_SHOW, "bulletin show", ROLE_ANY, 0,
	    h_bulletin_show },
	{ POPSTAT__REQUEST__BODY_BULLETIN_DIFF, "bulletin diff", ROLE_ANY, 0,
	    h_bulletin_diff },
	{ POPSTAT__REQUEST__BODY_INSPECTION, "inspection",
	    ROLE_ADMIN | ROLE_CLERK | ROLE_INSPECTOR | ROLE_DEPARTMENT, 0,
	    h_inspection },
	{ POPSTAT__REQUEST__BODY_TARGET_DELETE, "target delete", ROLE_ADMIN, 1,
	    h_target_delete },
	{ POPSTAT__REQUEST__BODY_WARNING, "warning", ROLE_ANY, 0, h_warning },
	{ POPSTAT__REQUEST__BODY_QUALITY, "quality", ROLE_ANY, 0, h_quality },
};

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
		    *(const uint32_t *)((const char *)m + f->quantifier_offset) !=
		    f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)((const char *)m + f->quantifier_offset);
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
			xsnprintf(what, sizeof what, rc == UTF8_TEXT_INVALID ?
			    "byte 0x%02lX" : "U+%04lX", cp);
			return req_error(r, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
			    "%s: %s (%s) at byte %zu; text may not hold invalid"
			    " UTF-8, control characters (but tab) or"
			    " bidirectional overrides", path, utf8_text_fault(rc),
			    what, at);
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
	const struct handler *h = NULL;
	size_t i;
	int rc;

	*is_write = 0;
	for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		if ((int)handlers[i].body == (int)r->rq->body_case)
			h = &handlers[i];
	if (h == NULL)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
		    "unknown request type %d", (int)r->rq->body_case);
	metrics_request(h->name);
	if ((h->roles & r->who->role) == 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_FORBIDDEN,
		    "%s: not allowed for role %s", h->name,
		    role_name(r->who->role));
	if (text_ok(r, &r->rq->base, "") < 0)
		return -1;
	if (!h->write)
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
	const struct handler *h = NULL;
	size_t i;

	for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		if ((int)handlers[i].body == (int)r->rq->body_case)
			h = &handlers[i];
	if (h == NULL || h->write)
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
