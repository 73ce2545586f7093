/*
 * main.c - popstat, the command-line client.
 *
 *   popstat [--server HOST:PORT] [--token TOKEN | --token-file FILE] COMMAND
 *
 * The server and token come from the flags, else POPSTAT_SERVER and
 * POPSTAT_TOKEN (or POPSTAT_TOKEN_FILE), else the config file ($POPSTAT_CONFIG,
 * or $XDG_CONFIG_HOME/popstat/config, or ~/.config/popstat/config: lines of
 * "key = value", '#' comments), else the server defaults to 127.0.0.1:7070.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client.h"
#include "lang.h"
#include "outbox.h"
#include "sbuf.h"

/*
 * The commands, as tmux's cmd_entry: one row each, C(name, usage,
 * handler); 'popstat --help' prints "name usage" for each.  The handler,
 * int cmd_NAME(int argc, char **argv) with argv[0] the command's name,
 * lives in a cmd_*.c file and is declared by this table, nowhere else.  A
 * new command is its file and one row here.
 */
#define COMMANDS(C)                                                            \
	C("submit", "FILE.csv [--kind KIND]   send records", cmd_submit)       \
	C("check",                                                             \
	    "FILE [--kind KIND]"                                               \
	    "         find a register's problems, no server",                  \
	    cmd_check)                                                         \
	C("template",                                                          \
	    "KIND [--lang zh|en] [--format csv|xlsx]   an empty register",     \
	    cmd_template)                                                      \
	C("amend", "FILE.csv --reason TEXT     correct stored records",        \
	    cmd_amend)                                                         \
	C("void", "RECORD_ID --unit CODE --reason TEXT", cmd_void)             \
	C("sync", "[--retries N]               send what the outbox holds",    \
	    cmd_sync)                                                          \
	C("outbox", "                          list rows waiting to be sent",  \
	    cmd_outbox)                                                        \
	C("unit", "add|list|import|export ...  administrative units",          \
	    cmd_unit)                                                          \
	C("user", "add|list ...                accounts and tokens", cmd_user) \
	C("status",                                                            \
	    "--unit CODE --period P         counters, indicators, targets",    \
	    cmd_status)                                                        \
	C("ranking",                                                           \
	    "--parent CODE --period P      rank the units under CODE",         \
	    cmd_ranking)                                                       \
	C("verify-report",                                                     \
	    "--unit CODE --period P  births found by inspection, unreported",  \
	    cmd_verify_report)                                                 \
	C("indicator", "set|list ...           indicator expressions",         \
	    cmd_indicator)                                                     \
	C("target", "set|delete|list ...       targets, vetoes, weights",      \
	    cmd_target)                                                        \
	C("audit", "[--unit CODE] [--since DATE]  the audit log", cmd_audit)   \
	C("approve", "--unit CODE --period P    approve and lock a period",    \
	    cmd_approve)                                                       \
	C("unlock", "--unit CODE --period P --reason TEXT", cmd_unlock)        \
	C("lock", "list [--unit CODE]          approved periods", cmd_lock)    \
	C("report", "file|status ...           dekad reports (旬报)",          \
	    cmd_report)                                                        \
	C("inspection", "--period 2026-11D2     10-day inspection summary",    \
	    cmd_inspection)                                                    \
	C("warning",                                                           \
	    "--parent CODE [--year Y]"                                         \
	    "  early warning: headroom and risk (预警)",                       \
	    cmd_warning)                                                       \
	C("quality",                                                           \
	    "--parent CODE --period P  data quality flags (数据质量)",         \
	    cmd_quality)                                                       \
	C("bulletin",                                                          \
	    "[publish|show|diff] --period YYYY-MM   monthly bulletin",         \
	    cmd_bulletin)                                                      \
	C("dept", "add|list ...                departments", cmd_dept)         \
	C("task", "add|update|list|show ...    responsibility tasks",          \
	    cmd_task)                                                          \
	C("export",                                                            \
	    "--parent CODE --period P"                                         \
	    "       many units' numbers: csv, json, ADX",                      \
	    cmd_export)                                                        \
	C("ping",                                                              \
	    "                            check the server and the token",      \
	    cmd_ping)                                                          \
	/* end of COMMANDS */

#define C_DECLARE(name_, usage_, fn_) int fn_(int, char **);
COMMANDS(C_DECLARE)

