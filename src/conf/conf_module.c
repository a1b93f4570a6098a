/* conf_module.c - a listener's module = { ... } group: the shared object,
 * its framing and pool sizes, and its own settings kept as key/value pairs
 * for the module to read (through cfg_str and cfg_int) once it is loaded */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

#define DELIMITER_MAX 64

static const char *const framing_names[] = {
    [CONF_FRAMING_NONE] = "none",
    [CONF_FRAMING_DELIMITER] = "delimiter",
    [CONF_FRAMING_LENGTH32] = "length32",
    [CONF_FRAMING_NETSTRING] = "netstring",
    NULL,
};

static void read_path(struct loader *ld, const config_setting_t *g,
		      struct module_conf *m)
{
	const config_setting_t *s;
	const char *path;

	if (conf_read_string(ld, g, "path", &s, &path) < 0)
		return;
	if (path == NULL)
		conf_err(ld, g, CONF_ERR_MISSING,
			 "'module' has no 'path' (the handler's shared object)");
	else if (*path == '\0')
		conf_err(ld, s, CONF_ERR_VALUE, "'path' must not be empty");
	else
		m->path = strdup(path);
	m->line = (int)config_setting_source_line(s != NULL ? s : g);
}

static void read_framing(struct loader *ld, const config_setting_t *g,
			 struct module_conf *m)
{
	const config_setting_t *s;
	const char *delim;
	int k = conf_read_choice(ld, g, "framing", framing_names,
				 "none, delimiter, length32, netstring", 0);

	m->framing = k >= 0 ? (enum conf_framing)k : CONF_FRAMING_NONE;
	if (conf_read_string(ld, g, "delimiter", &s, &delim) < 0)
		return;
	if (m->framing != CONF_FRAMING_DELIMITER) {
		if (s != NULL && k >= 0)
			conf_err(ld, s, CONF_ERR_VALUE,
				 "'delimiter' is only for framing = "
				 "\"delimiter\"");
		return;
	}
	if (delim == NULL)
		conf_err(ld, g, CONF_ERR_MISSING,
			 "framing = \"delimiter\" needs a 'delimiter'");
	else if (*delim == '\0' || strlen(delim) > DELIMITER_MAX)
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'delimiter' must have 1 to %d bytes", DELIMITER_MAX);
	else {
		m->delimiter = strdup(delim);
		m->delimiter_len = strlen(delim);
	}
}

static void read_limits(struct loader *ld, const config_setting_t *g,
			struct module_conf *m)
{
	long long v;

	conf_read_int(ld, g, "max_message", 0, 1LL << 30, &m->max_message);
	v = m->threads;
	if (conf_read_int(ld, g, "threads", 0, 256, &v) == 0)
		m->threads = (int)v;
	v = m->queue;
	if (conf_read_int(ld, g, "queue", 1, 1 << 20, &v) == 0)
		m->queue = (int)v;
	conf_read_seconds(ld, g, "job_timeout", 0.001, 86400, &m->job_timeout);
}

static void read_setting(const config_setting_t *s, struct module_setting *kv)
{
	kv->key = strdup(config_setting_name(s));
	kv->line = (int)config_setting_source_line(s);
	kv->what = conf_read_type_name(s);
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		kv->type = SETTING_STRING;
		kv->str = strdup(config_setting_get_string(s));
	} else if (conf_read_is_int(s)) {
		kv->type = SETTING_INT;
		kv->num = config_setting_get_int64(s);
	} else
		kv->type = SETTING_OTHER;
}

/* Keeps every child of settings as it is; the module decides what it
 * needs, and the host reports a wrong type when the module asks. */
static void read_settings(struct loader *ld, const config_setting_t *g,
			  struct module_conf *m)
{
	const config_setting_t *s = config_setting_get_member(g, "settings");
	int n;

	m->settings_line = (int)config_setting_source_line(s != NULL ? s : g);
	if (s == NULL)
		return;
	if (!config_setting_is_group(s)) {
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'settings' must be a group { ... }, not %s",
			 conf_read_type_name(s));
		return;
	}
	if ((n = config_setting_length(s)) == 0)
		return;
	if ((m->settings = calloc((size_t)n, sizeof(*m->settings))) == NULL)
		return;
	m->nsettings = (size_t)n;
	for (int i = 0; i < n; i++)
		read_setting(config_setting_get_elem(s, (unsigned)i),
			     &m->settings[i]);
}

void conf_module_read(struct loader *ld, const config_setting_t *lsn,
		      struct module_conf *m)
{
	const config_setting_t *g = config_setting_get_member(lsn, "module");

	m->max_message = 1 << 20;
	m->queue = 256;
	m->job_timeout = 30.0;
	if (g == NULL) {
		conf_err(ld, lsn, CONF_ERR_MISSING,
			 "a module listener needs a 'module' group with its "
			 "'path'");
		return;
	}
	if (!config_setting_is_group(g)) {
		conf_err(ld, g, CONF_ERR_TYPE,
			 "'module' must be a group { ... }, not %s",
			 conf_read_type_name(g));
		return;
	}
	m->file = strdup(conf_err_file(ld, g));
	conf_check_known(ld, g, SEC_MODULE);
	read_path(ld, g, m);
	read_framing(ld, g, m);
	read_limits(ld, g, m);
	read_settings(ld, g, m);
}

void conf_module_free(struct module_conf *m)
{
	for (size_t i = 0; i < m->nsettings; i++) {
		free(m->settings[i].key);
		free(m->settings[i].str);
	}
	free(m->settings);
	free(m->path);
	free(m->file);
	free(m->delimiter);
}

static int dup_str(char **p)
{
	return *p != NULL && (*p = strdup(*p)) == NULL ? -1 : 0;
}

int conf_module_copy(struct module_conf *m)
{
	struct module_setting *v = m->settings;
	int rc = dup_str(&m->path) | dup_str(&m->file) | dup_str(&m->delimiter);

	m->settings = NULL;
	if (m->nsettings == 0)
		return rc;
	if ((m->settings = calloc(m->nsettings, sizeof(*v))) == NULL) {
		m->nsettings = 0;
		return -1;
	}
	for (size_t i = 0; i < m->nsettings; i++) {
		m->settings[i] = v[i];
		rc |= dup_str(&m->settings[i].key) | dup_str(&m->settings[i].str);
	}
	return rc;
}
