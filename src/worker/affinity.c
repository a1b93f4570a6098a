/* affinity.c - pinning a worker slot to its CPU (cpu_affinity), in the
 * worker before its sandbox */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "affinity.h"
#include "core/log.h"

int affinity_cpu(const struct conf *c, const cpu_set_t *mask, int slot)
{
	int n, k;

	if (c->cpu_affinity == CONF_AFFINITY_LIST && c->ncpus > 0)
		return c->cpus[(size_t)slot % c->ncpus];
	if (c->cpu_affinity != CONF_AFFINITY_AUTO || (n = CPU_COUNT(mask)) == 0)
		return -1;
	k = slot % n;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, mask) && k-- == 0)
			return cpu;
	return -1;
}

int affinity_apply(const struct conf *c, int slot)
{
	cpu_set_t mask, one;
	int cpu;

	if (c->cpu_affinity == CONF_AFFINITY_OFF)
		return -1;
	if (sched_getaffinity(0, sizeof(mask), &mask) < 0)
		CPU_ZERO(&mask);
	if ((cpu = affinity_cpu(c, &mask, slot)) < 0)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0) {
		log_warn("worker %d: cannot pin to CPU %d: %s; running "
			 "unpinned",
			 slot, cpu, strerror(errno));
		return -2;
	}
	log_debug("worker %d pinned to CPU %d", slot, cpu);
	return cpu;
}
