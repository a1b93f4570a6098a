/* conf_proxy.c - a listener's PROXY protocol settings: proxy_protocol,
 * proxy_protocol_from (CIDR ranges) and proxy_protocol_timeout */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* Reads proxy_protocol_from = [ "10.0.0.0/8", ... ] into l. */
static void read_from(struct loader *ld, const config_setting_t *s,
		      struct listener_conf *l)
{
	int n = config_setting_length(s);
	char err[128];

	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'proxy_protocol_from' must be a list of address "
			 "ranges [\"10.0.0.0/8\", ...], not %s",
			 conf_read_type_name(s));
		return;
	}
	if (n == 0) {
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'proxy_protocol_from' is empty: leave it out to "
			 "require the header from every client");
		return;
	}
	if ((l->proxy_from = calloc((size_t)n, sizeof(*l->proxy_from))) == NULL)
		return;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING
				    ? config_setting_get_string(e)
				    : NULL;
		if (v == NULL)
			conf_err(ld, e, CONF_ERR_TYPE,
				 "'proxy_protocol_from' entries must be "
				 "strings such as \"10.0.0.0/8\", not %s",
				 conf_read_type_name(e));
		else if (cidr_parse(v, &l->proxy_from[l->nproxy_from], err,
				    sizeof(err)) < 0)
			conf_err(ld, e, CONF_ERR_VALUE,
				 "bad 'proxy_protocol_from' entry \"%s\": %s",
				 v, err);
		else
			l->nproxy_from++;
	}
}

void conf_proxy_read(struct loader *ld, const config_setting_t *lsn,
		     struct listener_conf *l)
{
	static const char *const names[] = {"off", "v1", "v2", "any", NULL};
	const config_setting_t *from =
	    config_setting_get_member(lsn, "proxy_protocol_from");
	const config_setting_t *tmo =
	    config_setting_get_member(lsn, "proxy_protocol_timeout");
	int v = conf_read_choice(ld, lsn, "proxy_protocol", names,
				 "off, v1, v2, any", CONF_PROXY_OFF);

	l->proxy_protocol = v > 0 ? (enum conf_proxy)v : CONF_PROXY_OFF;
	l->proxy_timeout = 5.0;
	conf_read_seconds(ld, lsn, "proxy_protocol_timeout", 0.001, 3600,
			  &l->proxy_timeout);
	if (from != NULL)
		read_from(ld, from, l);
	if (v != 0)
		return; /* on, or already reported */
	if (from != NULL)
		conf_err(ld, from, CONF_ERR_VALUE,
			 "'proxy_protocol_from' needs 'proxy_protocol' = "
			 "\"v1\", \"v2\" or \"any\"");
	if (tmo != NULL)
		conf_err(ld, tmo, CONF_ERR_VALUE,
			 "'proxy_protocol_timeout' needs 'proxy_protocol' = "
			 "\"v1\", \"v2\" or \"any\"");
}
