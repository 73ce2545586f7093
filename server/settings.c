/*
 * settings.c - the option table, the command line and the config file.
 */
#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "frame.h"
#include "log.h"
#include "popstatd.h"
#include "sbuf.h"
#include "store.h"

enum kind { K_STRING, K_LONG, K_FLAG, K_ENUM, K_DATE };

struct option {
	const char *name;
	enum kind kind;
	void *value;              /* const char **, long *, or int32_t * */
	long def, min, max;       /* K_LONG; K_FLAG/K_ENUM use def */
	const char *const *names; /* K_ENUM: value i is names[i] */
	const char *arg;          /* placeholder in --help */
	const char *help;
	int flags; /* O_RELOAD; O_CMDLINE is set when run */
};

/*
 * O_RELOAD: SIGHUP may change it while serving (limits and reporting
 * rules); the database, addresses, TLS files and durability need a
 * restart.  O_CMDLINE: given on the command line, which the config file
 * does not override.
 */
enum { O_RELOAD = 1 << 0, O_CMDLINE = 1 << 1 };

static const char *const durability_names[] = { "full", "normal", NULL };
static const char *const level_names[] = { "debug", "info", "warn", "error",
	NULL };
static const char *config_path_opt;
static char config_read[1024];

static struct option options[] = {
	{ "db", K_STRING, &srv.set.db, 0, 0, 0, NULL, "FILE",
	    "the sqlite database (required)", 0 },
	{ "key-file", K_STRING, &srv.set.key_file, 0, 0, 0, NULL, "FILE",
	    "the HMAC key of mother_id, made by init (default DB.key); back it"
	    " up apart from the database",
	    0 },
	{ "allow-core-dumps", K_FLAG, &srv.set.allow_core_dumps, 0, 0, 0, NULL,
	    NULL,
	    "let the process dump core (debugging; a core holds the key"
	    " and mother_ids)",
	    0 },
	{ "listen", K_STRING, &srv.set.listen, 0, 0, 0, NULL, "HOST:PORT",
	    "address for the popstat protocol (required)", 0 },
	{ "config", K_STRING, &config_path_opt, 0, 0, 0, NULL, "FILE",
	    "configuration file (default " SETTINGS_DEFAULT_CONFIG " if it"
	    " exists)",
	    0 },
	{ "durability", K_ENUM, &srv.set.durability, DURABILITY_FULL, 0, 0,
	    durability_names, "full|normal",
	    "full: an acknowledged record"
	    " survives power loss; normal: survives a crash of popstatd only",
	    0 },
	{ "log-level", K_ENUM, &srv.set.log_level, LOG_INFO, 0, 0, level_names,
	    "LEVEL", "debug, info, warn or error", O_RELOAD },
	{ "max-frame", K_LONG, &srv.set.max_frame, (long)FRAME_MAX_DEFAULT, 64,
	    256L * 1024 * 1024, NULL, "BYTES", "largest frame accepted", 0 },
	{ "max-connections", K_LONG, &srv.set.max_connections, 16384, 1,
	    1000000, NULL, "N", "connections held at once; more are refused",
	    O_RELOAD },
	{ "max-output", K_LONG, &srv.set.max_output, 64L * 1024 * 1024, 4096,
	    1L << 32, NULL, "BYTES",
	    "bytes queued to a client that does not"
	    " read before it is dropped",
	    O_RELOAD },
	{ "idle-timeout", K_LONG, &srv.set.idle_timeout, 300, 1, 86400, NULL,
	    "SECONDS", "a connection silent this long is closed", O_RELOAD },
	{ "max-rows", K_LONG, &srv.set.max_rows, 10000, 1, 1000000, NULL, "N",
	    "rows in one submit batch", O_RELOAD },
	{ "max-period-days", K_LONG, &srv.set.max_period_days, 7305, 1, 3660000,
	    NULL, "DAYS",
	    "longest period a request may name (7305:"
	    " 20 years)",
	    O_RELOAD },
	{ "requests-per-turn", K_LONG, &srv.set.requests_per_turn, 16, 1,
	    100000, NULL, "N",
	    "requests served per connection per loop turn"
	    " (fairness)",
	    O_RELOAD },
	{ "timely-days", K_LONG, &srv.set.timely_days, 30, 0, 3650, NULL, "N",
	    "a record received within N days of its date is timely", O_RELOAD },
	{ "report-due-days", K_LONG, &srv.set.report_due_days, 3, 0, 366, NULL,
	    "N", "a dekad report is due N days after the dekad ends",
	    O_RELOAD },
	{ "http", K_STRING, &srv.set.http, 0, 0, 0, NULL, "HOST:PORT",
	    "serve the read-only dashboard, JSON API and /metrics here", 0 },
	{ "http-public", K_FLAG, &srv.set.http_public, 0, 0, 0, NULL, NULL,
	    "publish the aggregate pages (rankings, status, bulletins) without"
	    " login",
	    0 },
	{ "http-max-connections", K_LONG, &srv.set.http_max_connections, 256, 1,
	    100000, NULL, "N",
	    "dashboard connections held at once (at most"
	    " half the descriptors left after a reserve); more wait",
	    O_RELOAD },
	{ "http-request-timeout", K_LONG, &srv.set.http_request_timeout, 20, 1,
	    3600, NULL, "SECONDS",
	    "a dashboard request (headers and body)"
	    " not complete this long after it began is dropped",
	    O_RELOAD },
	{ "http-tls-cert", K_STRING, &srv.set.http_tls_cert, 0, 0, 0, NULL,
	    "FILE",
	    "PEM certificate (chain): the dashboard serves HTTPS (and"
	    " so its entry and upload pages) itself",
	    0 },
	{ "http-tls-key", K_STRING, &srv.set.http_tls_key, 0, 0, 0, NULL,
	    "FILE", "PEM private key of --http-tls-cert", 0 },
	{ "http-max-upload", K_LONG, &srv.set.http_max_upload,
	    16L * 1024 * 1024, 4096, 1L << 30, NULL, "BYTES",
	    "largest register file uploaded to"
	    " the dashboard (refused from its Content-Length, before it is"
	    " read)",
	    0 },
	{ "tls-cert", K_STRING, &srv.set.tls_cert, 0, 0, 0, NULL, "FILE",
	    "PEM certificate (chain): serve the protocol over TLS", 0 },
	{ "tls-key", K_STRING, &srv.set.tls_key, 0, 0, 0, NULL, "FILE",
	    "PEM private key of --tls-cert", 0 },
	{ "insecure-plaintext", K_FLAG, &srv.set.insecure_plaintext, 0, 0, 0,
	    NULL, NULL, "allow plaintext on a non-loopback address", 0 },
	{ "auth-failures", K_LONG, &srv.set.auth_failures, 10, 1, 100000, NULL,
	    "N",
	    "failed logins allowed per minute from one peer address, and"
	    " from one network (its /24, or /64 for IPv6); more are refused",
	    O_RELOAD },
	{ "auth-failures-global", K_LONG, &srv.set.auth_failures_global, 1000,
	    1, 10000000, NULL, "N",
	    "failed logins allowed per minute from all"
	    " peers together; more are refused",
	    O_RELOAD },
	{ "http-trusted-proxy", K_STRING, &srv.set.http_trusted_proxy, 0, 0, 0,
	    NULL, "ADDRESS",
	    "the reverse proxy in front of the dashboard: only"
	    " from this peer address is X-Forwarded-For believed",
	    0 },
	{ "bulletin-office", K_STRING, &srv.set.bulletin_office, 0, 0, 0, NULL,
	    "NAME",
	    "issuing office (发文机关) printed at the head of a bulletin"
	    " and in its signature, unless 'bulletin --office' names one",
	    O_RELOAD },
	{ "today", K_DATE, &srv.today_fixed, 0, 0, 0, NULL, "YYYY-MM-DD",
	    "pretend today is this date (testing only)", 0 },
};
#define NOPTIONS (sizeof options / sizeof options[0])

