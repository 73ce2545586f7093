/*
 * log.h - levelled log lines on stderr ("2026-11-28T10:00:00 info: ...").
 * Never log a token or a mother_id.
 */
#ifndef POPSTAT_LOG_H
#define POPSTAT_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(int level);
int log_parse_level(const char *s); /* -1 if unknown */
/* Hold debug/info lines until log_flush(); kick schedules it (NULL: off). */
void log_batch(void (*kick)(void));
void log_flush(void);
void
log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
