/* modes.h - the mode table: which struct mode serves a listener's
 * configured mode. The only place that names every mode. */
#ifndef PREFORKD_MODES_H
#define PREFORKD_MODES_H

#include "conf/conf.h"
#include "net/mode.h"

/* The mode that serves m; never NULL for a mode the loader accepts. */
const struct mode *modes_get(enum listener_mode m);

/* Runs each listener's prepare hook (in the master, before forking, and
 * for -t). Returns 0, or -1 with every reason appended to errs; conf_free
 * releases what was prepared either way. */
int modes_prepare(struct conf *c, struct conf_errors *errs);

/* Calls every mode's flush (or reopen) hook once. */
void modes_flush(void);
void modes_reopen(void);

#endif
