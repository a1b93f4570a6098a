/* pfload_stats.c - latency histogram, the summaries, the exit status */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>

#include "pfload.h"

static const char *const err_names[ERR_COUNT] = {
	"connect_errors", "resets", "timeouts", "bad_status",
	"short", "mismatches", "closed",
};

static unsigned hist_bucket(uint64_t v)
{
	unsigned e, b;

	if (v < HIST_LINEAR)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v); /* >= 7 */
	b = HIST_LINEAR + (e - 7) * 64 + (unsigned)((v >> (e - 6)) & 63);
	return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

/* The smallest value that falls in bucket b. */
static uint64_t hist_value(unsigned b)
{
	unsigned e, m;

	if (b < HIST_LINEAR)
		return b;
	e = (b - HIST_LINEAR) / 64 + 7;
	m = (b - HIST_LINEAR) % 64;
	return (uint64_t)(64 + m) << (e - 6);
}

void hist_add(struct pf_hist *h, uint64_t us)
{
	h->b[hist_bucket(us)]++;
	h->n++;
	if (us > h->max)
		h->max = us;
}

/* The p-th fraction (0..1) of the recorded values, 0 when there are none. */
uint64_t hist_percentile(const struct pf_hist *h, double p)
{
	uint64_t rank = (uint64_t)(p * (double)h->n + 0.5), seen = 0;

	if (h->n == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < HIST_BUCKETS; b++) {
		seen += h->b[b];
		if (seen >= rank)
			return hist_value(b) < h->max ? hist_value(b) : h->max;
	}
	return h->max;
}

/* xorshift64*: fast, and reproducible from -S. */
uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void stats_human(const struct pf *pf, double elapsed, double rps)
{
	static const char *const modes[] = { "http", "echo", "idle" };
	const char *what = pf->o.mode == MODE_IDLE ? "connections held"
			   : pf->o.mode == MODE_ECHO ? "round trips"
						     : "requests";

	fprintf(stderr,
		"pfload: %s, %u connections: %" PRIu64 " %s in %.2f s, "
		"%.1f/s\n  latency p50 %" PRIu64 " us, p99 %" PRIu64
		" us, max %" PRIu64 " us\n  errors:",
		modes[pf->o.mode], pf->o.conns, pf->ok, what, elapsed, rps,
		hist_percentile(&pf->hist, 0.50),
		hist_percentile(&pf->hist, 0.99), pf->hist.max);
	for (int i = 0; i < ERR_COUNT; i++)
		fprintf(stderr, " %s %" PRIu64, err_names[i], pf->err[i]);
	fputc('\n', stderr);
}

/* The human summary on stderr (unless -q), the machine line on stdout. */
void stats_print(const struct pf *pf, double elapsed)
{
	double rps = elapsed > 0 ? (double)pf->ok / elapsed : 0;
	double busy = 0;
	struct rusage ru;

	if (elapsed > 0 && getrusage(RUSAGE_SELF, &ru) == 0)
		busy = ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
			((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6) /
		       elapsed;
	if (!pf->o.quiet)
		stats_human(pf, elapsed, rps);
	printf("requests=%" PRIu64 " rps=%.1f p50_us=%" PRIu64
	       " p99_us=%" PRIu64 " max_us=%" PRIu64,
	       pf->ok, rps, hist_percentile(&pf->hist, 0.50),
	       hist_percentile(&pf->hist, 0.99), pf->hist.max);
	for (int i = 0; i < ERR_COUNT; i++)
		printf(" %s=%" PRIu64, err_names[i], pf->err[i]);
	printf(" cpu=%.3f\n", busy); /* pfload's own CPU time / elapsed */
	fflush(stdout);
}

/* 0 when no error counter moved (closed is expected with -C), else 1. */
int stats_exit_code(const struct pf *pf)
{
	for (int i = 0; i < ERR_COUNT; i++)
		if (pf->err[i] && !(i == ERR_CLOSED && pf->o.close))
			return 1;
	return 0;
}
