/*
 * store_files.c - the files beside the database: their modes, the key
 * file and consistent backups.
 *
 * The key.  mother_id is kept only as an HMAC under a 256-bit key; were the
 * key in the database (its meta table, as before), a copy of the database,
 * its WAL or a backup would be enough to test guesses of an ID number
 * (there are few: a county's women of an age).  So the key lives in a file
 * of its own (--key-file, default DB.key), 0600, made by `popstatd init`
 * and backed up apart from the database.  A database whose key is still in
 * meta has it moved out on its first start: the file is written (temporary
 * name, fsync, rename, fsync of the directory) and read back before the
 * row is deleted, with secure_delete so that the freed page is zeroed.
 *
 * Modes.  Every file made here is 0600 whatever the umask (sqlite gives
 * the WAL and shared-memory files the database's mode).
 *
 * Backups are written under a temporary name in the destination's
 * directory, checked, synced and renamed, and the directory synced: a
 * backup killed half-way leaves no file under the name asked for.
 */
#include "store.h"
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sbuf.h"

static char key_path[4096];

void
store_set_key_file(const char *db, const char *key_file)
{
	if (key_file && *key_file)
		xsnprintf(key_path, sizeof key_path, "%s", key_file);
	else
		xsnprintf(key_path, sizeof key_path, "%s.key", db);
}

const char *
store_key_file(void)
{
	return key_path;
}

/* Create path, which must not exist, empty and 0600. */
int
store_file_create(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		xsnprintf(err, errlen,
		    errno == EEXIST ? "%s already exists;"
				      " refusing to overwrite it" :
				      "cannot create %s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) < 0) {
		xsnprintf(err, errlen, "cannot chmod %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Take the bits for others off a file of the database (made 0644 by an
 * older popstatd); the owner's and the group's stay as the admin set them. */
static void
tighten(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 007) != 0) {
		if (chmod(path, st.st_mode & 0770) == 0)
			log_info("%s was readable by every user: now mode %03o",
			    path, (unsigned)(st.st_mode & 0770));
		else
			log_warn("%s is readable by every user and cannot be"
				 " changed: %s",
			    path, strerror(errno));
	}
}

void
store_files_tighten(const char *db)
{
	char p[4096];

	tighten(db);
	xsnprintf(p, sizeof p, "%s-wal", db);
	tighten(p);
	xsnprintf(p, sizeof p, "%s-shm", db);
	tighten(p);
}

