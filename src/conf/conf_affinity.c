/* conf_affinity.c - cpu_affinity = "off" | "auto" | [cpu, ...]: which CPU
 * each worker slot is pinned to */
#include "config.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

static void read_list(struct loader *ld, const config_setting_t *s,
		      struct conf *c)
{
	int n = config_setting_length(s);

	if (n == 0) {
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'cpu_affinity' is an empty list: give CPU numbers, "
			 "\"auto\" or \"off\"");
		return;
	}
	if ((c->cpus = calloc((size_t)n, sizeof(*c->cpus))) == NULL)
		return;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		long long v;
		if (!conf_read_is_int(e)) {
			conf_err(ld, e, CONF_ERR_TYPE,
				 "'cpu_affinity' entries must be CPU numbers, "
				 "not %s",
				 conf_read_type_name(e));
			continue;
		}
		v = config_setting_get_int64(e);
		if (v < 0 || v >= CPU_SETSIZE) {
			conf_err(ld, e, CONF_ERR_RANGE,
				 "'cpu_affinity' CPU %lld is out of range "
				 "0..%d",
				 v, CPU_SETSIZE - 1);
			continue;
		}
		c->cpus[c->ncpus++] = (int)v;
	}
	c->cpu_affinity = CONF_AFFINITY_LIST;
}

void conf_affinity_read(struct loader *ld, const config_setting_t *root,
			struct conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "cpu_affinity");
	const char *v;

	c->cpu_affinity = CONF_AFFINITY_OFF;
	if (s == NULL)
		return;
	if (config_setting_is_array(s) || config_setting_is_list(s)) {
		read_list(ld, s, c);
		return;
	}
	v = config_setting_type(s) == CONFIG_TYPE_STRING
		? config_setting_get_string(s)
		: NULL;
	if (v != NULL && strcmp(v, "off") == 0)
		return;
	if (v != NULL && strcmp(v, "auto") == 0) {
		c->cpu_affinity = CONF_AFFINITY_AUTO;
		return;
	}
	if (v != NULL)
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'cpu_affinity' = \"%s\" is not one of off, auto "
			 "or a list of CPU numbers [0, 1, ...]",
			 v);
	else
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'cpu_affinity' must be \"off\", \"auto\" or a list "
			 "of CPU numbers, not %s",
			 conf_read_type_name(s));
}
