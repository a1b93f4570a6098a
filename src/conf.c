/* conf.c - loads and validates the libconfig file into struct conf */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libconfig.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

/* State of one load: where messages go and which file they name. */
struct loader {
	const char *path;
	struct conf_errors *errs;
};

static const char *const global_names[] = {
	"workers", "user", "group", "shutdown_timeout", "worker_timeout",
	"max_connections", "log_level", "seccomp", "listeners", NULL,
};
static const char *const listener_names[] = {
	"name", "listen", "mode", "trigger", "backlog", "idle_timeout",
	"send_timeout", "http", NULL,
};
static const char *const http_names[] = {
	"response", "content_type", "root", "keepalive_timeout",
	"header_timeout", "max_header_size", "max_body_size", "access_log", NULL,
};

static void errs_add(struct conf_errors *errs, enum conf_error_kind kind,
		     const char *file, int line, const char *fmt, va_list ap)
{
	struct conf_error *e;
	int n;

	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 8;
		void *v = realloc(errs->v, cap * sizeof(*errs->v));
		if (v == NULL)
			return;
		errs->v = v;
		errs->cap = cap;
	}
	e = &errs->v[errs->n++];
	e->kind = kind;
	e->line = line;
	n = line > 0 ? snprintf(e->msg, sizeof(e->msg), "%s:%d: ", file, line)
		     : snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	if (n < (int)sizeof(e->msg))
		vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
}

static void fail_line(struct conf_errors *errs, enum conf_error_kind kind,
		      const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail_line(struct conf_errors *errs, enum conf_error_kind kind,
		      const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_add(errs, kind, file, line, fmt, ap);
	va_end(ap);
}

static void fail(struct loader *ld, const config_setting_t *s,
		 enum conf_error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Records an error at setting s (or without a line when s is NULL). */
static void fail(struct loader *ld, const config_setting_t *s,
		 enum conf_error_kind kind, const char *fmt, ...)
{
	const char *file = ld->path;
	int line = 0;
	va_list ap;

	if (s != NULL) {
		line = (int)config_setting_source_line(s);
		if (config_setting_source_file(s) != NULL)
			file = config_setting_source_file(s);
	}
	va_start(ap, fmt);
	errs_add(ld->errs, kind, file, line, fmt, ap);
	va_end(ap);
}

/* Edit distance, small strings only: for "did you mean" hints. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Reports every child of group whose name is not in allowed. */
static void check_known(struct loader *ld, const config_setting_t *group,
			const char *const *allowed, const char *where)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		const char *hint = NULL;
		size_t k;

		for (k = 0; allowed[k] != NULL; k++) {
			if (strcmp(name, allowed[k]) == 0)
				break;
			if (hint == NULL && edit_distance(name, allowed[k]) <= 2)
				hint = allowed[k];
		}
		if (allowed[k] != NULL)
			continue;
		if (hint != NULL)
			fail(ld, s, CONF_ERR_UNKNOWN,
			     "unknown setting '%s'%s (did you mean '%s'?)", name,
			     where, hint);
		else
			fail(ld, s, CONF_ERR_UNKNOWN, "unknown setting '%s'%s",
			     name, where);
	}
}

static const char *type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

