/*
 * outbox.c - the offline outbox in a local sqlite file.
 */
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "client.h"
#include "sbuf.h"

#define FLUSH_BATCH 1000

struct outbox {
	sqlite3 *db;
};

static char path_buf[1024];

/*
 * The account a row belongs to: the SHA-256 of the token that queued it
 * (the token itself is never written to the outbox).  Rows are sent only
 * with that token.
 */
static const char *
owner(void)
{
	static char hex[2 * SHA256_DIGEST_LENGTH + 1];
	unsigned char d[SHA256_DIGEST_LENGTH];
	const char *t = opt.token ? opt.token : "";
	int i;

	SHA256((const unsigned char *)t, strlen(t), d);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return hex;
}

/* Create each missing directory of path's parent. */
static void
make_parents(const char *path)
{
	char tmp[1024], *p;

	xsnprintf(tmp, sizeof tmp, "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0700);
		*p = '/';
	}
}

/*
 * The outbox holds mother_ids until the server has answered for them: the
 * file is 0600 whatever the umask (sqlite gives its WAL the same mode), and
 * the default directory, popstat's own, 0700.
 */
static int
private_file(const char *path)
{
	char dir[1024], *slash;
	struct stat st;
	int fd;

	if (getenv("POPSTAT_OUTBOX") == NULL || !*getenv("POPSTAT_OUTBOX")) {
		xsnprintf(dir, sizeof dir, "%s", path);
		if ((slash = strrchr(dir, '/')) != NULL) {
			*slash = '\0';
			if (stat(dir, &st) == 0 && (st.st_mode & 077) != 0)
				chmod(dir, 0700);
		}
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "popstat: outbox %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 &&
	    fchmod(fd, 0600) < 0)
		fprintf(stderr,
		    "popstat: outbox %s: cannot make it private:"
		    " %s\n",
		    path, strerror(errno));
	close(fd);
	return 0;
}

const char *
outbox_path(void)
{
	const char *p;

	if ((p = getenv("POPSTAT_OUTBOX")) && *p)
		xsnprintf(path_buf, sizeof path_buf, "%s", p);
	else if ((p = getenv("XDG_DATA_HOME")) && *p)
		xsnprintf(path_buf, sizeof path_buf, "%s/popstat/outbox.db", p);
	else if ((p = getenv("HOME")) && *p)
		xsnprintf(path_buf, sizeof path_buf,
		    "%s/.local/share/popstat/outbox.db", p);
	else
		xsnprintf(path_buf, sizeof path_buf, "popstat-outbox.db");
	return path_buf;
}

struct outbox *
outbox_open(void)
{
	struct outbox *o = xcalloc(1, sizeof *o);
	const char *path = outbox_path();
	char *msg = NULL;

	make_parents(path);
	if (private_file(path) < 0) {
		free(o);
		return NULL;
	}
	if (sqlite3_open(path, &o->db) != SQLITE_OK) {
		fprintf(stderr, "popstat: outbox %s: %s\n", path,
		    sqlite3_errmsg(o->db));
		sqlite3_close(o->db);
		free(o);
		return NULL;
	}
	sqlite3_busy_timeout(o->db, 10000);
	/* A sent row's mother_id is zeroed on disk, not only unlinked. */
	if (sqlite3_exec(o->db,
		"PRAGMA secure_delete=ON;"
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=FULL;"
		"CREATE TABLE IF NOT EXISTS pending(id INTEGER PRIMARY KEY,"
		" server TEXT NOT NULL, kind INTEGER NOT NULL, file TEXT NOT "
		"NULL,"
		" line INTEGER NOT NULL, row BLOB NOT NULL, queued_at TEXT NOT "
		"NULL)",
		NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "popstat: outbox %s: %s\n", path, msg);
		sqlite3_free(msg);
		sqlite3_close(o->db);
		free(o);
		return NULL;
	}
	/* Outboxes made before rows had an owner: their rows have none. */
	sqlite3_exec(o->db, "ALTER TABLE pending ADD COLUMN owner TEXT", NULL,
	    NULL, NULL);
	return o;
}

void
outbox_close(struct outbox *o)
{
	if (o == NULL)
		return;
	sqlite3_close(o->db);
	free(o);
}

