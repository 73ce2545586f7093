/*
 * cmd_supervision.c - report (旬报), dept, task, inspection, bulletin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "client.h"
#include "grid.h"
#include "lang.h"
#include "sbuf.h"
#include "sheets.h"
#include "warnrep.h"

/* The reader's language (--lang, doc/indicators.md §14). */
#define ZH (opt.lang == LANG_ZH)
#define T(zh, en) (ZH ? (zh) : (en))

static int
parse_count(const char *cmd, const char *name, const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < 0)
		return args_usage_error(cmd, "%s %s: not a whole number >= 0",
		    name, s);
	*out = v;
	return 0;
}

static const char *
pct(char *b, size_t n, unsigned a, unsigned d)
{
	if (d == 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.1f%%", 100.0 * a / d);
	return b;
}

/* ---- report ------------------------------------------------------------- */

static const char report_usage[] =
    "usage: popstat report file --unit CODE --period YYYY-MMDn [--births N]"
    " [--deaths N]\n"
    "                           [--mig-in N] [--mig-out N] [--note TEXT]\n"
    "       popstat report status [--parent CODE] --period P [--as-of DATE]"
    "\n                           [--json | --csv | --format xlsx --output"
    " FILE]\n"
    "  'file' closes a dekad (旬报) for a township, confirming its counts"
    " (those\n"
    "  not given: the counts the server holds).  A township with nothing to\n"
    "  report still files.  A report is due a set number of days after the"
    " dekad\n"
    "  (3 by default); filing again corrects the counts, the first filing"
    " date\n"
    "  decides timeliness.  'status' shows filed / due / on time per unit.\n";

static void
counts_line(const char *label, const Popstat__DekadCounts *c)
{
	if (ZH)
		printf("  %s：出生 %lld，死亡 %lld，迁入 %lld，迁出 %lld\n",
		    label, (long long)c->births, (long long)c->deaths,
		    (long long)c->mig_in, (long long)c->mig_out);
	else
		printf("  %-10s births %lld, deaths %lld, in %lld, out %lld\n",
		    label, (long long)c->births, (long long)c->deaths,
		    (long long)c->mig_in, (long long)c->mig_out);
}

static int
report_file(int argc, char **argv)
{
	static const char *const names[] = { "--unit", "--period", "--births",
		"--deaths", "--mig-in", "--mig-out", "--note" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__ReportFile q = POPSTAT__REPORT_FILE__INIT;
	Popstat__Envelope *reply;
	Popstat__ReportFiled *f;
	struct opts o;
	int rc;

	if ((rc = args_parse("report file", argc, argv, names, 7, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (!o.v[0] || !o.v[1])
		return args_usage_error("report file",
		    "needs --unit and --period");
	q.unit = (char *)o.v[0];
	q.period = (char *)o.v[1];
	if ((o.v[2] &&
		(rc = parse_count("report file", "--births", o.v[2],
		     &q.births)) != 0) ||
	    (o.v[3] &&
		(rc = parse_count("report file", "--deaths", o.v[3],
		     &q.deaths)) != 0) ||
	    (o.v[4] &&
		(rc = parse_count("report file", "--mig-in", o.v[4],
		     &q.mig_in)) != 0) ||
	    (o.v[5] &&
		(rc = parse_count("report file", "--mig-out", o.v[5],
		     &q.mig_out)) != 0))
		return rc;
	q.has_births = o.v[2] != NULL;
	q.has_deaths = o.v[3] != NULL;
	q.has_mig_in = o.v[4] != NULL;
	q.has_mig_out = o.v[5] != NULL;
	q.note = (char *)o.v[6];
	rq.body_case = POPSTAT__REQUEST__BODY_REPORT_FILE;
	rq.report_file = &q;
	if ((rc = client_simple(&rq, "report file", &reply)) != 0)
		return rc;
	f = reply->response->report_filed;
	if (ZH)
		printf("%s %s 至 %s 旬报%s，%s（应于 %s 前报送）\n", f->unit,
		    f->start, f->end, f->refiled ? "已重新报送" : "已报送",
		    f->on_time ? "按时" : "迟报", f->due);
	else
		printf("%s dekad %s..%s %s, %s (due %s)\n", f->unit, f->start,
		    f->end, f->refiled ? "re-filed" : "filed",
		    f->on_time ? "on time" : "LATE", f->due);
	counts_line(T("确认数", "confirmed"), f->confirmed);
	counts_line(T("记录数", "records"), f->held);
	if (f->confirmed->births != f->held->births ||
	    f->confirmed->deaths != f->held->deaths ||
	    f->confirmed->mig_in != f->held->mig_in ||
	    f->confirmed->mig_out != f->held->mig_out)
		printf(
		    T("  不一致：确认数与已录入的记录数不同，请补报或更正缺少的"
		      "记录\n",
			"  DIFFERENCE: the confirmed counts differ from the"
			" records held; submit or amend the missing "
			"records\n"));
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static void
reporting_json(sbuf *b, Popstat__UnitReporting *const *u, size_t n)
{
	size_t i, k;

	sbuf_puts(b, "[");
	for (i = 0; i < n; i++) {
		sbuf_puts(b, i ? ",\n  {\"unit\": " : "\n  {\"unit\": ");
		sbuf_json_str(b, u[i]->unit);
		sbuf_puts(b, ", \"name\": ");
		sbuf_json_str(b, u[i]->name);
		sbuf_printf(b,
		    ", \"due\": %u, \"filed\": %u, \"on_time\": %u,"
		    " \"records\": %u, \"records_timely\": %u, \"dekads\": [",
		    u[i]->due, u[i]->filed, u[i]->on_time, u[i]->records,
		    u[i]->records_timely);
		for (k = 0; k < u[i]->n_dekads; k++) {
			Popstat__DekadState *d = u[i]->dekads[k];

			sbuf_puts(b, k ? ", {\"start\": " : "{\"start\": ");
			sbuf_json_str(b, d->start);
			sbuf_puts(b, ", \"due\": ");
			sbuf_json_str(b, d->due);
			sbuf_puts(b, ", \"state\": ");
			sbuf_json_str(b, d->state);
			sbuf_puts(b, ", \"filed\": ");
			if (d->filed)
				sbuf_json_str(b, d->filed);
			else
				sbuf_puts(b, "null");
			sbuf_printf(b, ", \"differs\": %s}",
			    d->differs ? "true" : "false");
		}
		sbuf_puts(b, "]}");
	}
	sbuf_puts(b, "]");
}

static void
reporting_table(Popstat__UnitReporting *const *u, size_t n, unsigned days)
{
	static const char *en[] = { "unit", "name", "due", "filed", "on time",
		"reporting", "timeliness", "records", "timely",
		"missing / late" };
	static const char *zh[] = { "单位代码", "单位", "应报", "已报", "按时",
		"报送率", "及时率", "记录数", "及时录入", "缺报 / 迟报" };
	int z = opt.lang == LANG_ZH;
	struct table *t = table_new(10, z ? zh : en);
	char b[7][32];
	size_t i, k;
	int c;

	(void)days;
	for (c = 2; c <= 8; c++)
		table_align_right(t, c);
	for (i = 0; i < n; i++) {
		sbuf miss;
		const char *row[10];

		sbuf_init(&miss);
		for (k = 0; k < u[i]->n_dekads; k++) {
			Popstat__DekadState *d = u[i]->dekads[k];

			if (strcmp(d->state, "missing") == 0 ||
			    strcmp(d->state, "late") == 0)
				sbuf_printf(&miss, "%s%s %s",
				    miss.len ? (z ? "，" : ", ") : "", d->start,
				    !z ? d->state :
					strcmp(d->state, "late") == 0 ? "迟报" :
									"缺报");
		}
		snprintf(b[0], 32, "%u", u[i]->due);
		snprintf(b[1], 32, "%u", u[i]->filed);
		snprintf(b[2], 32, "%u", u[i]->on_time);
		pct(b[3], 32, u[i]->filed, u[i]->due);
		pct(b[4], 32, u[i]->on_time, u[i]->due);
		snprintf(b[5], 32, "%u", u[i]->records);
		pct(b[6], 32, u[i]->records_timely, u[i]->records);
		row[0] = u[i]->unit;
		row[1] = u[i]->name;
		for (c = 0; c < 7; c++)
			row[2 + c] = b[c];
		row[9] = sbuf_str(&miss);
		table_add(t, row);
		sbuf_free(&miss);
	}
	table_print(t, stdout);
	table_free(t);
}

static int
report_status(int argc, char **argv)
{
	static const char *const names[] = { "--parent", "--period",
		"--as-of" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__ReportStatus q = POPSTAT__REPORT_STATUS__INIT;
	Popstat__Envelope *reply;
	Popstat__ReportStatusOk *s;
	struct opts o;
	int rc;

	if ((rc = args_parse("report status", argc, argv, names, 3, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (!o.v[1])
		return args_usage_error("report status", "needs --period P");
	if (opt.json && opt.csv)
		return args_usage_error("report status",
		    "--json or --csv, not both");
	if ((rc = out_check("report status", opt.csv && !opt.json)) != 0)
		return rc;
	q.parent = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_REPORT_STATUS;
	rq.report_status = &q;
	if ((rc = client_simple(&rq, "report status", &reply)) != 0)
		return rc;
	s = reply->response->report_status;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		sbuf_puts(&b, "{\"period\": {\"start\": ");
		sbuf_json_str(&b, s->period->start);
		sbuf_puts(&b, ", \"end\": ");
		sbuf_json_str(&b, s->period->end);
		sbuf_puts(&b, "}, \"as_of\": ");
		sbuf_json_str(&b, s->as_of);
		sbuf_printf(&b,
		    ", \"due_days\": %u, \"timely_days\": %u,"
		    " \"units\": ",
		    s->due_days, s->timely_days);
		reporting_json(&b, s->units, s->n_units);
		sbuf_puts(&b, "}\n");
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else if (opt.csv) {
		sbuf b;

		sbuf_init(&b);
		reporting_csv(&b, s);
		rc = out_csv("report status", &b);
		sbuf_free(&b);
	} else if (opt.xlsx)
		rc = reporting_xlsx(s);
	else {
		if (opt.lang == LANG_ZH)
			printf("旬报报送 %s 至 %s，截至 %s（每旬结束后 %u "
			       "日内报送；"
			       "记录 %u 日内录入为及时）\n\n",
			    s->period->start, s->period->end, s->as_of,
			    s->due_days, s->timely_days);
		else
			printf(
			    "dekad reports %s .. %s as of %s (due %u days after"
			    " each dekad; records timely within %u days)\n\n",
			    s->period->start, s->period->end, s->as_of,
			    s->due_days, s->timely_days);
		reporting_table(s->units, s->n_units, s->timely_days);
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return rc;
}

int
cmd_report(int argc, char **argv)
{
	if (argc < 2 || args_help(argc, argv)) {
		fputs(report_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "file") == 0)
		return report_file(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return report_status(argc - 1, argv + 1);
	return args_usage_error("report", "unknown subcommand '%s'", argv[1]);
}

/* ---- departments --------------------------------------------------------- */

int
cmd_dept(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;

	if (argc < 2 || args_help(argc, argv)) {
		fputs("usage: popstat dept add CODE NAME\n"
		      "       popstat dept list\n"
		      "  Departments (部门) own responsibility tasks.\n",
		    argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") == 0) {
		Popstat__DeptAdd a = POPSTAT__DEPT_ADD__INIT;
		Popstat__Department d = POPSTAT__DEPARTMENT__INIT;

		if (argc != 4)
			return args_usage_error("dept add",
			    "needs CODE and NAME");
		d.code = argv[2];
		d.name = argv[3];
		a.dept = &d;
		rq.body_case = POPSTAT__REQUEST__BODY_DEPT_ADD;
		rq.dept_add = &a;
		return client_ack(&rq, "dept add");
	}
	if (strcmp(argv[1], "list") == 0) {
		Popstat__DeptList l = POPSTAT__DEPT_LIST__INIT;
		Popstat__Envelope *reply;
		static const char *const en[] = { "code", "name" };
		static const char *const zh[] = { "代码", "部门" };
		const char *const *hdr = ZH ? zh : en;
		struct table *t;
		size_t k;
		int rc;

		rq.body_case = POPSTAT__REQUEST__BODY_DEPT_LIST;
		rq.dept_list = &l;
		if ((rc = client_simple(&rq, "dept list", &reply)) != 0)
			return rc;
		t = table_new(2, hdr);
		for (k = 0; k < reply->response->dept_list->n_depts; k++) {
			Popstat__Department *d =
			    reply->response->dept_list->depts[k];
			const char *row[2] = { d->code, d->name };

			table_add(t, row);
		}
		table_print(t, stdout);
		table_free(t);
		popstat__envelope__free_unpacked(reply, NULL);
		return 0;
	}
	return args_usage_error("dept", "unknown subcommand '%s'", argv[1]);
}

/* ---- tasks --------------------------------------------------------------- */

static const char task_usage[] =
    "usage: popstat task add --title TEXT --owner CODE --due DATE"
    " [--person NAME]\n"
    "       popstat task update ID [--progress N] [--status open|doing|done]"
    " [--note TEXT]\n"
    "       popstat task list [--overdue] [--owner CODE] [--as-of DATE]"
    " [--json]\n"
    "       popstat task show ID\n"
    "  Responsibility tasks (目标责任): the owner is a department or a unit.\n"
    "  A department account updates only its own tasks, a clerk only its\n"
    "  township's; every update is kept as a dated note.\n";

static void
task_json(sbuf *b, const Popstat__Task *t)
{
	size_t k;

	sbuf_printf(b, "{\"id\": %llu, \"title\": ", (unsigned long long)t->id);
	sbuf_json_str(b, t->title);
	sbuf_puts(b, ", \"owner\": ");
	sbuf_json_str(b, t->owner);
	sbuf_puts(b, ", \"owner_kind\": ");
	sbuf_json_str(b, t->owner_kind);
	sbuf_puts(b, ", \"owner_name\": ");
	sbuf_json_str(b, t->owner_name);
	sbuf_puts(b, ", \"person\": ");
	if (t->person)
		sbuf_json_str(b, t->person);
	else
		sbuf_puts(b, "null");
	sbuf_puts(b, ", \"due\": ");
	sbuf_json_str(b, t->due);
	sbuf_puts(b, ", \"status\": ");
	sbuf_json_str(b, t->status);
	sbuf_printf(b, ", \"progress\": %u, \"overdue\": %s, \"notes\": [",
	    t->progress, t->overdue ? "true" : "false");
	for (k = 0; k < t->n_notes; k++) {
		sbuf_puts(b, k ? ", {\"at\": " : "{\"at\": ");
		sbuf_json_str(b, t->notes[k]->at);
		sbuf_puts(b, ", \"user\": ");
		sbuf_json_str(b, t->notes[k]->user);
		if (t->notes[k]->has_progress)
			sbuf_printf(b, ", \"progress\": %u",
			    t->notes[k]->progress);
		else
			sbuf_puts(b, ", \"progress\": null");
		sbuf_puts(b, ", \"status\": ");
		if (t->notes[k]->status)
			sbuf_json_str(b, t->notes[k]->status);
		else
			sbuf_puts(b, "null");
		sbuf_puts(b, ", \"note\": ");
		if (t->notes[k]->note)
			sbuf_json_str(b, t->notes[k]->note);
		else
			sbuf_puts(b, "null");
		sbuf_puts(b, "}");
	}
	sbuf_puts(b, "]}");
}

static void
tasks_table(Popstat__Task *const *v, size_t n)
{
	static const char *const en[] = { "id", "title", "owner", "person",
		"due", "status", "progress", "" };
	static const char *const zh[] = { "编号", "任务", "责任单位", "责任人",
		"截止日期", "状态", "进度", "" };
	struct table *t = table_new(8, ZH ? zh : en);
	size_t k;

	table_align_right(t, 0);
	table_align_right(t, 6);
	for (k = 0; k < n; k++) {
		char id[24], prog[16], owner[128];
		const char *row[8];

		snprintf(id, sizeof id, "%llu", (unsigned long long)v[k]->id);
		snprintf(prog, sizeof prog, "%u%%", v[k]->progress);
		snprintf(owner, sizeof owner, "%s %s", v[k]->owner,
		    v[k]->owner_name);
		row[0] = id;
		row[1] = v[k]->title;
		row[2] = owner;
		row[3] = v[k]->person ? v[k]->person : "";
		row[4] = v[k]->due;
		row[5] = !ZH                           ? v[k]->status :
		    strcmp(v[k]->status, "open") == 0  ? "未开始" :
		    strcmp(v[k]->status, "doing") == 0 ? "进行中" :
		    strcmp(v[k]->status, "done") == 0  ? "已完成" :
							 v[k]->status;
		row[6] = prog;
		row[7] = v[k]->overdue ? T("逾期", "OVERDUE") : "";
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

int
cmd_task(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	struct opts o;
	int rc;

	if (argc < 2 || args_help(argc, argv)) {
		fputs(task_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") == 0) {
		static const char *const names[] = { "--title", "--owner",
			"--due", "--person" };
		Popstat__TaskAdd a = POPSTAT__TASK_ADD__INIT;

		if ((rc = args_parse("task add", argc - 1, argv + 1, names, 4,
			 NULL, 0, &o, 0)) != 0)
			return rc;
		if (!o.v[0] || !o.v[1] || !o.v[2])
			return args_usage_error("task add",
			    "needs --title, --owner and"
			    " --due");
		a.title = (char *)o.v[0];
		a.owner = (char *)o.v[1];
		a.due = (char *)o.v[2];
		a.person = (char *)o.v[3];
		rq.body_case = POPSTAT__REQUEST__BODY_TASK_ADD;
		rq.task_add = &a;
		return client_ack(&rq, "task add");
	}
	if (strcmp(argv[1], "update") == 0) {
		static const char *const names[] = { "--progress", "--status",
			"--note" };
		Popstat__TaskUpdate u = POPSTAT__TASK_UPDATE__INIT;
		char *end;

		if ((rc = args_parse("task update", argc - 1, argv + 1, names,
			 3, NULL, 0, &o, 1)) != 0)
			return rc;
		if (o.pos == NULL)
			return args_usage_error("task update",
			    "needs the task ID");
		u.id = strtoull(o.pos, &end, 10);
		if (*end || end == o.pos)
			return args_usage_error("task update",
			    "ID %s: not a number", o.pos);
		if (o.v[0]) {
			long p = strtol(o.v[0], &end, 10);

			if (*end || end == o.v[0] || p < 0 || p > 100)
				return args_usage_error("task update",
				    "--progress must"
				    " be 0-100");
			u.has_progress = 1;
			u.progress = (uint32_t)p;
		}
		u.status = (char *)o.v[1];
		u.note = (char *)o.v[2];
		rq.body_case = POPSTAT__REQUEST__BODY_TASK_UPDATE;
		rq.task_update = &u;
		return client_ack(&rq, "task update");
	}
	if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "show") == 0) {
		static const char *const names[] = { "--owner", "--as-of" };
		static const char *const flags[] = { "--overdue" };
		Popstat__TaskList l = POPSTAT__TASK_LIST__INIT;
		Popstat__Envelope *reply;
		Popstat__TaskListOk *ok;
		int show = argv[1][0] == 's';
		size_t k, m;

		if ((rc = args_parse(show ? "task show" : "task list", argc - 1,
			 argv + 1, names, 2, flags, 1, &o, show)) != 0)
			return rc;
		if (show) {
			char *end;

			if (o.pos == NULL)
				return args_usage_error("task show",
				    "needs the task ID");
			l.has_id = 1;
			l.id = strtoull(o.pos, &end, 10);
			if (*end || end == o.pos || o.pos[0] == '-')
				return args_usage_error("task show",
				    "ID %s: not a"
				    " number",
				    o.pos);
		}
		l.owner = (char *)o.v[0];
		l.as_of = (char *)o.v[1];
		l.has_overdue = o.set[2];
		l.overdue = o.set[2];
		rq.body_case = POPSTAT__REQUEST__BODY_TASK_LIST;
		rq.task_list = &l;
		if ((rc = client_simple(&rq, "task list", &reply)) != 0)
			return rc;
		ok = reply->response->task_list;
		if (opt.json) {
			sbuf b;

			sbuf_init(&b);
			sbuf_puts(&b, "[");
			for (k = 0; k < ok->n_tasks; k++) {
				if (k)
					sbuf_puts(&b, ",\n ");
				task_json(&b, ok->tasks[k]);
			}
			sbuf_puts(&b, "]\n");
			fputs(sbuf_str(&b), stdout);
			sbuf_free(&b);
		} else {
			tasks_table(ok->tasks, ok->n_tasks);
			for (k = 0; show && k < ok->n_tasks; k++)
				for (m = 0; m < ok->tasks[k]->n_notes; m++) {
					Popstat__TaskNote *n =
					    ok->tasks[k]->notes[m];

					char prog[32] = "";

					if (n->has_progress)
						snprintf(prog, sizeof prog,
						    " progress %u%%",
						    n->progress);
					printf("  %s %s:%s%s%s%s%s\n", n->at,
					    tx(n->user),
					    n->status ? " status " : "",
					    n->status ? tx(n->status) : "",
					    prog, n->note ? " " : "",
					    n->note ? tx(n->note) : "");
				}
		}
		popstat__envelope__free_unpacked(reply, NULL);
		return 0;
	}
	return args_usage_error("task", "unknown subcommand '%s'", argv[1]);
}

/* ---- inspection ---------------------------------------------------------- */

static void
judgement_text(sbuf *b, const Popstat__IndicatorJudgement *j)
{
	const char *name =
	    ZH ? bulletin_indicator_name(j->name, LANG_ZH) : j->name;

	if (j->has_value)
		sbuf_printf(b,
		    T("%s %.2f%s（目标 %s %.15g）",
			"%s %.2f%s (target"
			" %s %.15g)"),
		    name, j->value, j->unit, j->op ? j->op : "", j->target);
	else
		sbuf_printf(b,
		    T("%s -（目标 %s %.15g）", "%s - (target %s %.15g)"), name,
		    j->op ? j->op : "", j->target);
}

/* 4. the units at risk of missing a target by the year's end (section 15). */
static void
inspection_warning(const Popstat__WarningOk *w)
{
	size_t i, k;
	int any = 0;
	char head[96];

	printf(T("\n四、%u年预警（截至 %s）：已超、高、关注\n",
		   "\n4. early warning for %u (as of %s): over, high or "
		   "watch\n"),
	    w->year, w->as_of);
	for (i = 0; i < w->n_rows; i++)
		for (k = 0; k < w->rows[i]->n_indicators; k++) {
			const Popstat__WarningCell *c =
			    w->rows[i]->indicators[k];

			if (c->level == NULL || strcmp(c->level, "low") == 0)
				continue;
			any = 1;
			warning_headroom_text(head, sizeof head, c, ZH);
			if (ZH)
				printf("   %s %s：%s %s，预计 "
				       "%.2f，%s，超标风险"
				       " %.1f%%\n",
				    tx(w->rows[i]->unit), tx(w->rows[i]->name),
				    warning_indicator_name(c->indicator, 1),
				    warning_level_name(c->level, 1),
				    c->projected, head, c->risk * 100);
			else
				printf("   %s %s: %s %s, projected %.2f, %s, "
				       "risk"
				       " %.1f%%\n",
				    tx(w->rows[i]->unit), tx(w->rows[i]->name),
				    c->indicator, c->level, c->projected, head,
				    c->risk * 100);
		}
	if (!any)
		printf(T("   无\n", "   none\n"));
}

/* 5. the numbers that deserve a second look (section 15). */
static void
inspection_quality(const Popstat__QualityOk *q)
{
	char detail[512];
	size_t i;

	printf(T("\n五、数据质量（年初至今）\n",
	    "\n5. data quality, year to date\n"));
	for (i = 0; i < q->n_flags; i++) {
		quality_flag_text(detail, sizeof detail, q->flags[i], ZH);
		printf(T("   %s %s：%s：%s\n", "   %s %s: %s: %s\n"),
		    tx(q->flags[i]->unit), tx(q->flags[i]->name),
		    quality_check_name(q->flags[i]->check, ZH), tx(detail));
	}
	if (q->n_flags == 0)
		printf(T("   无\n", "   none\n"));
}

int
cmd_inspection(int argc, char **argv)
{
	static const char *const names[] = { "--period", "--parent",
		"--as-of" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Inspection q = POPSTAT__INSPECTION__INIT;
	Popstat__Envelope *reply;
	Popstat__InspectionOk *s;
	struct opts o;
	size_t i, k;
	int rc;

	if (args_help(argc, argv)) {
		printf(
		    "usage: popstat inspection --period 2026-11D2 [--parent "
		    "CODE]"
		    " [--as-of DATE] [--json]\n  The 10-day inspection summary:"
		    " missing and late dekad reports,\n  units failing targets "
		    "year"
		    " to date, overdue tasks.\n");
		return 0;
	}
	if ((rc = args_parse("inspection", argc, argv, names, 3, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (!o.v[0])
		return args_usage_error("inspection", "needs --period P");
	q.period = (char *)o.v[0];
	q.parent = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_INSPECTION;
	rq.inspection = &q;
	if ((rc = client_simple(&rq, "inspection", &reply)) != 0)
		return rc;
	s = reply->response->inspection;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		sbuf_puts(&b, "{\"parent\": ");
		sbuf_json_str(&b, s->parent);
		sbuf_puts(&b, ", \"period\": {\"start\": ");
		sbuf_json_str(&b, s->period->start);
		sbuf_puts(&b, ", \"end\": ");
		sbuf_json_str(&b, s->period->end);
		sbuf_puts(&b, "}, \"as_of\": ");
		sbuf_json_str(&b, s->as_of);
		sbuf_puts(&b, ",\n \"reporting\": ");
		reporting_json(&b, s->reporting, s->n_reporting);
		sbuf_puts(&b, ",\n \"failing\": [");
		for (i = 0; i < s->n_failing; i++) {
			sbuf_puts(&b, i ? ", {\"unit\": " : "{\"unit\": ");
			sbuf_json_str(&b, s->failing[i]->unit);
			sbuf_puts(&b, ", \"status\": ");
			sbuf_json_str(&b, s->failing[i]->status);
			sbuf_puts(&b, ", \"indicators\": [");
			for (k = 0; k < s->failing[i]->n_failing; k++) {
				if (k)
					sbuf_puts(&b, ", ");
				sbuf_json_str(&b,
				    s->failing[i]->failing[k]->name);
			}
			sbuf_puts(&b, "]}");
		}
		sbuf_puts(&b, "],\n \"overdue\": [");
		for (i = 0; i < s->n_overdue; i++) {
			if (i)
				sbuf_puts(&b, ", ");
			task_json(&b, s->overdue[i]);
		}
		sbuf_puts(&b, "]");
		if (s->warning) {
			sbuf_puts(&b, ",\n \"warning\": ");
			report_warning_json(&b, s->warning);
		}
		if (s->quality) {
			sbuf_puts(&b, ",\n \"quality\": ");
			report_quality_json(&b, s->quality);
		}
		sbuf_puts(&b, "}\n");
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
		popstat__envelope__free_unpacked(reply, NULL);
		return 0;
	}
	printf(T("%s %s 旬检查，%s 至 %s，截至 %s\n\n",
		   "inspection of %s %s,"
		   " %s .. %s, as of %s\n\n"),
	    tx(s->parent), tx(s->parent_name), s->period->start, s->period->end,
	    s->as_of);
	printf(T("一、旬报报送\n", "1. dekad reports\n"));
	{
		int any = 0;

		for (i = 0; i < s->n_reporting; i++)
			for (k = 0; k < s->reporting[i]->n_dekads; k++) {
				Popstat__DekadState *d =
				    s->reporting[i]->dekads[k];

				if (strcmp(d->state, "missing") &&
				    strcmp(d->state, "late") && !d->differs)
					continue;
				any = 1;
				if (ZH)
					printf("   %s %s：%s 旬 %s%s%s%s\n",
					    tx(s->reporting[i]->unit),
					    tx(s->reporting[i]->name), d->start,
					    strcmp(d->state, "missing") == 0 ?
						"缺报" :
						strcmp(d->state, "late") == 0 ?
						"迟报" :
						"已报",
					    d->filed ? "（" : "",
					    d->filed ? d->filed : "",
					    d->filed ? " 报送）" : "");
				else
					printf("   %s %s: dekad %s %s%s%s%s\n",
					    tx(s->reporting[i]->unit),
					    tx(s->reporting[i]->name), d->start,
					    strcmp(d->state, "on_time") == 0 ?
						"filed" :
						d->state,
					    d->filed ? " (filed " : "",
					    d->filed ? d->filed : "",
					    d->filed ? ")" : "");
				if (d->differs)
					printf(T("      确认数与记录数不一致\n",
					    "      confirmed counts differ "
					    "from the"
					    " records\n"));
			}
		if (!any)
			printf(T("   应报旬报均已按时报送\n",
			    "   every report due was filed on time\n"));
	}
	printf(T("\n二、未完成目标的单位（年初至今）\n",
	    "\n2. units failing targets, year to date\n"));
	for (i = 0; i < s->n_failing; i++) {
		sbuf b;

		sbuf_init(&b);
		for (k = 0; k < s->failing[i]->n_failing; k++) {
			if (k)
				sbuf_puts(&b, "; ");
			judgement_text(&b, s->failing[i]->failing[k]);
		}
		printf(T("   %s %s（%s）：%s\n", "   %s %s (%s): %s\n"),
		    tx(s->failing[i]->unit), tx(s->failing[i]->name),
		    ZH ? bulletin_status_name(s->failing[i]->status, LANG_ZH) :
			 s->failing[i]->status,
		    tx(sbuf_str(&b)));
		sbuf_free(&b);
	}
	if (s->n_failing == 0)
		printf(T("   无\n", "   none\n"));
	printf(T("\n三、逾期任务\n", "\n3. overdue tasks\n"));
	if (s->n_overdue)
		tasks_table(s->overdue, s->n_overdue);
	else
		printf(T("   无\n", "   none\n"));
	if (s->warning)
		inspection_warning(s->warning);
	if (s->quality)
		inspection_quality(s->quality);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

/* ---- bulletin ------------------------------------------------------------ */

static const char bulletin_usage[] =
    "usage: popstat bulletin --period YYYY-MM [--parent CODE] [--lang zh|en]"
    " [--format txt|md|html]\n"
    "           [--office NAME] [--doc-no NUMBER]\n"
    "       popstat bulletin --period YYYY-MM [--parent CODE] --format xlsx"
    " --output FILE\n"
    "       popstat bulletin publish --period YYYY-MM [--parent CODE]"
    " [--office NAME]\n"
    "           [--doc-no NUMBER] [--correction]\n"
    "       popstat bulletin show --period YYYY-MM [--parent CODE] [--lang "
    "zh|en]"
    " [--format ...]\n"
    "           [--correction N]\n"
    "       popstat bulletin diff --period YYYY-MM [--parent CODE]\n"
    "  The monthly bulletin (月通报): year-to-date ranking and status per"
    " indicator,\n"
    "  commended and failing units, dekad reporting and timeliness, overdue"
    " tasks.\n"
    "  Chinese by default.  'publish' freezes it with its data; 'show'"
    " returns the\n"
    "  published text unchanged; 'diff' lists what later corrections would"
    " change.\n"
    "  --office, --doc-no: the issuing office (else the server's"
    " bulletin-office)\n"
    "  and document number at the head of the printed page (GB/T 9704),"
    " frozen\n"
    "  when published.  'publish --correction' re-issues a published bulletin"
    " as\n"
    "  a numbered correction (更正) from today's data; the original stays.\n";

int
cmd_bulletin(int argc, char **argv)
{
	static const char *const names[] = { "--period", "--parent", "--lang",
		"--format", "--office", "--doc-no", "--correction" };
	static const char *const flags[] = { "--correction" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Envelope *reply;
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	const char *cmd = "bulletin";
	struct opts o;
	unsigned long corr = 0;
	int rc, publish;

	if (args_help(argc, argv)) {
		fputs(bulletin_usage, stdout);
		return 0;
	}
	if (sub) {
		argc--;
		argv++;
		cmd = strcmp(sub, "publish") == 0 ? "bulletin publish" :
		    strcmp(sub, "show") == 0      ? "bulletin show" :
		    strcmp(sub, "diff") == 0      ? "bulletin diff" :
						    NULL;
		if (cmd == NULL)
			return args_usage_error("bulletin",
			    "unknown subcommand '%s'", sub);
	}
	/* --correction: a flag of publish, the number of one to show. */
	publish = sub && strcmp(sub, "publish") == 0;
	if ((rc = args_parse(cmd, argc, argv, names, publish ? 6 : 7, flags,
		 publish ? 1 : 0, &o, 0)) != 0)
		return rc;
	if (!o.v[0])
		return args_usage_error(cmd, "needs --period YYYY-MM");
	if (sub && !publish && (o.v[4] || o.v[5]))
		return args_usage_error(cmd,
		    "a published bulletin keeps the office and"
		    " number it was published with; --office and --doc-no "
		    "belong"
		    " to publish (or to a draft)");
	if (o.v[6]) {
		char *end;

		corr = strtoul(o.v[6], &end, 10);
		if (sub == NULL || strcmp(sub, "show") != 0 || *end ||
		    corr < 1 || corr > 100000 || o.v[6][0] == '-')
			return args_usage_error(cmd,
			    "--correction N (1, 2, ...) names a"
			    " correction to show; 'bulletin publish "
			    "--correction'"
			    " issues one");
	}
	/*
	 * --lang (a global option, so o.v[2] stays NULL), else "lang =" in
	 * the config; else Chinese, the language of a county bulletin
	 * (doc/rules.md §9), whatever the locale.
	 */
	if (o.v[2] == NULL)
		o.v[2] = opt.lang_flag ? opt.lang_flag : opt.lang_config;
	if (o.v[2] && strncmp(o.v[2], "zh", 2) == 0)
		o.v[2] = "zh";
	else if (o.v[2] && strncmp(o.v[2], "en", 2) == 0)
		o.v[2] = "en";
	if (bulletin_lang_parse(o.v[2]) < 0)
		return args_usage_error(cmd, "--lang must be zh or en");
	if (bulletin_format_parse(o.v[3]) < 0)
		return args_usage_error(cmd,
		    "--format must be txt, md, html or xlsx"
		    " (with --output FILE)");
	if (opt.xlsx && sub && strcmp(sub, "show") != 0)
		return args_usage_error(cmd,
		    "--format xlsx belongs to the bulletin"
		    " and to show");
	if ((rc = out_check(cmd, 0)) != 0)
		return rc;
	if (sub == NULL || strcmp(sub, "show") == 0) {
		Popstat__Bulletin b = POPSTAT__BULLETIN__INIT;
		Popstat__BulletinShow s = POPSTAT__BULLETIN_SHOW__INIT;

		if (sub == NULL) {
			b.period = (char *)o.v[0];
			b.parent = (char *)o.v[1];
			b.lang = (char *)o.v[2];
			b.format = (char *)o.v[3];
			b.office = (char *)o.v[4];
			b.doc_no = (char *)o.v[5];
			rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN;
			rq.bulletin = &b;
		} else {
			s.period = (char *)o.v[0];
			s.parent = (char *)o.v[1];
			s.lang = (char *)o.v[2];
			s.format = (char *)o.v[3];
			s.has_correction = corr > 0;
			s.correction = (uint32_t)corr;
			rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN_SHOW;
			rq.bulletin_show = &s;
		}
		if ((rc = client_simple(&rq, cmd, &reply)) != 0)
			return rc;
		/* A workbook from the bulletin's data, one sheet a table. */
		if (opt.xlsx)
			rc = bulletin_xlsx(reply->response->bulletin->data,
			    bulletin_lang_parse(o.v[2]));
		else
			fputs(reply->response->bulletin->text, stdout);
		popstat__envelope__free_unpacked(reply, NULL);
		return rc;
	}
	if (strcmp(sub, "publish") == 0) {
		Popstat__BulletinPublish p = POPSTAT__BULLETIN_PUBLISH__INIT;

		if (opt.lang_flag || o.v[3])
			return args_usage_error(cmd,
			    "publish freezes every language and"
			    " format; --lang and --format belong to show");
		p.period = (char *)o.v[0];
		p.parent = (char *)o.v[1];
		p.office = (char *)o.v[4];
		p.doc_no = (char *)o.v[5];
		p.has_correction = p.correction = o.set[6] != 0;
		rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN_PUBLISH;
		rq.bulletin_publish = &p;
		return client_ack(&rq, cmd);
	} else {
		Popstat__BulletinDiff d = POPSTAT__BULLETIN_DIFF__INIT;
		size_t k;

		d.period = (char *)o.v[0];
		d.parent = (char *)o.v[1];
		rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN_DIFF;
		rq.bulletin_diff = &d;
		if ((rc = client_simple(&rq, cmd, &reply)) != 0)
			return rc;
		if (reply->response->bulletin_diff->n_changes == 0)
			printf("no change since the bulletin was published "
			       "(%s)\n",
			    reply->response->bulletin_diff->published_at);
		else {
			printf("published %s; the data now say:\n",
			    reply->response->bulletin_diff->published_at);
			for (k = 0;
			     k < reply->response->bulletin_diff->n_changes; k++)
				printf("  %s\n",
				    reply->response->bulletin_diff->changes[k]);
		}
		popstat__envelope__free_unpacked(reply, NULL);
		return 0;
	}
}