static int is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* Reads an optional integer in [min, max] into *out; 0 when absent. */
static int read_int(struct loader *ld, const config_setting_t *group,
		    const char *name, long long min, long long max,
		    long long *out)
{
	config_setting_t *s = config_setting_get_member(group, name);
	long long v;

	if (s == NULL)
		return 0;
	if (!is_int(s)) {
		fail(ld, s, CONF_ERR_TYPE, "'%s' must be an integer, not %s",
		     name, type_name(s));
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		fail(ld, s, CONF_ERR_RANGE, "'%s' = %lld is out of range %lld..%lld",
		     name, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads an optional number of seconds in [min, max]; integers are fine. */
static int read_seconds(struct loader *ld, const config_setting_t *group,
			const char *name, double min, double max, double *out)
{
	config_setting_t *s = config_setting_get_member(group, name);
	double v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else if (is_int(s))
		v = (double)config_setting_get_int64(s);
	else {
		fail(ld, s, CONF_ERR_TYPE, "'%s' must be a number of seconds, not %s",
		     name, type_name(s));
		return -1;
	}
	if (!(v >= min && v <= max)) {
		fail(ld, s, CONF_ERR_RANGE, "'%s' = %g is out of range %g..%g seconds",
		     name, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads an optional string; *out is NULL (and 0 returned) when absent. */
static int read_string(struct loader *ld, const config_setting_t *group,
		       const char *name, const config_setting_t **where,
		       const char **out)
{
	config_setting_t *s = config_setting_get_member(group, name);

	*out = NULL;
	if (where != NULL)
		*where = s;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail(ld, s, CONF_ERR_TYPE, "'%s' must be a string, not %s", name,
		     type_name(s));
		return -1;
	}
	*out = config_setting_get_string(s);
	return 0;
}

/* Reads an optional string that must be one of choices; returns its index,
 * dflt when absent, or -1 after reporting. */
static int read_choice(struct loader *ld, const config_setting_t *group,
		       const char *name, const char *const *choices,
		       const char *allowed, int dflt)
{
	const config_setting_t *s;
	const char *v;

	if (read_string(ld, group, name, &s, &v) < 0)
		return -1;
	if (v == NULL)
		return dflt;
	for (int i = 0; choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0)
			return i;
	fail(ld, s, CONF_ERR_VALUE, "'%s' = \"%s\" is not one of %s", name, v,
	     allowed);
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int conf_parse_listen(const char *s, struct sockaddr_storage *addr,
		      socklen_t *addrlen, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port_s;
	char *end;
	long port;
	size_t hlen;

	memset(addr, 0, sizeof(*addr));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':') {
			snprintf(err, errlen, "expected \"[IPV6]:PORT\"");
			return -1;
		}
		hlen = (size_t)(close - s - 1);
		port_s = close + 2;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL) {
			snprintf(err, errlen, "expected \"HOST:PORT\" (missing port)");
			return -1;
		}
		hlen = (size_t)(colon - s);
		port_s = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "missing or overlong host");
		return -1;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtol(port_s, &end, 10);
	if (!isdigit((unsigned char)*port_s) || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		snprintf(err, errlen, "port must be a number in 1..65535");
		return -1;
	}
	if (port_s[-2] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv6 address", host);
			return -1;
		}
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*addrlen = sizeof(*a6);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
	if (strcmp(host, "*") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
		snprintf(err, errlen,
			 "'%s' is not an IPv4 address, [IPv6 address], * or localhost",
			 host);
		return -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*addrlen = sizeof(*a4);
	return 0;
}

bool conf_same_address(const struct listener_conf *a,
		       const struct listener_conf *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->addr;
		const struct sockaddr_in *y = (const void *)&b->addr;
		/* A wildcard overlaps every address on its port. */
		return x->sin_port == y->sin_port &&
		       (x->sin_addr.s_addr == y->sin_addr.s_addr ||
			x->sin_addr.s_addr == htonl(INADDR_ANY) ||
			y->sin_addr.s_addr == htonl(INADDR_ANY));
	}
	const struct sockaddr_in6 *x = (const void *)&a->addr;
	const struct sockaddr_in6 *y = (const void *)&b->addr;
	return x->sin6_port == y->sin6_port &&
	       (memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 ||
		IN6_IS_ADDR_UNSPECIFIED(&x->sin6_addr) ||
		IN6_IS_ADDR_UNSPECIFIED(&y->sin6_addr));
}

static void check_root(struct loader *ld, const config_setting_t *s,
		       const char *root)
{
	struct stat st;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fail(ld, s, CONF_ERR_ROOT, "'root' = \"%s\" is not a readable directory: %s",
		     root, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    faccessat(fd, ".", R_OK | X_OK, AT_EACCESS) < 0)
		fail(ld, s, CONF_ERR_ROOT, "'root' = \"%s\" is not a readable directory",
		     root);
	close(fd);
}

static void read_http(struct loader *ld, const config_setting_t *lsn,
		      struct http_conf *h)
{
	const config_setting_t *g = config_setting_get_member(lsn, "http");
	const config_setting_t *rs, *ts;
	const char *response, *root, *ctype, *alog;
	long long v;

	h->content_type = strdup("text/plain");
	h->keepalive_timeout = 5.0;
	h->header_timeout = 10.0;
	h->max_header_size = 8192;
	h->max_body_size = 1048576;
	if (g == NULL || !config_setting_is_group(g)) {
		fail(ld, g != NULL ? g : lsn, g != NULL ? CONF_ERR_TYPE : CONF_ERR_MISSING,
		     "an http listener needs an 'http' group with 'response' or 'root'");
		return;
	}
	check_known(ld, g, http_names, " in 'http'");
	read_string(ld, g, "response", &rs, &response);
	read_string(ld, g, "root", &ts, &root);
	if (response != NULL && root != NULL)
		fail(ld, ts, CONF_ERR_EXCLUSIVE,
		     "'response' and 'root' exclude each other: set exactly one");
	else if (response == NULL && root == NULL && rs == NULL && ts == NULL)
		fail(ld, g, CONF_ERR_EXCLUSIVE,
		     "'http' needs one of 'response' or 'root'");
	if (root != NULL)
		check_root(ld, ts, root);
	if (response != NULL) {
		h->response = strdup(response);
		h->response_len = strlen(response);
	}
	h->root = dup_or_null(root);
	if (read_string(ld, g, "content_type", NULL, &ctype) == 0 && ctype != NULL) {
		free(h->content_type);
		h->content_type = strdup(ctype);
	}
	if (read_string(ld, g, "access_log", NULL, &alog) == 0)
		h->access_log = dup_or_null(alog);
	read_seconds(ld, g, "keepalive_timeout", 0, 3600, &h->keepalive_timeout);
	read_seconds(ld, g, "header_timeout", 0.001, 3600, &h->header_timeout);
	v = h->max_header_size;
	if (read_int(ld, g, "max_header_size", 256, 1048576, &v) == 0)
		h->max_header_size = (long)v;
	v = h->max_body_size;
	if (read_int(ld, g, "max_body_size", 0, 1LL << 40, &v) == 0)
		h->max_body_size = (long)v;
}

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

	if (read_string(ld, g, name, &s, &v) == 0 && v == NULL)
		fail(ld, g, CONF_ERR_MISSING, "listener has no '%s'", name);
	return v;
}

static void read_listener(struct loader *ld, const config_setting_t *g,
			  struct listener_conf *l)
{
	static const char *const modes[] = { "echo", "http", NULL };
	static const char *const triggers[] = { "edge", "level", NULL };
	const char *name, *listen;
	long long backlog = 511;
	char err[128];
	int mode;

	l->line = (int)config_setting_source_line(g);
	l->trigger = TRIGGER_EDGE;
	l->idle_timeout = 60.0;
	l->send_timeout = 60.0;
	check_known(ld, g, listener_names, " in a listener");
	if ((name = require_string(ld, g, "name")) != NULL) {
		if (!valid_name(name))
			fail(ld, config_setting_get_member(g, "name"), CONF_ERR_VALUE,
			     "listener name \"%s\" must be 1-64 letters, digits, '-' or '_'",
			     name);
		l->name = strdup(name);
	}
	if ((listen = require_string(ld, g, "listen")) != NULL) {
		l->listen = strdup(listen);
		if (conf_parse_listen(listen, &l->addr, &l->addrlen, err, sizeof(err)) < 0)
			fail(ld, config_setting_get_member(g, "listen"), CONF_ERR_LISTEN,
			     "bad listen \"%s\": %s", listen, err);
	}
	mode = read_choice(ld, g, "mode", modes, "echo, http", -2);
	if (mode == -2)
		fail(ld, g, CONF_ERR_MISSING, "listener has no 'mode' (echo or http)");
	l->mode = mode == MODE_HTTP ? MODE_HTTP : MODE_ECHO;
	if (read_choice(ld, g, "trigger", triggers, "edge, level", 0) == 1)
		l->trigger = TRIGGER_LEVEL;
	if (read_int(ld, g, "backlog", 1, 65535, &backlog) == 0)
		l->backlog = (int)backlog;
	read_seconds(ld, g, "idle_timeout", 0.001, 86400, &l->idle_timeout);
	read_seconds(ld, g, "send_timeout", 0.001, 86400, &l->send_timeout);
	if (mode == MODE_HTTP)
		read_http(ld, g, &l->http);
	else if (mode == MODE_ECHO && config_setting_get_member(g, "http") != NULL)
		fail(ld, config_setting_get_member(g, "http"), CONF_ERR_VALUE,
		     "'http' settings are only for mode = \"http\"");
}

/* Names and addresses must be unique across listeners. */
static void check_duplicates(struct loader *ld, const config_setting_t *list,
			     const struct conf *c)
{
	for (size_t i = 1; i < c->nlisteners; i++) {
		const struct listener_conf *b = &c->listeners[i];
		config_setting_t *g = config_setting_get_elem(list, (unsigned)i);

		for (size_t j = 0; j < i; j++) {
			const struct listener_conf *a = &c->listeners[j];
			if (a->name && b->name && strcmp(a->name, b->name) == 0)
				fail(ld, g, CONF_ERR_DUPLICATE,
				     "duplicate listener name \"%s\" (first at line %d)",
				     b->name, a->line);
			if (a->addrlen && b->addrlen && conf_same_address(a, b))
				fail(ld, g, CONF_ERR_DUPLICATE,
				     "listen \"%s\" overlaps \"%s\" of listener \"%s\" (line %d)",
				     b->listen, a->listen, a->name ? a->name : "?", a->line);
		}
	}
}

static void read_listeners(struct loader *ld, const config_setting_t *root,
			   struct conf *c)
{
	config_setting_t *list = config_setting_get_member(root, "listeners");
	int n;

	if (list == NULL) {
		fail(ld, NULL, CONF_ERR_MISSING, "no 'listeners' list: nothing to serve");
		return;
	}
	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		fail(ld, list, CONF_ERR_TYPE,
		     "'listeners' must be a list ( { ... }, ... ), not %s", type_name(list));
		return;
	}
	n = config_setting_length(list);
	if (n == 0) {
		fail(ld, list, CONF_ERR_MISSING, "'listeners' is empty: nothing to serve");
		return;
	}
	c->listeners = calloc((size_t)n, sizeof(*c->listeners));
	if (c->listeners == NULL)
		return;
	c->nlisteners = (size_t)n;
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		if (!config_setting_is_group(g)) {
			fail(ld, g, CONF_ERR_TYPE, "each listener must be a group { ... }, not %s",
			     type_name(g));
			continue;
		}
		read_listener(ld, g, &c->listeners[i]);
	}
	check_duplicates(ld, list, c);
}