static const struct command {
	const char *name;
	const char *usage;
	int (*fn)(int, char **);
} commands[] = {
#define C_ROW(name_, usage_, fn_) { .name = name_, .usage = usage_, .fn = fn_ },
	COMMANDS(C_ROW)
};

/* The row of a command, or NULL when there is none. */
static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: popstat [--server HOST:PORT] [--token TOKEN |"
	    " --token-file FILE]\n               COMMAND ...\n\ncommands:\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %s %s\n", commands[i].name, commands[i].usage);
	fprintf(f,
	    "\nRun 'popstat COMMAND --help' for a command's options.\n"
	    "TLS: --ca FILE verifies the server against a CA certificate, --pin"
	    " SHA256\n"
	    "pins its certificate's fingerprint, --tls uses the system CA"
	    " store.\n"
	    "Output: --lang zh|en (else lang = in the config, else the locale),"
	    " --wide\n"
	    "(every column), --json, --csv, --format xlsx --output FILE; CSV "
	    "for"
	    " Excel:\n--bom, --encoding gb18030.\n"
	    "Environment: POPSTAT_SERVER, POPSTAT_TOKEN, POPSTAT_TOKEN_FILE,"
	    " POPSTAT_CA,\nPOPSTAT_PIN, POPSTAT_CONFIG.\n"
	    "Exit status: 0 success; 1 the server rejected some or all of the"
	    " request;\n2 usage error; 3 cannot connect or not authorised.\n");
}

/* Nonzero if cmd is one of the NULL-terminated list. */
static int
one_of(const char *cmd, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(cmd, *list) == 0)
			return 1;
	return 0;
}

/*
 * The output options go with the commands that honour them (doc/indicators.md
 * §14); elsewhere they would be ignored in silence.  0, or -1
 * after saying which commands take the option.
 */
static int
output_opts_check(const char *cmd)
{
	static const char *const xlsx[] = { "ranking", "status", "report",
		"export", "bulletin", "template", NULL };
	static const char *const csv[] = { "ranking", "status", "report",
		"export", "unit", NULL };
	static const char *const enc[] = { "ranking", "status", "report",
		"export", "unit", "submit", "amend", "check", NULL };

	if (opt.xlsx && !one_of(cmd, xlsx)) {
		fprintf(stderr,
		    "popstat %s: no --format xlsx; workbooks are"
		    " written by ranking, status, report status, export,"
		    " bulletin and template\n",
		    cmd);
		return -1;
	}
	if (opt.bom && !one_of(cmd, csv)) {
		fprintf(stderr,
		    "popstat %s: no --bom; it is for the CSV of"
		    " ranking, status, report status, export and unit\n",
		    cmd);
		return -1;
	}
	if (opt.encoding && !one_of(cmd, enc)) {
		fprintf(stderr,
		    "popstat %s: no --encoding; it is for CSV"
		    " output and for the registers submit and check read\n",
		    cmd);
		return -1;
	}
	if (opt.output && !one_of(cmd, xlsx) && !one_of(cmd, csv)) {
		fprintf(stderr,
		    "popstat %s: no --output; it is for workbooks"
		    " and CSV\n",
		    cmd);
		return -1;
	}
	return 0;
}

static char *cfg_server, *cfg_token, *cfg_ca, *cfg_pin;
static char cfg_format[8]; /* table, json or csv; "" when not set */
static char cfg_lang[16];  /* zh or en; "" when not set */

