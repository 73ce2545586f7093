/*
 * log.c - levelled logging to stderr; the format is stable for grep.
 *
 * Under systemd, stderr is a stream to journald and systemd says so in
 * $JOURNAL_STREAM ("DEVICE:INODE" of that stream).  Then each line starts
 * with its syslog priority ("<6>info: ...", sd-daemon(3)) so the journal
 * records the level (journalctl -p warning), and carries no timestamp of its
 * own: the journal adds one.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int log_level = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };
/* syslog priorities: LOG_DEBUG 7, LOG_INFO 6, LOG_WARNING 4, LOG_ERR 3. */
static const int level_prio[] = { 7, 6, 4, 3 };
static int to_journal = -1; /* -1 not yet known */

/* Nonzero when stderr is the stream $JOURNAL_STREAM names. */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(2, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_parse_level(const char *s)
{
	int i;

	for (i = 0; i <= LOG_ERROR; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

/*
 * One line per message; control characters in the text are replaced so a
 * hostile string cannot forge log lines.
 */
void
log_msg(int level, const char *fmt, ...)
{
	char msg[1024], ts[32];
	va_list ap;
	time_t now;
	struct tm tm;
	char *p;

	if (level < log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	if (to_journal < 0)
		to_journal = stderr_is_journal();
	if (to_journal) {
		fprintf(stderr, "<%d>%s: %s\n", level_prio[level],
		    level_names[level], msg);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s %s: %s\n", ts, level_names[level], msg);
}