/* The strings copied from the configuration file, one per option. */
static char *owned[NOPTIONS];

static struct option *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

void
settings_defaults(void)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		struct option *o = &options[i];

		switch (o->kind) {
		case K_STRING: *(const char **)o->value = NULL; break;
		case K_LONG:
		case K_ENUM: *(long *)o->value = o->def; break;
		case K_FLAG: *(int *)o->value = (int)o->def; break;
		case K_DATE: *(int32_t *)o->value = 0; break;
		}
	}
}

/*
 * Values set from a file must outlive it: they are copied and kept until
 * a reload replaces them (requests run on the same event loop as SIGHUP,
 * so none is using the old copy).
 */
static int
set_option(struct option *o, const char *v, int copy, char *err, size_t errlen)
{
	char *end;
	long n;
	int i;

	switch (o->kind) {
	case K_STRING:
		if (*v == '\0') {
			xsnprintf(err, errlen, "%s: empty value", o->name);
			return -1;
		}
		if (copy) {
			/* A reloaded string replaces (and frees) the last copy.
			 */
			char **own = &owned[o - options];

			free(*own);
			*own = xstrdup(v);
			*(const char **)o->value = *own;
		} else
			*(const char **)o->value = v;
		return 0;
	case K_LONG:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < o->min || n > o->max) {
			xsnprintf(err, errlen,
			    "%s %s: must be a whole number"
			    " %ld-%ld",
			    o->name, v, o->min, o->max);
			return -1;
		}
		*(long *)o->value = n;
		return 0;
	case K_ENUM:
		for (i = 0; o->names[i]; i++)
			if (strcmp(v, o->names[i]) == 0) {
				*(long *)o->value = i;
				return 0;
			}
		xsnprintf(err, errlen, "%s %s: must be %s", o->name, v, o->arg);
		return -1;
	case K_FLAG:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0 || strcmp(v, "on") == 0)
			*(int *)o->value = 1;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		    strcmp(v, "0") == 0 || strcmp(v, "off") == 0)
			*(int *)o->value = 0;
		else {
			xsnprintf(err, errlen, "%s %s: must be yes or no",
			    o->name, v);
			return -1;
		}
		return 0;
	case K_DATE: {
		char derr[96];

		if (date_parse(v, (int32_t *)o->value, derr, sizeof derr) < 0) {
			xsnprintf(err, errlen, "%s %s: %s", o->name, v, derr);
			return -1;
		}
		return 0;
	}
	}
	return -1;
}

