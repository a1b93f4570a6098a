/* fuzz_conf.c - libFuzzer target for the configuration loader */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 leaks a string token when a syntax error discards it
 * (hyperrealm/libconfig#142, fixed in 1.7.3): not ours to find here.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* What a configuration that loaded must satisfy. */
static void check_conf(const struct conf *c)
{
	size_t i;

	CHECK(c->workers >= 1);
	CHECK(c->nlisteners >= 1);
	for (i = 0; i < c->nlisteners; i++) {
		const struct listener_conf *l = &c->listeners[i];

		CHECK(l->name != NULL && l->listen != NULL);
		CHECK(conf_find_listener(c, l->name) == l);
		if (l->mode == MODE_HTTP)
			CHECK((l->http.response == NULL) !=
			      (l->http.root == NULL));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct conf c;
	struct conf_errors errs = {0};
	size_t i;

	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_load_string("fuzz.conf", text, &c, &errs) == 0) {
		check_conf(&c);
		conf_free(&c);
	} else {
		CHECK(errs.n > 0);
		for (i = 0; i < errs.n; i++)
			CHECK(strncmp(errs.v[i].msg, "fuzz.conf", 9) == 0 ||
			      errs.v[i].kind == CONF_ERR_IO);
	}
	conf_errors_free(&errs);
	free(text);
	return 0;
}
