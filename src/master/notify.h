/* notify.h - sd_notify messages to the service manager; every call is a
 * no-op when built without libsystemd or when NOTIFY_SOCKET is unset */
#ifndef PREFORKD_NOTIFY_H
#define PREFORKD_NOTIFY_H

#include <stdint.h>

/* READY=1 with MAINPID: startup or a reload has finished. */
void notify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC: a reload begins. */
void notify_reloading(void);
/* STOPPING=1: a stop begins. */
void notify_stopping(void);
/* EXTEND_TIMEOUT_USEC: the next message comes within usec. */
void notify_extend_timeout(uint64_t usec);
/* STATUS=text (one line). */
void notify_status(const char *text);
/* WATCHDOG=1: the master loop turns and its workers are alive. */
void notify_watchdog(void);
/* The watchdog interval the manager expects, in microseconds; 0 when off. */
uint64_t notify_watchdog_usec(void);

#endif
