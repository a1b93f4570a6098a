/* conf.c - the configuration's schema: reads and validates each setting of
 * the libconfig file into struct conf */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_impl.h"
#include "core/log.h"

#define MAX_WORKERS 1024

const char *const conf_mode_names[MODE_COUNT + 1] = {
    [MODE_ECHO] = "echo",
    [MODE_HTTP] = "http",
    [MODE_MODULE] = "module",
};

static const char *const global_names[] = {
    "workers",
    "user",
    "group",
    "shutdown_timeout",
    "drain_delay",
    "cpu_affinity",
    "worker_timeout",
    "max_connections",
    "log_level",
    "seccomp",
    "listeners",
    "control",
    "status",
    NULL,
};
static const char *const listener_names[] = {
    "name",	    "listen",	    "mode", "trigger", "backlog",
    "idle_timeout", "send_timeout", "http", "module",
    "proxy_protocol", "proxy_protocol_from", "proxy_protocol_timeout", NULL,
};
static const char *const http_names[] = {
    "response",		 "content_type",   "root",
    "keepalive_timeout", "header_timeout", "max_header_size",
    "max_body_size",	 "access_log",	   "health_path",
    NULL,
};
static const char *const module_names[] = {
    "path",	   "framing", "delimiter",   "max_message", "threads",
    "queue", "job_timeout", "settings", NULL,
};

/* Where a setting may appear, for "unknown setting" messages. */
struct section {
	const char *const *names;
	const char *in;	  /* appended to "unknown setting 'x'" */
	const char *what; /* "it is ..." when found in another section */
};
static const struct section sections[SEC_COUNT] = {
    [SEC_TOP] = {global_names, "", "a top-level setting"},
    [SEC_LISTENER] = {listener_names, " in a listener", "a listener setting"},
    [SEC_HTTP] = {http_names, " in 'http'",
		  "a setting of a listener's 'http' group"},
    [SEC_MODULE] = {module_names, " in 'module'",
		    "a setting of a listener's 'module' group"},
    [SEC_CONTROL] = {conf_control_names, " in 'control'",
		     "a setting of the 'control' group"},
};

/* ---- Setting names ----------------------------------------------------- */

static bool in_names(const char *const *names, const char *name)
{
	for (size_t k = 0; names[k] != NULL; k++)
		if (strcmp(names[k], name) == 0)
			return true;
	return false;
}

static void report_unknown(struct loader *ld, const config_setting_t *s,
			   const struct section *sec)
{
	const char *name = config_setting_name(s);
	const char *hint = conf_read_nearest(sec->names, name);

	for (int i = 0; i < SEC_COUNT; i++) {
		if (&sections[i] != sec && in_names(sections[i].names, name)) {
			conf_err(ld, s, CONF_ERR_UNKNOWN,
				 "unknown setting '%s'%s: it is %s", name,
				 sec->in, sections[i].what);
			return;
		}
	}
	if (hint != NULL)
		conf_err(ld, s, CONF_ERR_UNKNOWN,
			 "unknown setting '%s'%s (did you mean '%s'?)", name,
			 sec->in, hint);
	else
		conf_err(ld, s, CONF_ERR_UNKNOWN, "unknown setting '%s'%s",
			 name, sec->in);
}

/* Reports every child of group whose name does not belong in sec. */
static void check_known(struct loader *ld, const config_setting_t *group,
			const struct section *sec)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, i);
		if (!in_names(sec->names, config_setting_name(s)))
			report_unknown(ld, s, sec);
	}
}

