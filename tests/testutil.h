/* testutil.h - helpers shared by the cmocka tests */
#ifndef PREFORKD_TESTUTIL_H
#define PREFORKD_TESTUTIL_H

#include <stdint.h>

/* A loopback TCP port the kernel just handed out and took back: free for
 * the test to bind. Fails the running test when it cannot get one. */
uint16_t test_free_port(void);

#endif