int
outbox_begin(struct outbox *o)
{
	return sqlite3_exec(o->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
		SQLITE_OK ?
	    0 :
	    -1;
}

int
outbox_commit(struct outbox *o)
{
	return sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
	    0 :
	    -1;
}

int
outbox_put(struct outbox *o, const char *server, int kind, const char *file,
    const Popstat__Row *row)
{
	sqlite3_stmt *s;
	size_t n = popstat__row__get_packed_size(row);
	uint8_t *buf = xmalloc(n);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	localtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &tm);
	popstat__row__pack(row, buf);
	if (sqlite3_prepare_v2(o->db,
		"INSERT INTO pending(server, kind, file,"
		" line, row, queued_at, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7)",
		-1, &s, NULL) != SQLITE_OK) {
		free(buf);
		return -1;
	}
	sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_text(s, 3, file, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, (int)row->line);
	sqlite3_bind_blob(s, 5, buf, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, owner(), -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	free(buf);
	return rc == SQLITE_DONE ? 0 : -1;
}

long
outbox_pending(struct outbox *o, const char *server)
{
	sqlite3_stmt *s;
	long n = -1;

	if (sqlite3_prepare_v2(o->db,
		"SELECT count(*) FROM pending WHERE"
		" (?1 IS NULL OR server = ?1) AND (owner IS NULL OR owner = "
		"?2)",
		-1, &s, NULL) != SQLITE_OK)
		return -1;
	if (server)
		sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, owner(), -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

long
outbox_pending_others(struct outbox *o, const char *server)
{
	sqlite3_stmt *s;
	long n = -1;

	if (sqlite3_prepare_v2(o->db,
		"SELECT count(*) FROM pending WHERE"
		" server = ?1 AND owner IS NOT NULL AND owner <> ?2",
		-1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, owner(), -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

long
outbox_list(struct outbox *o)
{
	sqlite3_stmt *s;
	long n = 0;
	static const char *const kinds[] = { "?", "birth", "death", "migration",
		"population", "verification" };

	if (sqlite3_prepare_v2(o->db,
		"SELECT server, kind, file, line, row,"
		" queued_at, owner IS NOT NULL AND owner <> ?1 FROM pending "
		"ORDER"
		" BY id",
		-1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, owner(), -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		Popstat__Row *row = popstat__row__unpack(NULL,
		    (size_t)sqlite3_column_bytes(s, 4),
		    sqlite3_column_blob(s, 4));
		int k = sqlite3_column_int(s, 1);

		if (n == 0)
			printf("%-19s  %-12s  %-21s  %-22s  %s\n", "queued",
			    "kind", "server", "record", "from");
		printf("%-19s  %-12s  %-21s  %-22s  %s line %d%s\n",
		    sqlite3_column_text(s, 5),
		    k >= 1 && k <= 5 ? kinds[k] : "?",
		    sqlite3_column_text(s, 0),
		    row && row->record_id ? row->record_id : "?",
		    sqlite3_column_text(s, 2), sqlite3_column_int(s, 3),
		    sqlite3_column_int(s, 6) ? " (another account's)" : "");
		if (row)
			popstat__row__free_unpacked(row, NULL);
		n++;
	}
	sqlite3_finalize(s);
	return n;
}

struct pend {
	int64_t id;
	int kind;
	int keep; /* rejected for scope: stays for an account that may */
	char *file;
	Popstat__Row *row;
};

static void
pend_free(struct pend *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].file);
		if (p[i].row)
			popstat__row__free_unpacked(p[i].row, NULL);
	}
}

/* Drop one row that cannot be read, loudly: it can never be sent. */
static void
drop_row(struct outbox *o, int64_t id)
{
	sqlite3_stmt *s;

	fprintf(stderr, "popstat: outbox row %lld is unreadable; dropped\n",
	    (long long)id);
	if (sqlite3_prepare_v2(o->db, "DELETE FROM pending WHERE id = ?1", -1,
		&s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

/*
 * Load up to FLUSH_BATCH of the oldest rows of one kind for server.
 * Returns how many (0: none left for this server).
 */
static size_t
load_batch(struct outbox *o, const char *server, int64_t after, struct pend *p)
{
	sqlite3_stmt *s;
	size_t n;
	int kind, rc;
	int64_t bad;

restart:
	n = 0;
	kind = -1;
	bad = 0;
	if (sqlite3_prepare_v2(o->db,
		"SELECT id, kind, file, row FROM pending"
		" WHERE server = ?1 AND (owner IS NULL OR owner = ?3) AND id > "
		"?4"
		" ORDER BY id LIMIT ?2",
		-1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, FLUSH_BATCH);
	sqlite3_bind_text(s, 3, owner(), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, after);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int k = sqlite3_column_int(s, 1);
		Popstat__Row *row;

		if (kind >= 0 && k != kind)
			break;
		row = popstat__row__unpack(NULL,
		    (size_t)sqlite3_column_bytes(s, 3),
		    sqlite3_column_blob(s, 3));
		if (row == NULL || k < 1 || k > 5) {
			if (row)
				popstat__row__free_unpacked(row, NULL);
			bad = sqlite3_column_int64(s, 0);
			break;
		}
		kind = k;
		p[n].id = sqlite3_column_int64(s, 0);
		p[n].kind = k;
		p[n].file = xstrdup((const char *)sqlite3_column_text(s, 2));
		p[n].row = row;
		n++;
	}
	sqlite3_finalize(s);
	/* Send what came before a bad row; drop the bad row when it is first.
	 */
	if (bad && n == 0) {
		drop_row(o, bad);
		goto restart;
	}
	return n;
}

static int
delete_ids(struct outbox *o, const struct pend *p, size_t n)
{
	sqlite3_stmt *s;
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(o->db, "DELETE FROM pending WHERE id = ?1", -1,
		&s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_exec(o->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (p[i].keep)
			continue;
		sqlite3_bind_int64(s, 1, p[i].id);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	return rc;
}

int
outbox_flush(struct outbox *o, struct client *c, FILE *out,
    unsigned long *accepted, unsigned long *duplicate, unsigned long *rejected)
{
	struct pend *p = xcalloc(FLUSH_BATCH, sizeof *p);
	size_t n, i, j;
	int64_t after = 0;
	int rc = 0;

	while ((n = load_batch(o, opt.server, after, p)) > 0) {
		Popstat__Request rq = POPSTAT__REQUEST__INIT;
		Popstat__Submit s = POPSTAT__SUBMIT__INIT;
		Popstat__Row **rows = xcalloc(n, sizeof *rows);
		uint32_t *lines = xcalloc(n, sizeof *lines);
		Popstat__Envelope *reply;
		Popstat__SubmitOk *ok;

		/*
		 * Rows of several files can share line numbers: send each
		 * row's position instead and map rejections back.
		 */
		for (i = 0; i < n; i++) {
			rows[i] = p[i].row;
			lines[i] = p[i].row->line;
			p[i].row->line = (uint32_t)i + 1;
		}
		s.kind = (Popstat__RecordKind)p[0].kind;
		s.rows = rows;
		s.n_rows = n;
		rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
		rq.submit = &s;
		reply = client_call(c, &rq);
		free(rows);
		for (i = 0; i < n; i++)
			p[i].row->line = lines[i];
		if (reply == NULL) {
			rc = EXIT_NOCONN;
			pend_free(p, n);
			free(lines);
			break;
		}
		after = p[n - 1].id;
		if ((rc = client_error(reply->response, "sync")) != 0) {
			fprintf(stderr,
			    "popstat: the %zu rows of this batch are"
			    " kept in the outbox\n",
			    n);
			popstat__envelope__free_unpacked(reply, NULL);
			pend_free(p, n);
			free(lines);
			break;
		}
		ok = reply->response->submit;
		*accepted += ok->accepted;
		*duplicate += ok->duplicate;
		/* Rejections name the original file and line. */
		for (j = 0; j < ok->n_rejected; j++) {
			uint32_t k = ok->rejected[j]->line;

			int scope = strstr(ok->rejected[j]->reason,
					"outside your scope") != NULL;

			if (k >= 1 && k <= n) {
				fprintf(out, "%s line %u: %s: %s%s\n",
				    p[k - 1].file, lines[k - 1],
				    ok->rejected[j]->column,
				    ok->rejected[j]->reason,
				    scope ? " (kept in"
					    " the outbox: send it with an "
					    "account that"
					    " may write this unit)" :
					    "");
				p[k - 1].keep = scope;
			}
			(*rejected)++;
		}
		free(lines);
		popstat__envelope__free_unpacked(reply, NULL);
		if (delete_ids(o, p, n) < 0) {
			fprintf(stderr,
			    "popstat: outbox: cannot remove sent rows:"
			    " %s (they will be re-sent, harmlessly)\n",
			    sqlite3_errmsg(o->db));
			pend_free(p, n);
			rc = EXIT_REJECTED;
			break;
		}
		pend_free(p, n);
	}
	free(p);
	return rc;
}

/*
 * Send what the outbox holds for this server, quietly, so any successful
 * command also flushes it.  Only when an outbox file exists.
 */
void
outbox_send_pending(struct client *c)
{
	struct outbox *ob;
	unsigned long acc = 0, dup = 0, rej = 0;
	long n;

	if (access(outbox_path(), F_OK) != 0 || (ob = outbox_open()) == NULL)
		return;
	n = outbox_pending(ob, opt.server);
	if (n > 0) {
		fprintf(stderr,
		    "popstat: sending %ld rows waiting in the"
		    " outbox\n",
		    n);
		/* stderr: stdout belongs to the command (its JSON, say). */
		outbox_flush(ob, c, stderr, &acc, &dup, &rej);
		fprintf(stderr,
		    "popstat: outbox: accepted %lu, duplicate %lu,"
		    " rejected %lu, %ld still pending\n",
		    acc, dup, rej, outbox_pending(ob, opt.server));
	}
	outbox_close(ob);
}
