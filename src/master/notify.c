/* notify.c - sd_notify messages to the service manager; every call is a
 * no-op when built without libsystemd or when NOTIFY_SOCKET is unset */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "core/log.h"
#include "notify.h"

#ifdef HAVE_LIBSYSTEMD
/* sd_notify returns 0 when NOTIFY_SOCKET is unset: nothing to report. */
static void send_state(const char *state)
{
	int rc = sd_notify(0, state);

	if (rc < 0)
		log_debug("sd_notify \"%s\": error %d", state, rc);
}
#else
static void send_state(const char *state)
{
	(void)state;
}
#endif

void notify_ready(void)
{
	char s[64];

	snprintf(s, sizeof(s), "READY=1\nMAINPID=%d", (int)getpid());
	send_state(s);
}

void notify_reloading(void)
{
	struct timespec ts;
	char s[80];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(s, sizeof(s), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ull +
			 (unsigned long long)ts.tv_nsec / 1000ull);
	send_state(s);
}

void notify_stopping(void)
{
	send_state("STOPPING=1");
}

void notify_extend_timeout(uint64_t usec)
{
	char s[64];

	snprintf(s, sizeof(s), "EXTEND_TIMEOUT_USEC=%llu",
		 (unsigned long long)usec);
	send_state(s);
}

void notify_status(const char *text)
{
	char s[700];

	snprintf(s, sizeof(s), "STATUS=%s", text);
	send_state(s);
}

void notify_watchdog(void)
{
	send_state("WATCHDOG=1");
}

uint64_t notify_watchdog_usec(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) > 0)
		return usec;
#endif
	return 0;
}
