/* sandbox.h - a serving worker's last privileges go: capabilities,
 * new privileges, and every system call it does not need */
#ifndef PREFORKD_SANDBOX_H
#define PREFORKD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Sets no_new_privs, drops every capability (effective, permitted,
 * inheritable, ambient, and the bounding set where allowed) and, when
 * use_seccomp, installs a filter that lets through only the system calls
 * of a serving worker; any other fails with EPERM. Call it after setup
 * (sockets, files and logs are open). Returns 0; 1 with a warning in err
 * when this build cannot filter system calls; -1 with err on failure.
 */
int sandbox_enter(bool use_seccomp, char *err, size_t errlen);

#endif