void conf_check_known(struct loader *ld, const config_setting_t *group,
		      enum conf_section sec)
{
	check_known(ld, group, &sections[sec]);
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* ---- http = { ... } ---------------------------------------------------- */

static void check_root(struct loader *ld, const config_setting_t *s,
		       const char *root)
{
	struct stat st;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		conf_err(ld, s, CONF_ERR_ROOT,
			 "'root' = \"%s\" is not a readable directory: %s",
			 root, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    faccessat(fd, ".", R_OK | X_OK, AT_EACCESS) < 0)
		conf_err(ld, s, CONF_ERR_ROOT,
			 "'root' = \"%s\" is not a readable directory", root);
	close(fd);
}

/* A header value: not empty, no control characters (no header injection). */
static bool valid_header_value(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* response or root, exactly one of them. */
static void read_body(struct loader *ld, const config_setting_t *g,
		      struct http_conf *h)
{
	const config_setting_t *rs, *ts;
	const char *response, *root;

	conf_read_string(ld, g, "response", &rs, &response);
	conf_read_string(ld, g, "root", &ts, &root);
	if (response != NULL && root != NULL)
		conf_err(
		    ld, ts, CONF_ERR_EXCLUSIVE,
		    "'response' and 'root' exclude each other: set exactly "
		    "one");
	else if (rs == NULL && ts == NULL)
		conf_err(ld, g, CONF_ERR_EXCLUSIVE,
			 "'http' needs one of 'response' or 'root'");
	if (root != NULL)
		check_root(ld, ts, root);
	if (response != NULL) {
		h->response = strdup(response);
		h->response_len = strlen(response);
	}
	h->root = dup_or_null(root);
}

/* health_path: an absolute path of printable characters, no query. */
static void read_health_path(struct loader *ld, const config_setting_t *g,
			     struct http_conf *h)
{
	const config_setting_t *s;
	const char *v;
	bool ok;

	if (conf_read_string(ld, g, "health_path", &s, &v) < 0 || v == NULL)
		return;
	ok = v[0] == '/';
	for (const char *p = v; ok && *p != '\0'; p++)
		ok = (unsigned char)*p > 0x20 && *p != 0x7f && *p != '?' &&
		     *p != '#';
	if (!ok)
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'health_path' = \"%s\" must be an absolute path "
			 "such as \"/healthz\" (no spaces, query or control "
			 "characters)",
			 v);
	h->health_path = strdup(v);
}

static void read_http_strings(struct loader *ld, const config_setting_t *g,
			      struct http_conf *h)
{
	const config_setting_t *cs, *as;
	const char *ctype, *alog;

	if (conf_read_string(ld, g, "content_type", &cs, &ctype) == 0 &&
	    ctype != NULL) {
		if (!valid_header_value(ctype))
			conf_err(
			    ld, cs, CONF_ERR_VALUE,
			    "'content_type' must be a non-empty header value "
			    "without control characters");
		free(h->content_type);
		h->content_type = strdup(ctype);
	}
	if (conf_read_string(ld, g, "access_log", &as, &alog) == 0 &&
	    alog != NULL) {
		if (*alog == '\0')
			conf_err(ld, as, CONF_ERR_VALUE,
				 "'access_log' must be a file name, not empty");
		h->access_log = strdup(alog);
	}
	read_health_path(ld, g, h);
}

static void read_http_limits(struct loader *ld, const config_setting_t *g,
			     struct http_conf *h)
{
	long long max_body = LONG_MAX < (1LL << 40) ? LONG_MAX : 1LL << 40;
	long long v;

	conf_read_seconds(ld, g, "keepalive_timeout", 0, 3600,
			  &h->keepalive_timeout);
	conf_read_seconds(ld, g, "header_timeout", 0.001, 3600,
			  &h->header_timeout);
	v = h->max_header_size;
	if (conf_read_int(ld, g, "max_header_size", 256, 1048576, &v) == 0)
		h->max_header_size = (long)v;
	v = h->max_body_size;
	if (conf_read_int(ld, g, "max_body_size", 0, max_body, &v) == 0)
		h->max_body_size = (long)v;
}

static void read_http(struct loader *ld, const config_setting_t *lsn,
		      struct http_conf *h)
{
	const config_setting_t *g = config_setting_get_member(lsn, "http");

	h->content_type = strdup("text/plain");
	h->keepalive_timeout = 5.0;
	h->header_timeout = 10.0;
	h->max_header_size = 8192;
	h->max_body_size = 1048576;
	if (g == NULL) {
		conf_err(
		    ld, lsn, CONF_ERR_MISSING,
		    "an http listener needs an 'http' group with 'response' "
		    "or 'root'");
		return;
	}
	if (!config_setting_is_group(g)) {
		conf_err(ld, g, CONF_ERR_TYPE,
			 "'http' must be a group { ... }, not %s",
			 conf_read_type_name(g));
		return;
	}
	check_known(ld, g, &sections[SEC_HTTP]);
	read_body(ld, g, h);
	read_http_strings(ld, g, h);
	read_http_limits(ld, g, h);
}

/* ---- listeners = ( { ... }, ... ) -------------------------------------- */

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static const char *require_string(struct loader *ld, const config_setting_t *g,
				  const char *name)
{
	const config_setting_t *s;
	const char *v;

	if (conf_read_string(ld, g, name, &s, &v) == 0 && v == NULL)
		conf_err(ld, g, CONF_ERR_MISSING, "listener has no '%s'", name);
	return v;
}

static void read_name_listen(struct loader *ld, const config_setting_t *g,
			     struct listener_conf *l)
{
	const char *name, *listen;
	char err[128];

