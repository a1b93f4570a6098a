/* modes.c - the mode table: one line per mode the configuration names */
#include "config.h"

#include <stddef.h>

#include "http/http.h"
#include "modes.h"
#include "proto/echo.h"

static const struct mode *const modes[MODE_COUNT] = {
	[MODE_ECHO] = &echo_mode,
	[MODE_HTTP] = &http_mode,
};

const struct mode *modes_get(enum listener_mode m)
{
	return (unsigned)m < MODE_COUNT ? modes[m] : NULL;
}

void modes_flush(void)
{
	for (size_t i = 0; i < MODE_COUNT; i++)
		if (modes[i]->flush != NULL)
			modes[i]->flush();
}

void modes_reopen(void)
{
	for (size_t i = 0; i < MODE_COUNT; i++)
		if (modes[i]->reopen != NULL)
			modes[i]->reopen();
}
