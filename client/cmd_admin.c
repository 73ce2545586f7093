/*
 * cmd_admin.c - ping, unit add/list, user add/list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "lang.h"
#include "csvout.h"
#include "grid.h"
#include "sbuf.h"

int
cmd_ping(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Ping p = POPSTAT__PING__INIT;
	Popstat__Envelope *reply;
	int rc;

	if (args_help(argc, argv)) {
		printf("usage: popstat ping\n  Connect, authenticate and print"
		       " who you are and the server's date.\n");
		return 0;
	}
	if (argc != 1)
		return args_usage_error("ping", "takes no arguments");
	rq.body_case = POPSTAT__REQUEST__BODY_PING;
	rq.ping = &p;
	if ((rc = client_simple(&rq, "ping", &reply)) != 0)
		return rc;
	printf("ok: server %s, today %s\n", opt.server,
	    reply->response->pong->server_today);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static const char unit_usage[] =
    "usage: popstat unit add CODE NAME [--parent CODE] [--level LEVEL]\n"
    "       popstat unit list [--root CODE] [--json | --csv]\n"
    "       popstat unit import FILE.csv\n"
    "       popstat unit export [--root CODE]\n"
    "       popstat unit rename CODE NAME [--from DATE]\n"
    "       popstat unit retire CODE --from DATE\n"
    "       popstat unit delete CODE\n"
    "       popstat unit move CODE --parent P [--from DATE]\n"
    "       popstat unit merge OLD --into NEW --from DATE\n"
    "  CODE is 1-20 characters of 0-9 A-Z a-z _ - (e.g. 610328101);\n"
    "  LEVEL is free text: city, county, township, village.\n"
    "  import and export use the CSV header code,name,parent,level\n"
    "  (see 'popstat unit import --help').\n"
    "  Changes to the tree are audited.  rename --from DATE: tables of\n"
    "  earlier days keep the old name (without it: a correction, everywhere).\n"
    "  retire: from DATE the unit is no\n"
    "  longer ranked, reported or due for dekad reports (tables of earlier\n"
    "  periods still list it); its records stay and count in its parent's\n"
    "  totals.  delete: only a unit that never held a record or account.\n"
    "  move: from DATE (default today) the unit and its subtree count under\n"
    "  P.  merge: OLD's records from DATE on count for NEW (before it\n"
    "  nothing changes) and OLD is retired from DATE.\n";

/* popstat unit rename|retire|delete|move|merge: one UnitChange. */
static int
unit_change(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitChange uc = POPSTAT__UNIT_CHANGE__INIT;
	Popstat__Envelope *reply;
	const char *pos[2] = { NULL, NULL };
	char what[32];
	int i, npos = 0, rc, want;

	xsnprintf(what, sizeof what, "unit %s", argv[0]);
	uc.op = argv[0];
	want = strcmp(argv[0], "rename") == 0 ? 2 : 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc &&
		    strcmp(argv[0], "delete") != 0)
			uc.from = argv[++i];
		else if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc &&
		    strcmp(argv[0], "move") == 0)
			uc.parent = argv[++i];
		else if (strcmp(argv[i], "--into") == 0 && i + 1 < argc &&
		    strcmp(argv[0], "merge") == 0)
			uc.into = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error(what, "unknown option %s",
			    argv[i]);
		else if (npos < want)
			pos[npos++] = argv[i];
		else
			return args_usage_error(what, "unexpected '%s'",
			    argv[i]);
	}
	if (npos != want)
		return args_usage_error(what,
		    want == 2 ? "needs CODE and NAME" : "needs CODE");
	if (strcmp(argv[0], "retire") == 0 && uc.from == NULL)
		return args_usage_error(what,
		    "needs --from DATE, the first day the"
		    " unit no longer exists");
	if (strcmp(argv[0], "move") == 0 && uc.parent == NULL)
		return args_usage_error(what, "needs --parent CODE");
	if (strcmp(argv[0], "merge") == 0 &&
	    (uc.into == NULL || uc.from == NULL))
		return args_usage_error(what,
		    "needs --into CODE and --from DATE");
	uc.code = (char *)pos[0];
	uc.name = (char *)pos[1];
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_CHANGE;
	rq.unit_change = &uc;
	if ((rc = client_simple(&rq, what, &reply)) != 0)
		return rc;
	if (!opt.quiet && reply->response->ack && reply->response->ack->message)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static int