static void read_workers(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "workers");
	long long v = 1;
	long ncpu;

	if (s != NULL && config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "auto") != 0) {
			fail(ld, s, CONF_ERR_VALUE,
			     "'workers' must be an integer >= 1 or \"auto\"");
			return;
		}
		c->workers_auto = true;
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = ncpu > 0 ? (int)ncpu : 1;
		return;
	}
	if (read_int(ld, root, "workers", 1, 1024, &v) == 0)
		c->workers = (int)v;
}

static void read_identity(struct loader *ld, const config_setting_t *root,
			  struct conf *c)
{
	const config_setting_t *us, *gs;
	const char *user, *group;

	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	if (read_string(ld, root, "user", &us, &user) == 0 && user != NULL) {
		struct passwd *pw = getpwnam(user);
		if (pw == NULL)
			fail(ld, us, CONF_ERR_USER, "unknown user \"%s\"", user);
		else {
			c->uid = pw->pw_uid;
			c->gid = pw->pw_gid;
		}
		c->user = strdup(user);
	}
	if (read_string(ld, root, "group", &gs, &group) == 0 && group != NULL) {
		struct group *gr = getgrnam(group);
		if (gr == NULL)
			fail(ld, gs, CONF_ERR_USER, "unknown group \"%s\"", group);
		else
			c->gid = gr->gr_gid;
		c->group = strdup(group);
	}
}