int
settings_set(const char *name, const char *value, char *err, size_t errlen)
{
	struct option *o = find(name);

	if (o == NULL) {
		xsnprintf(err, errlen, "unknown option '%s'", name);
		return -1;
	}
	return set_option(o, value, 1, err, errlen);
}

void
settings_usage(FILE *f)
{
	size_t i;
	char left[64];

	fprintf(f,
	    "usage: popstatd init --db FILE [--key-file FILE]\n"
	    "       popstatd --db FILE --listen HOST:PORT [options]\n"
	    "       popstatd backup --db FILE --to FILE\n"
	    "\n"
	    "  init      create the database and print the first admin token\n"
	    "  backup    copy the database consistently while it is served\n"
	    "\noptions (also 'NAME = VALUE' in the configuration file; the"
	    " command line wins):\n");
	for (i = 0; i < NOPTIONS; i++) {
		const struct option *o = &options[i];

		if (o->kind == K_FLAG)
			xsnprintf(left, sizeof left, "--%s", o->name);
		else
			xsnprintf(left, sizeof left, "--%s %s", o->name,
			    o->arg);
		fprintf(f, "  %-28s %s", left, o->help);
		if (o->kind == K_LONG)
			fprintf(f, " (default %ld, %ld-%ld)", o->def, o->min,
			    o->max);
		else if (o->kind == K_ENUM)
			fprintf(f, " (default %s)", o->names[o->def]);
		fputc('\n', f);
	}
}