unit_add(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitAdd ua = POPSTAT__UNIT_ADD__INIT;
	Popstat__Unit u = POPSTAT__UNIT__INIT;
	Popstat__Envelope *reply;
	const char *pos[2];
	int i, npos = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc)
			u.parent = argv[++i];
		else if (strcmp(argv[i], "--level") == 0 && i + 1 < argc)
			u.level = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error("unit add", "unknown option %s",
			    argv[i]);
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return args_usage_error("unit add", "unexpected '%s'",
			    argv[i]);
	}
	if (npos != 2)
		return args_usage_error("unit add", "needs CODE and NAME");
	u.code = (char *)pos[0];
	u.name = (char *)pos[1];
	ua.unit = &u;
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_ADD;
	rq.unit_add = &ua;
	if ((rc = client_simple(&rq, "unit add", &reply)) != 0)
		return rc;
	if (!opt.quiet && reply->response->ack && reply->response->ack->message)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static int
unit_list(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UnitList ul = POPSTAT__UNIT_LIST__INIT;
	Popstat__Envelope *reply;
	Popstat__UnitListOk *ok;
	static const char *const en[] = { "code", "name", "parent", "level",
		"retired from" };
	static const char *const zh[] = { "代码", "名称", "上级", "级别",
		"撤销日期" };
	const char *const *hdr = opt.lang == LANG_ZH ? zh : en;
	size_t k;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			ul.root = argv[++i];
		else
			return args_usage_error("unit list", "unexpected '%s'",
			    argv[i]);
	}
	if ((rc = out_check("unit list", opt.csv && !opt.json)) != 0)
		return rc;
	rq.body_case = POPSTAT__REQUEST__BODY_UNIT_LIST;
	rq.unit_list = &ul;
	if ((rc = client_simple(&rq, "unit list", &reply)) != 0)
		return rc;
	ok = reply->response->unit_list;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		sbuf_puts(&b, "[");
		for (k = 0; k < ok->n_units; k++) {
			Popstat__Unit *u = ok->units[k];

			sbuf_puts(&b, k ? ",\n {\"code\": " : "{\"code\": ");
			sbuf_json_str(&b, u->code);
			sbuf_puts(&b, ", \"name\": ");
			sbuf_json_str(&b, u->name);
			sbuf_puts(&b, ", \"parent\": ");
			if (u->parent)
				sbuf_json_str(&b, u->parent);
			else
				sbuf_puts(&b, "null");
			sbuf_puts(&b, ", \"level\": ");
			sbuf_json_str(&b, u->level ? u->level : "");
			sbuf_puts(&b, ", \"retired_from\": ");
			if (u->retired_from)
				sbuf_json_str(&b, u->retired_from);
			else
				sbuf_puts(&b, "null");
			sbuf_puts(&b, "}");
		}
		sbuf_puts(&b, "]\n");
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else if (opt.csv) {
		sbuf b;

		/* As unit export writes it: text cells guarded (csvout.h). */
		sbuf_init(&b);
		sbuf_puts(&b, "code,name,parent,level\n");
		for (k = 0; k < ok->n_units; k++) {
			Popstat__Unit *u = ok->units[k];

			csv_put_text(&b, u->code);
			sbuf_putc(&b, ',');
			csv_put_text(&b, u->name);
			sbuf_putc(&b, ',');
			csv_put_text(&b, u->parent ? u->parent : "");
			sbuf_putc(&b, ',');
			csv_put_text(&b, u->level ? u->level : "");
			sbuf_putc(&b, '\n');
		}
		rc = out_csv("unit list", &b);
		sbuf_free(&b);
	} else {
		struct table *t;
		int nc = 4;

		/* A fifth column only when some unit is retired. */
		for (k = 0; k < ok->n_units; k++)
			if (ok->units[k]->retired_from)
				nc = 5;
		t = table_new(nc, hdr);
		for (k = 0; k < ok->n_units; k++) {
			Popstat__Unit *u = ok->units[k];
			const char *row[5] = { u->code, u->name, u->parent,
				u->level,
				u->retired_from ? u->retired_from : "" };

			table_add(t, row);
		}
		table_print(t, stdout);
		table_free(t);
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return rc;
}

