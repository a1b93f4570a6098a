/* master.h - the master process: prefork, supervise, reload, stop */
#ifndef PREFORKD_MASTER_H
#define PREFORKD_MASTER_H

#include "conf/conf.h"

/*
 * Runs the master until it stops. Takes ownership of *c (the first
 * generation's configuration). argc/argv are kept for process titles.
 * Returns the process exit status.
 */
int master_run(struct conf *c, int argc, char **argv);

#endif
