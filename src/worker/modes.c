/* modes.c - the mode table: one line per mode the configuration names */
#include "config.h"

#include <stddef.h>

#include "http/http.h"
#include "modes.h"
#include "proto/echo.h"
#include "proto/module.h"

static const struct mode *const modes[MODE_COUNT] = {
	[MODE_ECHO] = &echo_mode,
	[MODE_HTTP] = &http_mode,
	[MODE_MODULE] = &module_mode,
};

const struct mode *modes_get(enum listener_mode m)
{
	return (unsigned)m < MODE_COUNT ? modes[m] : NULL;
}

int modes_prepare(struct conf *c, struct conf_errors *errs)
{
	int rc = 0;

	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct mode *m = modes_get(c->listeners[i].mode);

		if (m->prepare != NULL && m->prepare(&c->listeners[i], errs) < 0)
			rc = -1;
	}
	return rc;
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
