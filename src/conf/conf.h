/* conf.h - the configuration as a plain struct, and its loader */
#ifndef PREFORKD_CONF_H
#define PREFORKD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/cidr.h"

/* The modes a listener may name; conf_mode_names spells them. */
enum listener_mode { MODE_ECHO, MODE_HTTP, MODE_MODULE, MODE_COUNT };
extern const char *const conf_mode_names[MODE_COUNT + 1];
enum listener_trigger { TRIGGER_EDGE, TRIGGER_LEVEL };
/* proxy_protocol: which PROXY header versions a listener takes, as a bit
 * set (the values of net/proxy.h's enum proxy_versions); 0 is off. */
enum conf_proxy { CONF_PROXY_OFF, CONF_PROXY_V1, CONF_PROXY_V2, CONF_PROXY_ANY };

struct http_conf {
	char *response; /* fixed body, or NULL when root is set */
	size_t response_len;
	char *content_type;
	char *root; /* static files directory, or NULL */
	double keepalive_timeout;
	double header_timeout;
	long max_header_size;
	long max_body_size;
	char *access_log; /* NULL: no access log */
	char *health_path; /* NULL: no health check answered by the worker */
};

/* How a module listener cuts its input into messages. */
enum conf_framing {
	CONF_FRAMING_NONE,
	CONF_FRAMING_DELIMITER,
	CONF_FRAMING_LENGTH32,
	CONF_FRAMING_NETSTRING,
};

/* One entry of module.settings, for the module's cfg_str and cfg_int. */
struct module_setting {
	char *key;
	enum { SETTING_STRING, SETTING_INT, SETTING_OTHER } type;
	char *str;	   /* SETTING_STRING */
	long long num;	   /* SETTING_INT */
	const char *what;  /* the type's name, for messages */
	int line;
};

struct module_conf {
	char *path;  /* the shared object */
	char *file;  /* the configuration file that names it, for messages */
	int line;    /* of the module group */
	enum conf_framing framing;
	char *delimiter; /* framing = "delimiter"; may hold any byte but NUL */
	size_t delimiter_len;
	long long max_message;
	int threads, queue;
	double job_timeout;
	struct module_setting *settings;
	size_t nsettings;
	int settings_line; /* of the settings group, or of the module group */
};

struct listener_conf {
	char *name;
	char *listen; /* as written, for messages */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	enum listener_mode mode;
	enum listener_trigger trigger;
	int backlog;
	double idle_timeout;
	double send_timeout;
	struct http_conf http;
	struct module_conf module;
	enum conf_proxy proxy_protocol;
	struct cidr *proxy_from; /* NULL: a header from every client */
	size_t nproxy_from;
	double proxy_timeout; /* seconds for the whole header */
	int line; /* where the listener starts in the file */
	/* What the mode prepared for this listener before the workers fork
	 * (a loaded module); conf_free releases it with prepared_free. */
	void *prepared;
	void (*prepared_free)(void *prepared);
};

/* cpu_affinity: which CPU each worker slot is pinned to. */
enum conf_affinity {
	CONF_AFFINITY_OFF,  /* not pinned */
	CONF_AFFINITY_AUTO, /* slot k: the k-th CPU of the process's mask */
	CONF_AFFINITY_LIST, /* slot k: cpus[k % ncpus] */
};

/* status = { listen; allow_remote; }: the master's /metrics, /livez and
 * /readyz listener; listen is NULL when the group is absent. */
struct status_conf {
	char *listen; /* as written */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool allow_remote; /* serve peers other than loopback */
};

struct conf {
	char *path;
	int workers; /* resolved: "auto" is the online CPU count */
	bool workers_auto;
	char *user;  /* NULL: do not change user */
	char *group; /* NULL: the user's primary group, or unchanged */
	uid_t uid;
	gid_t gid;
	double shutdown_timeout;
	double drain_delay; /* SIGTERM: health 503 this long before draining */
	enum conf_affinity cpu_affinity;
	int *cpus; /* CONF_AFFINITY_LIST: CPU numbers, as written */
	size_t ncpus;
	double worker_timeout;
	int max_connections;
	int log_level; /* LOG_ERR .. LOG_DEBUG */
	bool seccomp;
	struct listener_conf *listeners;
	size_t nlisteners;
	char *control_socket;  /* absolute path; NULL: no control socket */
	unsigned control_mode; /* its permissions (default 0600) */
	struct status_conf status;
};

/* What kind of mistake an error is; unit tests match on this. */
enum conf_error_kind {
	CONF_ERR_IO,	    /* the file cannot be read */
	CONF_ERR_SYNTAX,    /* libconfig could not parse it */
	CONF_ERR_UNKNOWN,   /* a setting that does not exist */
	CONF_ERR_TYPE,	    /* a setting of the wrong type */
	CONF_ERR_RANGE,	    /* a number out of its range */
	CONF_ERR_VALUE,	    /* a string that is not one of the allowed values */
	CONF_ERR_MISSING,   /* a required setting is absent */
	CONF_ERR_LISTEN,    /* a listen string that does not parse */
	CONF_ERR_DUPLICATE, /* a name or address given twice */
	CONF_ERR_EXCLUSIVE, /* both or neither of http.response and http.root */
	CONF_ERR_ROOT,	    /* http.root is not a readable directory */
	CONF_ERR_USER,	    /* unknown user or group */
	CONF_ERR_MODULE,    /* a handler module that cannot be used */
};

struct conf_error {
	enum conf_error_kind kind;
	int line;      /* 0 when the error has no line */
	char msg[320]; /* "FILE:LINE: message" */
	unsigned file; /* 0: the file loaded; n: the nth file it @includes */
};

struct conf_errors {
	struct conf_error *v;
	size_t n, cap;
};

/*
 * Reads and validates the file at path into *out. Returns 0 on success, or
 * -1 with every error found appended to errs (out is then left empty),
 * ordered by file (the loaded one first, then @included ones in the order
 * they appear) and by line within a file; errors without a line come first.
 * A relative @include path is taken from the working directory.
 * The caller frees out with conf_free and errs with conf_errors_free.
 */
int conf_load(const char *path, struct conf *out, struct conf_errors *errs);

/* As conf_load, from a string; path is only used in messages. */
int conf_load_string(const char *path, const char *text, struct conf *out,
		     struct conf_errors *errs);

void conf_free(struct conf *c);

/* Appends "FILE:LINE: message" (no LINE when line is 0) to errs, for
 * checks made after the load (a module's own settings). */
void conf_errors_add(struct conf_errors *errs, enum conf_error_kind kind,
		     const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Deep-copies src into *dst (every string duplicated, so each is freed on
 * its own with conf_free). Returns 0, or -1 when out of memory (dst is then
 * empty). A pointer member added to struct conf must be copied here too.
 */
int conf_copy(struct conf *dst, const struct conf *src);
void conf_errors_free(struct conf_errors *errs);

/* Listener lookup by name; NULL when absent. */
const struct listener_conf *conf_find_listener(const struct conf *c,
					       const char *name);

/* Whether two listeners bind the same address and port. */
bool conf_same_address(const struct listener_conf *a,
		       const struct listener_conf *b);

/*
 * Parses "HOST:PORT", "[V6]:PORT" or "*:PORT" into addr. Returns 0, or -1
 * with the reason in err.
 */
int conf_parse_listen(const char *s, struct sockaddr_storage *addr,
		      socklen_t *addrlen, char *err, size_t errlen);

#endif