int
cmd_unit(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return unit_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "export") == 0)
		return unit_export(argc - 1, argv + 1);
	if (argc < 2 || args_help(argc, argv)) {
		fputs(unit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return unit_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return unit_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "rename") == 0 || strcmp(argv[1], "retire") == 0 ||
	    strcmp(argv[1], "delete") == 0 || strcmp(argv[1], "move") == 0 ||
	    strcmp(argv[1], "merge") == 0)
		return unit_change(argc - 1, argv + 1);
	return args_usage_error("unit", "unknown subcommand '%s'", argv[1]);
}

static const char user_usage[] =
    "usage: popstat user add NAME --role "
    "admin|clerk|inspector|department|viewer"
    " [--unit CODE] [--dept CODE]\n"
    "       popstat user list\n"
    "       popstat user disable|enable NAME\n"
    "       popstat user rotate NAME        print a new token; the old one"
    " stops working\n"
    "  'user add' prints the new account's token, once: hand it to its"
    " owner.\n"
    "  A clerk needs --unit: it may write records of that unit and the units"
    " below it.\n"
    "  A department account needs --dept: it updates that department's"
    " tasks.\n";

static int
user_add(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UserAdd ua = POPSTAT__USER_ADD__INIT;
	Popstat__Envelope *reply;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			ua.role = argv[++i];
		else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			ua.unit = argv[++i];
		else if (strcmp(argv[i], "--dept") == 0 && i + 1 < argc)
			ua.dept = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return args_usage_error("user add", "unknown option %s",
			    argv[i]);
		else if (ua.name == NULL)
			ua.name = argv[i];
		else
			return args_usage_error("user add", "unexpected '%s'",
			    argv[i]);
	}
	if (ua.name == NULL || ua.role == NULL)
		return args_usage_error("user add",
		    "needs NAME and --role ROLE");
	rq.body_case = POPSTAT__REQUEST__BODY_USER_ADD;
	rq.user_add = &ua;
	if ((rc = client_simple(&rq, "user add", &reply)) != 0)
		return rc;
	printf("%s\n", reply->response->user_add->token);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static int
user_list(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UserList ul = POPSTAT__USER_LIST__INIT;
	Popstat__Envelope *reply;
	Popstat__UserListOk *ok;
	static const char *const en[] = { "name", "role", "unit", "state",
		"created" };
	static const char *const zh[] = { "用户名", "角色", "单位", "状态",
		"创建时间" };
	const char *const *hdr = opt.lang == LANG_ZH ? zh : en;
	struct table *t;
	size_t k;
	int rc;

	(void)argv;
	if (argc > 1)
		return args_usage_error("user list", "takes no arguments");
	rq.body_case = POPSTAT__REQUEST__BODY_USER_LIST;
	rq.user_list = &ul;
	if ((rc = client_simple(&rq, "user list", &reply)) != 0)
		return rc;
	ok = reply->response->user_list;
	t = table_new(5, hdr);
	for (k = 0; k < ok->n_users; k++) {
		Popstat__User *u = ok->users[k];
		const char *row[5] = { u->name, u->role, u->unit,
			u->disabled ? "disabled" : "active", u->created };

		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static int
user_set(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__UserSet us = POPSTAT__USER_SET__INIT;
	Popstat__Envelope *reply;
	char cmd[32];
	int rc;

	snprintf(cmd, sizeof cmd, "user %s", argv[0]);
	if (argc != 2)
		return args_usage_error(cmd, "needs NAME");
	us.name = argv[1];
	if (strcmp(argv[0], "rotate") == 0) {
		us.has_rotate = 1;
		us.rotate = 1;
	} else {
		us.has_disabled = 1;
		us.disabled = strcmp(argv[0], "disable") == 0;
	}
	rq.body_case = POPSTAT__REQUEST__BODY_USER_SET;
	rq.user_set = &us;
	if ((rc = client_simple(&rq, cmd, &reply)) != 0)
		return rc;
	if (reply->response->body_case == POPSTAT__RESPONSE__BODY_USER_ADD)
		printf("%s\n", reply->response->user_add->token);
	else if (!opt.quiet &&
	    reply->response->body_case == POPSTAT__RESPONSE__BODY_ACK)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

int
cmd_user(int argc, char **argv)
{
	if (argc < 2 || args_help(argc, argv)) {
		fputs(user_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return user_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return user_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0 || strcmp(argv[1], "enable") == 0 ||
	    strcmp(argv[1], "rotate") == 0)
		return user_set(argc - 1, argv + 1);
	return args_usage_error("user", "unknown subcommand '%s'", argv[1]);
}