static void read_globals(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	static const char *const levels[] = { "error", "warning", "notice",
					      "info", "debug", NULL };
	config_setting_t *s;
	long long maxconn = 10000;
	int level;

	c->workers = 1;
	c->shutdown_timeout = 10.0;
	c->worker_timeout = 30.0;
	c->log_level = LOG_INFO;
	c->seccomp = true;
	check_known(ld, root, global_names, "");
	read_workers(ld, root, c);
	read_identity(ld, root, c);
	read_seconds(ld, root, "shutdown_timeout", 0, 86400, &c->shutdown_timeout);
	read_seconds(ld, root, "worker_timeout", 0, 86400, &c->worker_timeout);
	if (read_int(ld, root, "max_connections", 1, 10000000, &maxconn) == 0)
		c->max_connections = (int)maxconn;
	level = read_choice(ld, root, "log_level", levels,
			    "error, warning, notice, info, debug", 3);
	if (level >= 0)
		c->log_level = LOG_ERR + level;
	if ((s = config_setting_get_member(root, "seccomp")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			fail(ld, s, CONF_ERR_TYPE, "'seccomp' must be true or false, not %s",
			     type_name(s));
		else
			c->seccomp = config_setting_get_bool(s);
	}
}

static int load(const char *path, const char *text, struct conf *out,
		struct conf_errors *errs)
{
	struct loader ld = { path, errs };
	size_t before = errs->n;
	config_t cfg;
	int ok;

	memset(out, 0, sizeof(*out));
	config_init(&cfg);
	ok = text != NULL ? config_read_string(&cfg, text)
			  : config_read_file(&cfg, path);
	if (!ok) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			fail(&ld, NULL, CONF_ERR_IO, "cannot read: %s", strerror(errno));
		else
			fail_line(errs, CONF_ERR_SYNTAX,
				  config_error_file(&cfg) ? config_error_file(&cfg) : path,
				  config_error_line(&cfg), "syntax error: %s",
				  config_error_text(&cfg));
		config_destroy(&cfg);
		return -1;
	}
	out->path = strdup(path);
	read_globals(&ld, config_root_setting(&cfg), out);
	read_listeners(&ld, config_root_setting(&cfg), out);
	config_destroy(&cfg);
	if (errs->n > before) {
		conf_free(out);
		return -1;
	}
	return 0;
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
		if (c->listeners[i].name && strcmp(c->listeners[i].name, name) == 0)
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
	}
	free(c->listeners);
	free(c->path);
	free(c->user);
	free(c->group);
	memset(c, 0, sizeof(*c));
}

void conf_errors_free(struct conf_errors *errs)
{
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}
