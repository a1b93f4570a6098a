/* log.h - leveled logging to stderr, with sd-daemon prefixes under journald */
#ifndef PREFORKD_LOG_H
#define PREFORKD_LOG_H

#include <syslog.h>

/* Reads JOURNAL_STREAM and sets the threshold (a syslog LOG_* level). */
void log_init(int level);
void log_set_level(int level);
int log_get_level(void);
/* Names the process in plain-stderr lines, e.g. "master" or "worker 2". */
void log_set_role(const char *role);
/* "info" -> LOG_INFO; -1 for an unknown name. */
int log_level_parse(const char *name);

void log_write(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same line format without a timestamp, from a signal handler: uses
 * only async-signal-safe calls. */
void log_write_signal_safe(int level, const char *msg);

#define log_error(...) log_write(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_write(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(fmt, ...) \
	log_write(LOG_DEBUG, "%s: " fmt, __func__, ##__VA_ARGS__)

#endif
