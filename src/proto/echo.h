/* echo.h - the echo mode: every byte back, in order, with backpressure */
#ifndef PREFORKD_ECHO_H
#define PREFORKD_ECHO_H

#include "net/conn.h"

extern const struct mode echo_mode;

#endif
