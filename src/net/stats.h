/* stats.h - the counters one listener keeps in a worker: what the
 * connection code and the modes increment, what heartbeats carry */
#ifndef PREFORKD_STATS_H
#define PREFORKD_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds (le) of the request-duration buckets in half milliseconds
 * (0.0005 s .. 10 s); the last bucket of hist[] is +Inf. Durations come from
 * the loop's cached clock, so they are whole milliseconds. */
#define STATS_BUCKETS_HALF_MS                                                  \
	{                                                                      \
		1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000,   \
		    20000                                                      \
	}
#define STATS_NBUCKETS 14
/* PROXY protocol errors are counted by reason, proxy_errors[0 ..
 * STATS_PROXY_REASONS - 1], indexed by net/proxy.h's enum proxy_reason;
 * each is spelled here, index by index, as proxy_reason_name() spells it:
 * the value of the metrics' reason label (tests/test_conn_proxy checks). */
#define STATS_PROXY_REASONS 18
#define STATS_PROXY_REASON_NAMES                                               \
	{                                                                      \
		"not_proxy", "v1_not_accepted", "v2_not_accepted",             \
		    "v1_too_long", "v1_bad_crlf", "v1_bad_field",              \
		    "v1_bad_protocol", "v1_leading_zero", "v1_bad_address",    \
		    "v1_bad_port", "v2_bad_version", "v2_bad_command",         \
		    "v2_bad_family", "v2_too_long", "v2_short_address",        \
		    "empty", "truncated", "timeout"                            \
	}

/*
 * Counters since the worker started; they only grow (active aside). Every
 * field is a plain integer so the struct crosses the channel as bytes.
 */
struct net_stats {
	uint64_t accepted;     /* connections taken on (conn.c) */
	uint64_t rejected;     /* closed at once: max_connections, EMFILE */
	uint64_t active;       /* open now (a gauge) */
	uint64_t rx_bytes;     /* read from clients */
	uint64_t tx_bytes;     /* written to clients, sendfile included */
	uint64_t requests;     /* http: answers given, one per request */
	uint64_t responses[5]; /* http: by class, [0] 1xx .. [4] 5xx */
	/* Reserved for the module host (proto/): +1 per whole message it
	 * hands to a handler's on_message (or per on_bytes call with framing
	 * none); rendered as preforkd_messages_total for module listeners. */
	uint64_t messages;
	uint64_t proxy_errors[STATS_PROXY_REASONS]; /* by reason */
	uint64_t
	    hist[STATS_NBUCKETS + 1]; /* durations per bucket, not cumulative */
	uint64_t duration_ms;	      /* sum of the durations counted in hist */
};

/* Counts one answer of status (100..599) that took ms milliseconds. */
static inline void stats_response(struct net_stats *st, int status, uint64_t ms)
{
	static const uint32_t le[STATS_NBUCKETS] = STATS_BUCKETS_HALF_MS;
	int b = 0;

	st->requests++;
	if (status >= 100 && status < 600)
		st->responses[status / 100 - 1]++;
	while (b < STATS_NBUCKETS && 2 * ms > le[b])
		b++;
	st->hist[b]++;
	st->duration_ms += ms;
}

/* Adds the counters of b to a (the gauge active too). */
static inline void stats_add(struct net_stats *a, const struct net_stats *b)
{
	/* Only uint64_t members, no padding: added as an array. */
	_Static_assert(sizeof(*a) % sizeof(uint64_t) == 0, "uint64_t only");
	uint64_t *x = (uint64_t *)a;
	const uint64_t *y = (const uint64_t *)b;

	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		x[i] += y[i];
}

#endif
