/* backoff.h - crash-loop backoff for worker restarts (pure arithmetic) */
#ifndef PREFORKD_BACKOFF_H
#define PREFORKD_BACKOFF_H

#include <stdint.h>

#define BACKOFF_MIN_MS	  100u
#define BACKOFF_MAX_MS	  30000u
/* A worker that ran this long before it died was not crash-looping. */
#define BACKOFF_STABLE_MS 3000u

/* Per worker slot; zero-initialised means "no recent failure". */
struct backoff {
	uint32_t next_ms; /* delay of the next quick death; 0: BACKOFF_MIN_MS */
	uint32_t failures; /* quick deaths in a row */
};

/*
 * Returns how long to wait before restarting a worker that died after
 * running for uptime_ms: 0 when it had stayed up (the backoff resets),
 * otherwise 100 ms, then 200 ms, ... doubling up to BACKOFF_MAX_MS.
 */
uint32_t backoff_next(struct backoff *b, uint64_t uptime_ms);

/* Forgets every earlier failure. */
void backoff_reset(struct backoff *b);

#endif
