/*
 * cmd_integrity.c - void, audit, approve, unlock, lock list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "lang.h"
#include "sbuf.h"

/* The named options' values (NULL when absent) and the positional one. */
static int
options(const char *cmd, int argc, char **argv, const char *const *names,
    const char **vals, int n, const char **pos)
{
	struct opts o;
	int rc, k;

	if ((rc = args_parse(cmd, argc, argv, names, n, NULL, 0, &o,
		 pos != NULL)) != 0)
		return rc;
	for (k = 0; k < n; k++)
		vals[k] = o.v[k];
	if (pos)
		*pos = o.pos;
	return 0;
}

int
cmd_void(int argc, char **argv)
{
	static const char *const names[] = { "--unit", "--reason" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Void v = POPSTAT__VOID__INIT;
	const char *vals[2], *id;
	int rc;

	if (args_help(argc, argv)) {
		printf(
		    "usage: popstat void RECORD_ID --unit CODE --reason TEXT\n"
		    "  Void a stored record: its counters are taken back, the "
		    "row"
		    " and its\n  content stay in the audit log.  A reason is"
		    " required.\n");
		return 0;
	}
	if ((rc = options("void", argc, argv, names, vals, 2, &id)) != 0)
		return rc;
	if (id == NULL || vals[0] == NULL || vals[1] == NULL)
		return args_usage_error("void",
		    "needs RECORD_ID, --unit CODE and"
		    " --reason TEXT");
	v.record_id = (char *)id;
	v.unit = (char *)vals[0];
	v.reason = (char *)vals[1];
	rq.body_case = POPSTAT__REQUEST__BODY_VOID;
	rq.void_ = &v;
	return client_ack(&rq, "void");
}

static void
json_opt(sbuf *b, const char *key, const char *v)
{
	sbuf_printf(b, ", \"%s\": ", key);
	if (v)
		sbuf_json_str(b, v);
	else
		sbuf_puts(b, "null");
}

int
cmd_audit(int argc, char **argv)
{
	static const char *const names[] = { "--unit", "--since", "--limit" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__AuditQuery q = POPSTAT__AUDIT_QUERY__INIT;
	Popstat__Envelope *reply;
	Popstat__AuditOk *a;
	const char *vals[3];
	size_t k;
	int rc;

	if (args_help(argc, argv)) {
		printf(
		    "usage: popstat audit [--unit CODE] [--since DATE]"
		    " [--limit N] [--json]\n  The audit log, newest first: who,"
		    " when, what, old and new content, why.\n");
		return 0;
	}
	if ((rc = options("audit", argc, argv, names, vals, 3, NULL)) != 0)
		return rc;
	q.unit = (char *)vals[0];
	q.since = (char *)vals[1];
	if (vals[2]) {
		q.has_limit = 1;
		q.limit = (uint32_t)strtoul(vals[2], NULL, 10);
	}
	rq.body_case = POPSTAT__REQUEST__BODY_AUDIT;
	rq.audit = &q;
	if ((rc = client_simple(&rq, "audit", &reply)) != 0)
		return rc;
	a = reply->response->audit;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		sbuf_puts(&b, "[");
		for (k = 0; k < a->n_entries; k++) {
			Popstat__AuditEntry *e = a->entries[k];

			sbuf_printf(&b,
			    "%s{\"id\": %llu, \"at\": ", k ? ",\n " : "",
			    (unsigned long long)e->id);
			sbuf_json_str(&b, e->at);
			json_opt(&b, "user", e->user);
			json_opt(&b, "action", e->action);
			json_opt(&b, "unit", e->unit);
			json_opt(&b, "object", e->object);
			json_opt(&b, "old", e->old);
			json_opt(&b, "new", e->new_);
			json_opt(&b, "reason", e->reason);
			sbuf_puts(&b, "}");
		}
		sbuf_puts(&b, "]\n");
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else {
		for (k = 0; k < a->n_entries; k++) {
			Popstat__AuditEntry *e = a->entries[k];

			printf("%s  %-10s %-16s %s %s\n", e->at, tx(e->user),
			    e->action, e->unit ? tx(e->unit) : "-",
			    e->object ? tx(e->object) : "");
			if (e->old)
				printf("    old: %s\n", tx(e->old));
			if (e->new_)
				printf("    new: %s\n", tx(e->new_));
			if (e->reason)
				printf("    why: %s\n", tx(e->reason));
		}
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

int
cmd_approve(int argc, char **argv)
{
	static const char *const names[] = { "--unit", "--period" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Approve q = POPSTAT__APPROVE__INIT;
	const char *vals[2];
	int rc;

	if (args_help(argc, argv)) {
		printf(
		    "usage: popstat approve --unit CODE --period P\n  Approve"
		    " (审核) a unit's records for a period and lock them:\n"
		    "  submissions, amendments and voids there are refused "
		    "until"
		    " 'popstat unlock'.\n  The lock covers the units below CODE"
		    " too.\n");
		return 0;
	}
	if ((rc = options("approve", argc, argv, names, vals, 2, NULL)) != 0)
		return rc;
	if (vals[0] == NULL || vals[1] == NULL)
		return args_usage_error("approve",
		    "needs --unit CODE and --period P");
	q.unit = (char *)vals[0];
	q.period = (char *)vals[1];
	rq.body_case = POPSTAT__REQUEST__BODY_APPROVE;
	rq.approve = &q;
	return client_ack(&rq, "approve");
}

int
cmd_unlock(int argc, char **argv)
{
	static const char *const names[] = { "--unit", "--period", "--reason" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Unlock q = POPSTAT__UNLOCK__INIT;
	const char *vals[3];
	int rc;

	if (args_help(argc, argv)) {
		printf("usage: popstat unlock --unit CODE --period P --reason"
		       " TEXT\n  Lift an approval lock (the same unit and "
		       "period as"
		       " approved); audited.\n");
		return 0;
	}
	if ((rc = options("unlock", argc, argv, names, vals, 3, NULL)) != 0)
		return rc;
	if (vals[0] == NULL || vals[1] == NULL || vals[2] == NULL)
		return args_usage_error("unlock",
		    "needs --unit, --period and --reason");
	q.unit = (char *)vals[0];
	q.period = (char *)vals[1];
	q.reason = (char *)vals[2];
	rq.body_case = POPSTAT__REQUEST__BODY_UNLOCK;
	rq.unlock = &q;
	return client_ack(&rq, "unlock");
}

int
cmd_lock(int argc, char **argv)
{
	static const char *const names[] = { "--unit" };
	static const char *const en[] = { "unit", "start", "end", "approved by",
		"at" };
	static const char *const zh[] = { "单位", "起始日期", "截止日期",
		"审核人", "审核时间" };
	const char *const *hdr = opt.lang == LANG_ZH ? zh : en;
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__LockList q = POPSTAT__LOCK_LIST__INIT;
	Popstat__Envelope *reply;
	const char *vals[1];
	struct table *t;
	size_t k;
	int rc;

	if (argc < 2 || args_help(argc, argv) || strcmp(argv[1], "list") != 0) {
		printf("usage: popstat lock list [--unit CODE]\n  Approved,"
		       " locked periods.\n");
		return argc < 2 || !args_help(argc, argv) ? EXIT_USAGE : 0;
	}
	if ((rc = options("lock list", argc - 1, argv + 1, names, vals, 1,
		 NULL)) != 0)
		return rc;
	q.unit = (char *)vals[0];
	rq.body_case = POPSTAT__REQUEST__BODY_LOCK_LIST;
	rq.lock_list = &q;
	if ((rc = client_simple(&rq, "lock list", &reply)) != 0)
		return rc;
	t = table_new(5, hdr);
	for (k = 0; k < reply->response->lock_list->n_locks; k++) {
		Popstat__LockInfo *l = reply->response->lock_list->locks[k];
		const char *row[5] = { l->unit, l->start, l->end,
			l->approved_by, l->approved_at };

		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}
