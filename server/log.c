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

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_level = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };
/* syslog priorities: LOG_DEBUG 7, LOG_INFO 6, LOG_WARNING 4, LOG_ERR 3. */
static const int level_prio[] = { 7, 6, 4, 3 };
static int to_journal = -1;      /* -1 not yet known */
static void (*flush_soon)(void); /* set: info lines wait for log_flush() */

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
 * of one write(2) a line: a busy server logs a line a request.  They are
 * held in a buffer of this module (stderr itself stays unbuffered, so
 * anything else written there, like a fatal "out of memory", goes out at
 * once).  Warnings and errors, and every line of another thread, are
 * written at once, after what is held.  kick is called (on the loop's
 * thread) at the first line held and must see to it that log_flush() runs
 * soon, at the end of the turn.  A crash loses at most that turn's lines.
 */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char held[1 << 16];
static size_t nheld;
static pthread_t loop_thread;

static void
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(2, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* nowhere left to say it */
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
flush_locked(void)
{
	write_all(held, nheld);
	nheld = 0;
}

void
log_batch(void (*kick)(void))
{
	pthread_mutex_lock(&mu);
	flush_locked();
	flush_soon = kick;
	loop_thread = pthread_self();
	pthread_mutex_unlock(&mu);
}

void
log_flush(void)
{
	pthread_mutex_lock(&mu);
	flush_locked();
	pthread_mutex_unlock(&mu);
}

/* The local time as text, formatted once a second (under mu). */
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

/*
 * One line per message; control characters in the text are replaced so a
 * hostile string cannot forge log lines.
 */
void
log_msg(int level, const char *fmt, ...)
{
	char msg[1024], line[1100];
	void (*kick)(void) = NULL;
	va_list ap;
	char *p;
	int n;

	if (level < log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	pthread_mutex_lock(&mu);
	if (to_journal < 0)
		to_journal = stderr_is_journal();
	if (to_journal)
		n = snprintf(line, sizeof line, "<%d>%s: %s\n",
		    level_prio[level], level_names[level], msg);
	else
		n = snprintf(line, sizeof line, "%s %s: %s\n", timestamp(),
		    level_names[level], msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1; /* msg is shorter: cannot happen */
	if (flush_soon == NULL || level >= LOG_WARN ||
	    !pthread_equal(pthread_self(), loop_thread)) {
		flush_locked();
		write_all(line, (size_t)n);
	} else {
		if (nheld + (size_t)n > sizeof held)
			flush_locked();
		if (nheld == 0)
			kick = flush_soon;
		memcpy(held + nheld, line, (size_t)n);
		nheld += (size_t)n;
	}
	pthread_mutex_unlock(&mu);
	if (kick)
		kick();
}
