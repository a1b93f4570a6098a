/* conf_status.c - the status listener's settings: status = { listen;
 * allow_remote; } */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

static const char *const status_names[] = {"listen", "allow_remote", NULL};

static void check_names(struct loader *ld, const config_setting_t *g)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s =
		    config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s), *hint;
		bool known = false;
		for (size_t k = 0; status_names[k] != NULL; k++)
			known |= strcmp(status_names[k], name) == 0;
		if (known)
			continue;
		if ((hint = conf_read_nearest(status_names, name)) != NULL)
			conf_err(ld, s, CONF_ERR_UNKNOWN,
				 "unknown setting '%s' in 'status' (did you "
				 "mean '%s'?)",
				 name, hint);
		else
			conf_err(ld, s, CONF_ERR_UNKNOWN,
				 "unknown setting '%s' in 'status'", name);
	}
}

/* The status address may not be one a listener binds. */
static void check_overlap(struct loader *ld, const config_setting_t *where,
			  const struct conf *c)
{
	struct listener_conf probe = {.addr = c->status.addr,
				      .addrlen = c->status.addrlen};

	for (size_t i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].addrlen > 0 &&
		    conf_same_address(&probe, &c->listeners[i])) {
			conf_err(ld, where, CONF_ERR_DUPLICATE,
				 "status listen \"%s\" overlaps \"%s\" of "
				 "listener \"%s\"",
				 c->status.listen, c->listeners[i].listen,
				 c->listeners[i].name ? c->listeners[i].name
						      : "?");
			return;
		}
}

static void read_listen(struct loader *ld, const config_setting_t *g,
			struct conf *c)
{
	const config_setting_t *s;
	const char *listen;
	char err[128];

	if (conf_read_string(ld, g, "listen", &s, &listen) < 0)
		return;
	if (listen == NULL) {
		conf_err(ld, g, CONF_ERR_MISSING, "'status' has no 'listen'");
		return;
	}
	c->status.listen = strdup(listen);
	if (conf_parse_listen(listen, &c->status.addr, &c->status.addrlen, err,
			      sizeof(err)) < 0) {
		c->status.addrlen = 0;
		conf_err(ld, s, CONF_ERR_LISTEN, "bad status listen \"%s\": %s",
			 listen, err);
		return;
	}
	check_overlap(ld, s, c);
}

void conf_status_read(struct loader *ld, const config_setting_t *root,
		      struct conf *c)
{
	const config_setting_t *g = config_setting_get_member(root, "status");
	const config_setting_t *ar;

	if (g == NULL)
		return;
	if (!config_setting_is_group(g)) {
		conf_err(
		    ld, g, CONF_ERR_TYPE,
		    "'status' must be a group { listen = \"...\"; }, not %s",
		    conf_read_type_name(g));
		return;
	}
	check_names(ld, g);
	read_listen(ld, g, c);
	if ((ar = config_setting_get_member(g, "allow_remote")) == NULL)
		return;
	if (config_setting_type(ar) != CONFIG_TYPE_BOOL)
		conf_err(ld, ar, CONF_ERR_TYPE,
			 "'allow_remote' must be true or false, not %s",
			 conf_read_type_name(ar));
	else
		c->status.allow_remote = config_setting_get_bool(ar);
}