	if ((name = require_string(ld, g, "name")) != NULL) {
		if (!valid_name(name))
			conf_err(ld, config_setting_get_member(g, "name"),
				 CONF_ERR_VALUE,
				 "listener name \"%s\" must be 1-64 letters, "
				 "digits, '-' or '_'",
				 name);
		l->name = strdup(name);
	}
	if ((listen = require_string(ld, g, "listen")) != NULL) {
		l->listen = strdup(listen);
		if (conf_parse_listen(listen, &l->addr, &l->addrlen, err,
				      sizeof(err)) < 0) {
			l->addrlen = 0;
			conf_err(ld, config_setting_get_member(g, "listen"),
				 CONF_ERR_LISTEN, "bad listen \"%s\": %s",
				 listen, err);
		}
	}
}

static void read_listener(struct loader *ld, const config_setting_t *g,
			  struct listener_conf *l)
{
	static const char *const triggers[] = {"edge", "level", NULL};
	const config_setting_t *http = config_setting_get_member(g, "http");
	const config_setting_t *module = config_setting_get_member(g, "module");
	long long backlog = 511;
	int mode;

	l->line = (int)config_setting_source_line(g);
	l->trigger = TRIGGER_EDGE;
	l->idle_timeout = 60.0;
	l->send_timeout = 60.0;
	check_known(ld, g, &sections[SEC_LISTENER]);
	read_name_listen(ld, g, l);
	mode = conf_read_choice(ld, g, "mode", conf_mode_names,
				"echo, http, module", -2);
	if (mode == -2)
		conf_err(ld, g, CONF_ERR_MISSING,
			 "listener has no 'mode' (echo, http or module)");
	l->mode = mode >= 0 ? (enum listener_mode)mode : MODE_ECHO;
	if (conf_read_choice(ld, g, "trigger", triggers, "edge, level", 0) == 1)
		l->trigger = TRIGGER_LEVEL;
	if (conf_read_int(ld, g, "backlog", 1, 65535, &backlog) == 0)
		l->backlog = (int)backlog;
	conf_read_seconds(ld, g, "idle_timeout", 0.001, 86400,
			  &l->idle_timeout);
	conf_read_seconds(ld, g, "send_timeout", 0.001, 86400,
			  &l->send_timeout);
	if (mode == MODE_HTTP)
		read_http(ld, g, &l->http);
	else if (mode >= 0 && http != NULL)
		conf_err(ld, http, CONF_ERR_VALUE,
			 "'http' settings are only for mode = \"http\"");
	if (mode == MODE_MODULE)
		conf_module_read(ld, g, &l->module);
	else if (mode >= 0 && module != NULL)
		conf_err(ld, module, CONF_ERR_VALUE,
			 "'module' settings are only for mode = \"module\"");
	conf_proxy_read(ld, g, l);
}

/* Setting name of the listener at index i, or the listener when absent. */
static const config_setting_t *listener_setting(const config_setting_t *list,
						size_t i, const char *name)
{
	config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
	config_setting_t *s = config_setting_get_member(g, name);

	return s != NULL ? s : g;
}

/* "line N" when a is in the same file as b, else "FILE:N". */
static const char *place(const struct loader *ld, const config_setting_t *a,
			 const config_setting_t *b, char *buf, size_t len)
{
	const char *fa = conf_err_file(ld, a);
	unsigned line = config_setting_source_line(a);

	if (strcmp(fa, conf_err_file(ld, b)) == 0)
		snprintf(buf, len, "line %u", line);
	else
		snprintf(buf, len, "%s:%u", fa, line);
	return buf;
}

/* Reports listener i's name or address if listener j already has it;
 * *dup_name and *dup_addr keep each listener to one report of each. */
static void check_pair(struct loader *ld, const config_setting_t *list,
		       const struct conf *c, size_t j, size_t i, bool *dup_name,
		       bool *dup_addr)
{
	const struct listener_conf *a = &c->listeners[j], *b = &c->listeners[i];
	const config_setting_t *as, *bs;
	char where[300];

	if (!*dup_name && a->name && b->name && strcmp(a->name, b->name) == 0) {
		as = listener_setting(list, j, "name");
		bs = listener_setting(list, i, "name");
		conf_err(ld, bs, CONF_ERR_DUPLICATE,
			 "duplicate listener name \"%s\" (first at %s)",
			 b->name, place(ld, as, bs, where, sizeof(where)));
		*dup_name = true;
	}
	if (!*dup_addr && a->addrlen && b->addrlen && conf_same_address(a, b)) {
		as = listener_setting(list, j, "listen");
		bs = listener_setting(list, i, "listen");
		conf_err(ld, bs, CONF_ERR_DUPLICATE,
			 a->addrlen == b->addrlen &&
				 memcmp(&a->addr, &b->addr, a->addrlen) == 0
			     ? "duplicate listen \"%s\": same as \"%s\" of "
			       "listener \"%s\" (%s)"
			     : "listen \"%s\" overlaps \"%s\" of listener "
			       "\"%s\" (%s)",
			 b->listen, a->listen, a->name ? a->name : "?",
			 place(ld, as, bs, where, sizeof(where)));
		*dup_addr = true;
	}
}

/* Names and addresses must be unique across listeners. */
static void check_duplicates(struct loader *ld, const config_setting_t *list,
			     const struct conf *c)
{
	for (size_t i = 1; i < c->nlisteners; i++) {
		bool dup_name = false, dup_addr = false;

		for (size_t j = 0; j < i; j++)
			check_pair(ld, list, c, j, i, &dup_name, &dup_addr);
	}
}

static void read_listeners(struct loader *ld, const config_setting_t *root,
			   struct conf *c)
{
	config_setting_t *list = config_setting_get_member(root, "listeners");
	int n;

