/* log.c - leveled logging to stderr, with sd-daemon prefixes under journald */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = {
	[LOG_ERR] = "error",   [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
};

static struct {
	int level;
	int journal; /* stderr is the journal: "<N>" prefixes, no timestamps */
	char role[32];
} log_state = { LOG_INFO, 0, "preforkd" };

/* JOURNAL_STREAM is "DEV:INO" of the journal stream; it counts only if it
 * is still our stderr (a child of a journald-run shell may inherit it). */
static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(int level)
{
	log_state.journal = stderr_is_journal();
	log_set_level(level);
}

void log_set_level(int level)
{
	if (level >= LOG_ERR && level <= LOG_DEBUG)
		log_state.level = level;
}

int log_get_level(void)
{
	return log_state.level;
}

void log_set_role(const char *role)
{
	snprintf(log_state.role, sizeof(log_state.role), "%s", role);
}

int log_level_parse(const char *name)
{
	for (int i = LOG_ERR; i <= LOG_DEBUG; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void log_write(int level, const char *fmt, ...)
{
	char line[2048];
	int n, saved = errno;
	va_list ap;

	if (level > log_state.level)
		return;
	if (log_state.journal) {
		n = snprintf(line, sizeof(line), "<%d>%s: ", level,
			     log_state.role);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ld [%s] %s[%d]: ", when,
			     ts.tv_nsec / 1000000, level_names[level],
			     log_state.role, (int)getpid());
	}
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line, so lines of different processes never mix. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
	errno = saved;
}

static size_t put(char *dst, size_t n, size_t cap, const char *s)
{
	while (*s != '\0' && n < cap)
		dst[n++] = *s++;
	return n;
}

void log_write_signal_safe(int level, const char *msg)
{
	char line[512], num[16];
	size_t n = 0, k = sizeof(num);
	unsigned pid = (unsigned)getpid();

	num[--k] = '\0';
	do
		num[--k] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0 && k > 0);
	if (log_state.journal) {
		char prio[4] = {'<', (char)('0' + level), '>', '\0'};
		n = put(line, n, sizeof(line) - 1, prio);
	} else {
		n = put(line, n, sizeof(line) - 1, "[");
		n = put(line, n, sizeof(line) - 1, level_names[level]);
		n = put(line, n, sizeof(line) - 1, "] ");
	}
	n = put(line, n, sizeof(line) - 1, log_state.role);
	if (!log_state.journal) {
		n = put(line, n, sizeof(line) - 1, "[");
		n = put(line, n, sizeof(line) - 1, num + k);
		n = put(line, n, sizeof(line) - 1, "]");
	}
	n = put(line, n, sizeof(line) - 1, ": ");
	n = put(line, n, sizeof(line) - 1, msg);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report it */
	}
}
