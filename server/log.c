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
static void (*flush_soon)(void); /* set: info lines wait for log_flush() */
static int unflushed;

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
 * The event loop writes its debug and info lines once a loop turn instead
 * of one write(2) a line: a busy server logs a line a request.  Warnings
 * and errors still go out at once.  kick is called at the first line held
 * and must see to it that log_flush() runs soon (at the end of the turn).
 */
void
log_batch(void (*kick)(void))
{
	static char buf[1 << 16];

	if (flush_soon == NULL && kick != NULL)
		setvbuf(stderr, buf, _IOFBF, sizeof buf);
	else if (kick == NULL && flush_soon != NULL) {
		fflush(stderr);
		setvbuf(stderr, NULL, _IONBF, 0);
	}
	flush_soon = kick;
	unflushed = 0;
}

void
log_flush(void)
{
	if (unflushed)
		fflush(stderr);
	unflushed = 0;
}

/* The local time as text, formatted once a second. */
static const char *
timestamp(void)
{
	static char ts[32];
	static time_t last = -1;
	time_t now = time(NULL);
	struct tm tm;

	if (now != last) {
		localtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		last = now;
	}
	return ts;
}

/* The line is written: out now, or once this turn. */
static void
written(int level)
{
	if (flush_soon == NULL)
		return;          /* stderr is unbuffered */
	if (level >= LOG_WARN) {
		fflush(stderr);
		unflushed = 0;
	} else if (!unflushed) {
		unflushed = 1;
		flush_soon();
	}
}

/*
 * One line per message; control characters in the text are replaced so a
 * hostile string cannot forge log lines.
 */
void
log_msg(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
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
	} else
		fprintf(stderr, "%s %s: %s\n", timestamp(), level_names[level],
		    msg);
	written(level);
}