	if (list == NULL) {
		conf_err(ld, NULL, CONF_ERR_MISSING,
			 "no 'listeners' list: nothing to serve");
		return;
	}
	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		conf_err(ld, list, CONF_ERR_TYPE,
			 "'listeners' must be a list ( { ... }, ... ), not %s",
			 conf_read_type_name(list));
		return;
	}
	if ((n = config_setting_length(list)) == 0) {
		conf_err(ld, list, CONF_ERR_MISSING,
			 "'listeners' is empty: nothing to serve");
		return;
	}
	if ((c->listeners = calloc((size_t)n, sizeof(*c->listeners))) == NULL)
		return;
	c->nlisteners = (size_t)n;
	for (int i = 0; i < n; i++) {
		config_setting_t *g =
		    config_setting_get_elem(list, (unsigned)i);
		if (config_setting_is_group(g))
			read_listener(ld, g, &c->listeners[i]);
		else
			conf_err(
			    ld, g, CONF_ERR_TYPE,
			    "each listener must be a group { ... }, not %s",
			    conf_read_type_name(g));
	}
	check_duplicates(ld, list, c);
}

/* ---- Top-level settings ------------------------------------------------ */

/* The CPUs this process may run on (its affinity mask: taskset, cgroup
 * cpusets, systemd's CPUAffinity=), else the online ones. */
static int cpu_count(void)
{
	cpu_set_t set;
	long n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

static void read_workers(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "workers");
	long long v = 1;

	if (s != NULL && config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "auto") != 0) {
			conf_err(
			    ld, s, CONF_ERR_VALUE,
			    "'workers' = \"%s\" is neither an integer >= 1 "
			    "nor \"auto\"",
			    config_setting_get_string(s));
			return;
		}
		c->workers_auto = true;
		c->workers = cpu_count();
		return;
	}
	if (s != NULL && !conf_read_is_int(s)) {
		conf_err(
		    ld, s, CONF_ERR_TYPE,
		    "'workers' must be an integer >= 1 or \"auto\", not %s",
		    conf_read_type_name(s));
		return;
	}
	if (conf_read_int(ld, root, "workers", 1, MAX_WORKERS, &v) == 0)
		c->workers = (int)v;
}

