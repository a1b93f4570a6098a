/* proc.h - worker processes: fork one with only its own descriptors, reap
 * them, describe how they ended (mechanism; the policy is in master.c) */
#ifndef PREFORKD_PROC_H
#define PREFORKD_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "worker/worker.h"

/*
 * Forks a worker that runs worker_run(a) and exits with its status. The
 * caller has SIGTERM, SIGINT, SIGQUIT and SIGUSR1 blocked (the child keeps
 * them blocked for its signalfd). The child dies with the master
 * (PR_SET_PDEATHSIG), keeps only stdin/out/err, a's sockets and channel,
 * raises its open file limit, drops privileges and sets its title.
 * Returns the child's pid, or -1 with the reason in err.
 */
pid_t proc_spawn(const struct worker_args *a, char *err, size_t errlen);

/*
 * Reaps one exited child without blocking. Returns its pid with its wait
 * status in *status, 0 when no child has exited, -1 when there are no
 * children (or on error).
 */
pid_t proc_reap(int *status);

/* "exited with status 3", "killed by signal SIGKILL" into buf. */
const char *proc_status_str(int status, char *buf, size_t len);

/*
 * Closes every descriptor above 2 that is not in keep[0..n). Returns 0 or
 * -1 (errno set). Used by the child; exposed for tests.
 */
int proc_close_others(const int *keep, size_t n);

#endif
