/* affinity.h - pinning a worker slot to its CPU (cpu_affinity) */
#ifndef PREFORKD_WORKER_AFFINITY_H
#define PREFORKD_WORKER_AFFINITY_H

#include <sched.h>

#include "conf/conf.h"

/*
 * The CPU slot is pinned to under c's cpu_affinity, given mask, the
 * affinity mask the process started with: "auto" gives the (slot %
 * CPU_COUNT(mask))-th CPU set in mask, a list gives cpus[slot % ncpus].
 * Returns the CPU number, or -1 for "off" (or an empty mask). Pure.
 */
int affinity_cpu(const struct conf *c, const cpu_set_t *mask, int slot);

/*
 * Pins the calling process (a worker of slot slot) to its CPU, before the
 * sandbox. Returns the CPU, -1 when cpu_affinity is off, or -2 when the
 * CPU cannot be used (not in this process's cpuset: logged, the worker
 * runs unpinned).
 */
int affinity_apply(const struct conf *c, int slot);

#endif