static void read_identity(struct loader *ld, const config_setting_t *root,
			  struct conf *c)
{
	const config_setting_t *us, *gs;
	const char *user, *group;

	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	if (conf_read_string(ld, root, "user", &us, &user) == 0 &&
	    user != NULL) {
		struct passwd *pw = getpwnam(user);
		if (pw == NULL)
			conf_err(ld, us, CONF_ERR_USER, "unknown user \"%s\"",
				 user);
		else {
			c->uid = pw->pw_uid;
			c->gid = pw->pw_gid;
		}
		c->user = strdup(user);
	}
	if (conf_read_string(ld, root, "group", &gs, &group) == 0 &&
	    group != NULL) {
		struct group *gr = getgrnam(group);
		if (gr == NULL)
			conf_err(ld, gs, CONF_ERR_USER, "unknown group \"%s\"",
				 group);
		else
			c->gid = gr->gr_gid;
		c->group = strdup(group);
	}
}

static void read_seccomp(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "seccomp");

	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'seccomp' must be true or false, not %s",
			 conf_read_type_name(s));
	else
		c->seccomp = config_setting_get_bool(s);
}

static void read_globals(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	static const char *const levels[] = {"error", "warning", "notice",
					     "info",  "debug",	 NULL};
	const config_setting_t *g;
	long long v;
	int level;

	c->workers = 1;
	c->shutdown_timeout = 10.0;
	c->worker_timeout = 30.0;
	c->max_connections = 10000;
	c->log_level = LOG_INFO;
	c->seccomp = true;
	check_known(ld, root, &sections[SEC_TOP]);
	read_workers(ld, root, c);
	read_identity(ld, root, c);
	conf_read_seconds(ld, root, "shutdown_timeout", 0, 86400,
			  &c->shutdown_timeout);
	conf_read_seconds(ld, root, "drain_delay", 0, 3600, &c->drain_delay);
	conf_read_seconds(ld, root, "worker_timeout", 0, 86400,
			  &c->worker_timeout);
	v = c->max_connections;
	if (conf_read_int(ld, root, "max_connections", 1, 10000000, &v) == 0)
		c->max_connections = (int)v;
	level = conf_read_choice(ld, root, "log_level", levels,
				 "error, warning, notice, info, debug", 3);
	if (level >= 0)
		c->log_level = LOG_ERR + level;
	read_seccomp(ld, root, c);
	conf_affinity_read(ld, root, c);
	conf_control_read(ld, root, c);
	g = config_setting_get_member(root, "control");
	if (g != NULL && config_setting_is_group(g))
		check_known(ld, g, &sections[SEC_CONTROL]);
}

/* ---- Loading ----------------------------------------------------------- */

static void syntax_error(struct loader *ld, const config_t *cfg)
{
	const char *file = config_error_file(cfg),
		   *text = config_error_text(cfg);
	int line = config_error_line(cfg);

	file = file != NULL ? file : ld->path;
	text = text != NULL ? text : "syntax error";
	if (strcmp(text, "cannot open include file") == 0)
		conf_err_at(ld, CONF_ERR_IO, file, line, "%s", text);
	else if (strcmp(text, "syntax error") == 0)
		conf_err_at(ld, CONF_ERR_SYNTAX, file, line, "syntax error");
	else
		conf_err_at(ld, CONF_ERR_SYNTAX, file, line, "syntax error: %s",
			    text);
}

/* Parses checked text and reads every setting into out. */
static void parse(struct loader *ld, config_t *cfg, const char *text,
		  struct conf *out)
{
	if (!config_read_string(cfg, text)) {
		syntax_error(ld, cfg);
		return;
	}
	conf_scan_text(ld, text, true);
	out->path = strdup(ld->path);
	read_globals(ld, config_root_setting(cfg), out);
	read_listeners(ld, config_root_setting(cfg), out);
	conf_status_read(ld, config_root_setting(cfg), out);
}

static int load(const char *path, const char *text, struct conf *out,
		struct conf_errors *errs)
{
	struct loader ld = {.path = path, .errs = errs, .first = errs->n};
	char *owned = NULL;
	const char *why;
	config_t cfg;

