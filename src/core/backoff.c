/* backoff.c - crash-loop backoff for worker restarts (pure arithmetic) */
#include "config.h"

#include "backoff.h"

void backoff_reset(struct backoff *b)
{
	b->next_ms = 0;
	b->failures = 0;
}

uint32_t backoff_next(struct backoff *b, uint64_t uptime_ms)
{
	uint32_t delay;

	if (uptime_ms >= BACKOFF_STABLE_MS) {
		backoff_reset(b);
		return 0;
	}
	delay = b->next_ms ? b->next_ms : BACKOFF_MIN_MS;
	b->next_ms = delay >= BACKOFF_MAX_MS / 2 ? BACKOFF_MAX_MS : delay * 2;
	b->failures++;
	return delay;
}