/* Read the config file; a missing file is fine, a bad line is an error. */
static int
read_config(void)
{
	char path[1024], line[1024];
	const char *p = getenv("POPSTAT_CONFIG");
	FILE *f;
	int n = 0;

	if (p && *p)
		xsnprintf(path, sizeof path, "%s", p);
	else if ((p = getenv("XDG_CONFIG_HOME")) && *p)
		xsnprintf(path, sizeof path, "%s/popstat/config", p);
	else if ((p = getenv("HOME")) && *p)
		xsnprintf(path, sizeof path, "%s/.config/popstat/config", p);
	else
		return 0;
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f)) {
		char *k = str_trim(line), *v;

		n++;
		if (*k == '#' || *k == '\0')
			continue;
		if ((v = strchr(k, '=')) == NULL) {
			fprintf(stderr,
			    "popstat: %s line %d: expected key = value\n", path,
			    n);
			fclose(f);
			return -1;
		}
		*v = '\0';
		k = str_trim(k);
		v = str_trim(v + 1);
		if (strcmp(k, "server") == 0) {
			free(cfg_server);
			cfg_server = xstrdup(v);
		} else if (strcmp(k, "ca") == 0) {
			free(cfg_ca);
			cfg_ca = xstrdup(v);
		} else if (strcmp(k, "pin") == 0) {
			free(cfg_pin);
			cfg_pin = xstrdup(v);
		} else if (strcmp(k, "token") == 0) {
			free(cfg_token);
			cfg_token = xstrdup(v);
		} else if (strcmp(k, "lang") == 0) {
			/* Without --lang (doc/indicators.md §14). */
			if (lang_parse(v) < 0) {
				fprintf(stderr,
				    "popstat: %s line %d: lang '%s': must"
				    " be zh or en\n",
				    path, n, v);
				fclose(f);
				return -1;
			}
			xsnprintf(cfg_lang, sizeof cfg_lang, "%s", v);
		} else if (strcmp(k, "format") == 0) {
			/* The output when neither --json nor --csv is given. */
			if (strcmp(v, "table") != 0 && strcmp(v, "json") != 0 &&
			    strcmp(v, "csv") != 0) {
				fprintf(stderr,
				    "popstat: %s line %d: format '%s': must"
				    " be table, json or csv\n",
				    path, n, v);
				fclose(f);
				return -1;
			}
			xsnprintf(cfg_format, sizeof cfg_format, "%s", v);
		} else {
			fprintf(stderr,
			    "popstat: %s line %d: unknown key '%s'\n", path, n,
			    k);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/*
 * The token from a file (--token-file, POPSTAT_TOKEN_FILE), so it need be
 * neither on a command line (every user sees those in ps) nor in the
 * environment: its first line, blanks around it dropped.
 */
static int
read_token_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "popstat: --token-file %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0)
		fprintf(stderr,
		    "popstat: warning: the token file %s can be read"
		    " by other users (mode %03o): chmod 600 it\n",
		    path, (unsigned)(st.st_mode & 0777));
	if (fgets(buf, (int)cap, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	n = strspn(buf, " \t");
	memmove(buf, buf + n, strlen(buf + n) + 1);
	if (buf[0] == '\0') {
		fprintf(stderr,
		    "popstat: --token-file %s: the file is empty;"
		    " it should hold the token (pst_...) on its first line\n",
		    path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	const char *server = NULL, *token = NULL, *ca = NULL, *pin = NULL;
	const char *token_file = NULL;
	static char file_token[256];
	int i, n = 0, rc;
	const struct command *cmd;

	/* A server that goes away is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* Any command that connects sends the outbox first. */
	client_on_open = outbox_send_pending;
	/* Global options may stand anywhere on the line. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ca") == 0 ||
		    strcmp(argv[i], "--pin") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "popstat: %s needs a value\n",
				    argv[i]);
				free(args);
				return EXIT_USAGE;
			}
			if (argv[i][2] == 'c')
				ca = argv[++i];
			else
				pin = argv[++i];
		} else if (strcmp(argv[i], "--tls") == 0)
			opt.tls = 1;
		else if (strcmp(argv[i], "--token-file") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				    "popstat: --token-file needs a"
				    " value\n");
				free(args);
				return EXIT_USAGE;
			}
			token_file = argv[++i];
		} else if (strcmp(argv[i], "--server") == 0 ||
		    strcmp(argv[i], "--token") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "popstat: %s needs a value\n",
				    argv[i]);
				free(args);
				return EXIT_USAGE;
			}
			if (argv[i][2] == 's')
				server = argv[++i];
			else
				token = argv[++i];
		} else if ((strcmp(argv[i], "--lang") == 0 ||
			       strcmp(argv[i], "--output") == 0 ||
			       strcmp(argv[i], "--encoding") == 0) &&
		    i + 1 >= argc) {
			fprintf(stderr, "popstat: %s needs a value\n", argv[i]);
			free(args);
			return EXIT_USAGE;
		} else if (strcmp(argv[i], "--lang") == 0) {
			opt.lang_flag = argv[++i];
			if (lang_parse(opt.lang_flag) < 0) {
				fprintf(stderr,
				    "popstat: --lang %s: must be zh or"
				    " en\n",
				    opt.lang_flag);
				free(args);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--output") == 0)
			opt.output = argv[++i];
		else if (strcmp(argv[i], "--encoding") == 0)
			/* Checked by its user: CSV output or a register read.
			 */
			opt.encoding = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		    strcmp(argv[i + 1], "xlsx") == 0) {
			/* An Excel workbook: any command with a table (cmd_*).
			 */
			opt.xlsx = 1;
			i++;
		} else if (strcmp(argv[i], "--wide") == 0)
			opt.wide = 1;
		else if (strcmp(argv[i], "--bom") == 0)
			opt.bom = 1;
		else if (strcmp(argv[i], "--json") == 0)
			opt.json = 1;
		else if (strcmp(argv[i], "--csv") == 0)
			opt.csv = 1;
		else if (strcmp(argv[i], "--quiet") == 0 ||
		    strcmp(argv[i], "-q") == 0)
			opt.quiet = 1;
		else
			args[n++] = argv[i];
	}
	/* "popstat help COMMAND" is "popstat COMMAND --help". */
	if (n >= 2 && strcmp(args[0], "help") == 0) {
		if (command_find(args[1]) == NULL) {
			fprintf(stderr, "popstat help: unknown command '%s'\n",
			    args[1]);
			usage(stderr);
			free(args);
			return EXIT_USAGE;
		}
		args[0] = args[1];
		args[1] = "--help";
		n = 2;
	}
	if (n == 0 || strcmp(args[0], "--help") == 0 ||
	    strcmp(args[0], "-h") == 0 || strcmp(args[0], "help") == 0) {
		usage(n == 0 ? stderr : stdout);
		free(args);
		return n == 0 ? EXIT_USAGE : EXIT_OK;
	}
	if (read_config() < 0) {
		free(args);
		return EXIT_USAGE;
	}
	/* --lang, else "lang =" in the config, else the locale, else en. */
	opt.lang_config = cfg_lang[0] ? cfg_lang : NULL;
	opt.lang = lang_pick(opt.lang_flag, opt.lang_config);
	/*
	 * A workbook is for the county office: Chinese headers
	 * (doc/indicators.md §14) unless --lang or the config say otherwise,
	 * as the bulletin is Chinese whatever the locale.
	 */
	if (opt.xlsx && opt.lang_flag == NULL && opt.lang_config == NULL)
		opt.lang = LANG_ZH;
	/* template may write a workbook to a redirected standard output. */
	if (opt.xlsx && opt.output == NULL &&
	    strcmp(args[0], "template") != 0) {
		fprintf(stderr,
		    "popstat: --format xlsx needs --output FILE.xlsx"
		    " (a workbook is not written to a terminal)\n");
		free(args);
		return EXIT_USAGE;
	}
	if (opt.xlsx && (opt.json || opt.csv)) {
		fprintf(stderr,
		    "popstat: --format xlsx, --json or --csv: one of"
		    " them\n");
		free(args);
		return EXIT_USAGE;
	}
	if (output_opts_check(args[0]) != 0) {
		free(args);
		return EXIT_USAGE;
	}
	if (!opt.json && !opt.csv && !opt.xlsx) {
		opt.json = strcmp(cfg_format, "json") == 0;
		opt.csv = strcmp(cfg_format, "csv") == 0;
	}
	opt.server = server ? server : getenv("POPSTAT_SERVER");
	if (opt.server == NULL || *opt.server == '\0')
		opt.server = cfg_server ? cfg_server : DEFAULT_SERVER;
	opt.ca = ca ? ca : getenv("POPSTAT_CA");
	if (opt.ca == NULL || *opt.ca == '\0')
		opt.ca = cfg_ca;
	opt.pin = pin ? pin : getenv("POPSTAT_PIN");
	if (opt.pin == NULL || *opt.pin == '\0')
		opt.pin = cfg_pin;
	if (token == NULL && token_file == NULL &&
	    (token = getenv("POPSTAT_TOKEN")) != NULL && *token == '\0')
		token = NULL;
	if (token == NULL && token_file == NULL &&
	    (token_file = getenv("POPSTAT_TOKEN_FILE")) != NULL &&
	    *token_file == '\0')
		token_file = NULL;
	if (token == NULL && token_file != NULL) {
		if (read_token_file(token_file, file_token, sizeof file_token) <
		    0) {
			free(args);
			return EXIT_USAGE;
		}
		token = file_token;
	}
	opt.token = token ? token : cfg_token;
	if ((cmd = command_find(args[0])) != NULL) {
		rc = cmd->fn(n, args);
		free(args);
		free(cfg_server);
		free(cfg_token);
		free(cfg_ca);
		free(cfg_pin);
		return rc;
	}
	fprintf(stderr, "popstat: unknown command '%s'\n", args[0]);
	usage(stderr);
	free(args);
	return EXIT_USAGE;
}