	memset(out, 0, sizeof(*out));
	config_init(&cfg);
	if (text == NULL && (text = owned = conf_scan_read(path, &why)) == NULL)
		conf_err_at(&ld, CONF_ERR_IO, path, 0, "cannot read: %s", why);
	else if (conf_scan_text(&ld, text, false) == 0)
		parse(&ld, &cfg, text, out);
	config_destroy(&cfg);
	free(owned);
	if (ld.nfail > 0)
		conf_free(out);
	conf_err_end(&ld);
	return ld.nfail > 0 ? -1 : 0;
}

int conf_load(const char *path, struct conf *out, struct conf_errors *errs)
{
	return load(path, NULL, out, errs);
}

int conf_load_string(const char *path, const char *text, struct conf *out,
		     struct conf_errors *errs)
{
	return load(path, text, out, errs);
}

const struct listener_conf *conf_find_listener(const struct conf *c,
					       const char *name)
{
	for (size_t i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].name &&
		    strcmp(c->listeners[i].name, name) == 0)
			return &c->listeners[i];
	return NULL;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; i < c->nlisteners; i++) {
		struct listener_conf *l = &c->listeners[i];
		free(l->name);
		free(l->listen);
		free(l->http.response);
		free(l->http.content_type);
		free(l->http.root);
		free(l->http.access_log);
		free(l->http.health_path);
		free(l->proxy_from);
		conf_module_free(&l->module);
		if (l->prepared_free != NULL)
			l->prepared_free(l->prepared);
	}
	free(c->listeners);
	free(c->path);
	free(c->user);
	free(c->group);
	free(c->control_socket);
	free(c->status.listen);
	free(c->cpus);
	memset(c, 0, sizeof(*c));
}

static int dup_field(char **p)
{
	if (*p != NULL && (*p = strdup(*p)) == NULL)
		return -1;
	return 0;
}

static int copy_listener(struct listener_conf *l)
{
	struct http_conf *h = &l->http;
	char *resp = h->response;
	int rc = dup_field(&l->name) | dup_field(&l->listen) |
		 dup_field(&h->content_type) | dup_field(&h->root) |
		 dup_field(&h->access_log) | dup_field(&h->health_path);

	rc |= conf_module_copy(&l->module);
	if (l->proxy_from != NULL) {
		struct cidr *v = malloc(l->nproxy_from * sizeof(*v));
		if (v != NULL)
			memcpy(v, l->proxy_from, l->nproxy_from * sizeof(*v));
		else
			l->nproxy_from = 0, rc = -1;
		l->proxy_from = v;
	}
	/* What a mode prepared belongs to the original: prepare the copy. */
	l->prepared = NULL;
	l->prepared_free = NULL;
	/* The body may hold NUL bytes: copied by length. */
	h->response = NULL;
	if (resp != NULL) {
		if ((h->response = malloc(h->response_len + 1)) == NULL)
			return -1;
		memcpy(h->response, resp, h->response_len + 1);
	}
	return rc;
}

int conf_copy(struct conf *dst, const struct conf *src)
{
	int rc = 0;

	*dst = *src;
	dst->listeners = NULL;
	dst->nlisteners = 0;
	rc |= dup_field(&dst->path) | dup_field(&dst->user) |
	      dup_field(&dst->group) | dup_field(&dst->control_socket) |
	      dup_field(&dst->status.listen);
	if (src->cpus != NULL) {
		dst->cpus = malloc(src->ncpus * sizeof(*dst->cpus));
		if (dst->cpus != NULL)
			memcpy(dst->cpus, src->cpus,
			       src->ncpus * sizeof(*dst->cpus));
		else
			dst->ncpus = 0, rc = -1;
	}
	if (src->nlisteners > 0) {
		dst->listeners =
		    calloc(src->nlisteners, sizeof(*dst->listeners));
		if (dst->listeners == NULL)
			rc = -1;
		for (size_t i = 0;
		     dst->listeners != NULL && i < src->nlisteners; i++) {
			dst->listeners[i] = src->listeners[i];
			dst->nlisteners = i + 1;
			rc |= copy_listener(&dst->listeners[i]);
		}
	}
	if (rc != 0)
		conf_free(dst);
	return rc != 0 ? -1 : 0;
}
