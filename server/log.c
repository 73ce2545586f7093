/*
 * log.c - levelled logging to stderr (journald picks the level from the
 * line; the format is stable for grep).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_level = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

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
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s %s: %s\n", ts, level_names[level], msg);
}