int
settings_parse_args(int argc, char **argv)
{
	char err[256];
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		struct option *o;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			settings_usage(stdout);
			return 1;
		}
		if (strncmp(a, "--", 2) != 0 || (o = find(a + 2)) == NULL) {
			fprintf(stderr,
			    "popstatd: unknown option '%s' (see"
			    " popstatd --help)\n",
			    a);
			return -1;
		}
		if (o->kind == K_FLAG) {
			*(int *)o->value = 1;
		} else {
			if (i + 1 >= argc) {
				fprintf(stderr, "popstatd: %s needs a value\n",
				    a);
				return -1;
			}
			if (set_option(o, argv[++i], 0, err, sizeof err) < 0) {
				fprintf(stderr, "popstatd: --%s\n", err);
				return -1;
			}
		}
		o->flags |= O_CMDLINE;
	}
	return 0;
}

static int load_config(int reload);

int
settings_load_config(void)
{
	return load_config(0);
}

/*
 * SIGHUP: read the same file again and apply the reloadable options it
 * sets (the command line still wins).  A bad file changes nothing.
 */
int
settings_reload(void)
{
	if (config_read[0] == '\0') {
		log_info("SIGHUP: no configuration file to reload");
		return 0;
	}
	if (load_config(1) < 0)
		return -1;
	if (load_config(2) < 0)
		return -1;
	log_set_level((int)srv.set.log_level);
	log_info("configuration reloaded from %s", config_read);
	return 0;
}

/*
 * reload 0: start-up, every option; 1: check the whole file without
 * applying anything; 2: apply the reloadable options only.
 */
static int
load_config(int reload)
{
	const char *path = reload ? config_read : config_path_opt;
	char line[2048], err[256];
	FILE *f;
	int n = 0;

	if (path == NULL) {
		if (access(SETTINGS_DEFAULT_CONFIG, F_OK) != 0)
			return 0;
		path = SETTINGS_DEFAULT_CONFIG;
	}
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "popstatd: config %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *k, *v, *eq;
		struct option *o;

		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "popstatd: %s line %d: line too long\n",
			    path, n);
			fclose(f);
			return -1;
		}
		k = str_trim(line);
		if (*k == '#' || *k == '\0')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			fprintf(stderr,
			    "popstatd: %s line %d: expected NAME = VALUE\n",
			    path, n);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		k = str_trim(k);
		v = str_trim(eq + 1);
		/* bulletin_office is bulletin-office (doc/indicators.md
		 * §14). */
		for (eq = k; *eq; eq++)
			if (*eq == '_')
				*eq = '-';
		if ((o = find(k)) == NULL || strcmp(k, "config") == 0) {
			fprintf(stderr,
			    "popstatd: %s line %d: unknown setting '%s'\n",
			    path, n, k);
			fclose(f);
			return -1;
		}
		if ((o->flags & O_CMDLINE) || reload == 1 ||
		    (reload == 2 && !(o->flags & O_RELOAD))) {
			/* Still checked, so a bad file is caught now. */
			long tmpl;
			int tmpi;
			int32_t tmpd;
			const char *tmps;
			void *saved = o->value;

			o->value = o->kind == K_STRING ? (void *)&tmps :
			    o->kind == K_FLAG          ? (void *)&tmpi :
			    o->kind == K_DATE          ? (void *)&tmpd :
							 (void *)&tmpl;
			if (set_option(o, v, 0, err, sizeof err) < 0) {
				o->value = saved;
				fprintf(stderr, "popstatd: %s line %d: %s\n",
				    path, n, err);
				fclose(f);
				return -1;
			}
			o->value = saved;
			continue;
		}
		if (set_option(o, v, 1, err, sizeof err) < 0) {
			fprintf(stderr, "popstatd: %s line %d: %s\n", path, n,
			    err);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!reload)
		xsnprintf(config_read, sizeof config_read, "%s", path);
	return 0;
}

const char *
settings_config_path(void)
{
	return config_read[0] ? config_read : NULL;
}