/* fsync the directory that holds path, so a rename in it is durable. */
static int
sync_dir(const char *path)
{
	char buf[4096];
	int fd, rc;

	xsnprintf(buf, sizeof buf, "%s", path);
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* fsync a file by name. */
static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Rename tmp to dst, refusing to replace an existing dst. */
static int
rename_new(const char *tmp, const char *dst)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link() refuses too. */
	if (link(tmp, dst) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* ---- the key file ----------------------------------------------------- */

#define KEY_TEXT (2 * SECRET_LEN + 1) /* hex digits and a newline */

static int
key_read(uint8_t key[SECRET_LEN], char *err, size_t errlen)
{
	char buf[KEY_TEXT + 2];
	struct stat st;
	ssize_t n;
	int fd, i;

	if ((fd = open(key_path, O_RDONLY | O_CLOEXEC)) < 0) {
		xsnprintf(err, errlen, "cannot read the key file %s: %s",
		    key_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
		log_warn("the key file %s is readable by others (mode %03o):"
			 " chmod 600 it",
		    key_path, (unsigned)(st.st_mode & 0777));
	n = read(fd, buf, sizeof buf);
	close(fd);
	for (i = 0; n == KEY_TEXT && i < 2 * SECRET_LEN; i++)
		if (strchr("0123456789abcdef", buf[i]) == NULL || !buf[i])
			break;
	if (n != KEY_TEXT || i != 2 * SECRET_LEN ||
	    buf[2 * SECRET_LEN] != '\n') {
		xsnprintf(err, errlen,
		    "the key file %s is damaged: it must hold"
		    " %d hex digits and a newline; restore it from its backup",
		    key_path, 2 * SECRET_LEN);
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	for (i = 0; i < SECRET_LEN; i++) {
		unsigned v;

		sscanf(buf + 2 * i, "%2x", &v);
		key[i] = (uint8_t)v;
	}
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* Write the key file anew: temporary name, fsync, rename, fsync of the
 * directory.  Refuses to replace an existing key file. */
static int
key_write(const uint8_t key[SECRET_LEN], char *err, size_t errlen)
{
	char tmp[4096 + 16], buf[KEY_TEXT + 1];
	int fd, i, ok;

	for (i = 0; i < SECRET_LEN; i++)
		snprintf(buf + 2 * i, 3, "%02x", key[i]);
	buf[2 * SECRET_LEN] = '\n';
	xsnprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", key_path);
	if ((fd = mkstemp(tmp)) < 0) {
		xsnprintf(err, errlen, "cannot create the key file %s: %s",
		    key_path, strerror(errno));
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	ok = fchmod(fd, 0600) == 0 && write(fd, buf, KEY_TEXT) == KEY_TEXT &&
	    fsync(fd) == 0;
	explicit_bzero(buf, sizeof buf);
	ok = close(fd) == 0 && ok;
	if (!ok || rename_new(tmp, key_path) < 0) {
		xsnprintf(err, errlen, "cannot write the key file %s: %s",
		    key_path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (sync_dir(key_path) < 0) {
		xsnprintf(err, errlen, "cannot sync the directory of %s: %s",
		    key_path, strerror(errno));
		return -1;
	}
	return 0;
}

int
store_key_create(const uint8_t key[SECRET_LEN], char *err, size_t errlen)
{
	if (access(key_path, F_OK) == 0) {
		xsnprintf(err, errlen,
		    "the key file %s already exists; refusing"
		    " to overwrite it (a key belongs to one database)",
		    key_path);
		return -1;
	}
	return key_write(key, err, errlen);
}

/* The key of meta (an older database's), 1 when there is one. */
static int
meta_key(sqlite3 *db, uint8_t key[SECRET_LEN])
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='secret'",
		-1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == SECRET_LEN) {
		memcpy(key, sqlite3_column_blob(s, 0), SECRET_LEN);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

/* Delete the key from meta, its page zeroed, and checkpoint. */
static int
meta_key_drop(sqlite3 *db, char *err, size_t errlen)
{
	if (store_exec(db, "PRAGMA secure_delete=ON", err, errlen) < 0 ||
	    store_exec(db, "DELETE FROM meta WHERE key='secret'", err, errlen) <
		0 ||
	    store_exec(db, "PRAGMA secure_delete=OFF", err, errlen) < 0)
		return -1;
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	    NULL);
	return 0;
}

/*
 * The database's key, into key: from the key file, moving it there first
 * from an older database's meta table.
 */
int
store_key_load(sqlite3 *db, uint8_t key[SECRET_LEN], char *err, size_t errlen)
{
	uint8_t old[SECRET_LEN];
	int in_meta = meta_key(db, old), rc = -1;

	if (in_meta < 0) {
		xsnprintf(err, errlen, "cannot read the meta table: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (access(key_path, F_OK) != 0) {
		if (!in_meta) {
			xsnprintf(err, errlen,
			    "the key file %s is missing: the"
			    " database's mother_id hashes need it; restore it"
			    " from its backup (or give --key-file FILE)",
			    key_path);
			return -1;
		}
		/* Written and read back before the row goes: never lost. */
		if (key_write(old, err, errlen) < 0 ||
		    key_read(key, err, errlen) < 0)
			goto out;
		if (memcmp(key, old, SECRET_LEN) != 0) {
			xsnprintf(err, errlen,
			    "the key file %s does not read"
			    " back as written",
			    key_path);
			goto out;
		}
		if (meta_key_drop(db, err, errlen) < 0)
			goto out;
		log_warn("the HMAC key moved from the database to %s (mode"
			 " 0600): back it up apart from the database; without "
			 "it"
			 " the mother_id hashes are lost",
		    key_path);
		rc = 0;
		goto out;
	}
	if (key_read(key, err, errlen) < 0)
		goto out;
	if (in_meta) {
		/* A move interrupted after the file was written. */
		if (memcmp(key, old, SECRET_LEN) != 0) {
			xsnprintf(err, errlen,
			    "the key file %s differs from the"
			    " key still in the database: is it this "
			    "database's?",
			    key_path);
			goto out;
		}
		if (meta_key_drop(db, err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(old, sizeof old);
	return rc;
}

/* ---- backups ---------------------------------------------------------- */

/*
 * A consistent copy with sqlite's online backup API: it copies pages while
 * the server keeps running, restarting if a writer changes the source, and
 * checks the copy before it takes the name asked for.
 */
int
store_backup(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
	sqlite3_backup *b;
	sqlite3_stmt *s;
	char tmp[4096 + 16];
	int rc, fd, ok = 0;
	int stop = getenv("POPSTATD_TEST_BACKUP_STOP") != NULL;

	if (access(dst, F_OK) == 0) {
		xsnprintf(err, errlen,
		    "%s already exists; refusing to overwrite"
		    " it",
		    dst);
		return -1;
	}
	if (store_open_conn(src, SQLITE_OPEN_READONLY, &from, err, errlen) < 0)
		return -1;
	if (store_schema_version(from) <= 0) {
		xsnprintf(err, errlen, "%s is not a popstat database", src);
		sqlite3_close(from);
		return -1;
	}
	xsnprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dst);
	if ((fd = mkstemp(tmp)) < 0 || fchmod(fd, 0600) < 0) {
		xsnprintf(err, errlen, "cannot create a file beside %s: %s",
		    dst, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		sqlite3_close(from);
		return -1;
	}
	close(fd);
	if (store_open_conn(tmp, SQLITE_OPEN_READWRITE, &to, err, errlen) < 0) {
		sqlite3_close(from);
		unlink(tmp);
		return -1;
	}
	b = sqlite3_backup_init(to, "main", from, "main");
	if (b == NULL) {
		xsnprintf(err, errlen, "backup: %s", sqlite3_errmsg(to));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, stop ? 1 : 256);
		if (stop) /* the test suite kills a backup half-way */
			raise(SIGSTOP);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		xsnprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
		goto out;
	}
	if (sqlite3_prepare_v2(to, "PRAGMA integrity_check", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0)
			ok = 1;
		sqlite3_finalize(s);
	}
	if (!ok)
		xsnprintf(err, errlen,
		    "backup copy failed its integrity check");
out:
	if (sqlite3_close(to) != SQLITE_OK && ok) {
		xsnprintf(err, errlen, "backup: cannot close the copy");
		ok = 0;
	}
	sqlite3_close(from);
	if (ok && sync_file(tmp) < 0) {
		xsnprintf(err, errlen, "backup: cannot sync the copy: %s",
		    strerror(errno));
		ok = 0;
	}
	if (ok && rename_new(tmp, dst) < 0) {
		xsnprintf(err, errlen, "backup: cannot name the copy %s: %s",
		    dst, strerror(errno));
		ok = 0;
	}
	if (ok && sync_dir(dst) < 0) {
		xsnprintf(err, errlen,
		    "backup: cannot sync the directory of %s:"
		    " %s",
		    dst, strerror(errno));
		ok = 0;
	}
	if (!ok) {
		unlink(tmp);
		xsnprintf(tmp + strlen(tmp), 16, "-journal");
		unlink(tmp);
	}
	return ok ? 0 : -1;
}
