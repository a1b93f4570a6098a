/* conf_impl.h - the state of one configuration load, and the functions
 * conf.c, conf_err.c, conf_scan.c and conf_read.c share */
#ifndef PREFORKD_CONF_IMPL_H
#define PREFORKD_CONF_IMPL_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define MAX_FILES     32 /* files told apart when ordering errors */
#define MAX_OVERFLOWS 32 /* lines whose integer literal was reported */

/* State of one load: where messages go and which file they name. */
struct loader {
	const char *path;
	struct conf_errors *errs;
	size_t first;	/* errs->v[first..] are this load's */
	unsigned nfail; /* errors found, even those not stored (ENOMEM) */
	char *files[MAX_FILES]; /* [0] the loaded file, then its @includes */
	unsigned nfiles;
	struct {
		unsigned file;
		int line;
	} ovf[MAX_OVERFLOWS]; /* integer literals already reported */
	unsigned novf;
	bool too_deep; /* an @include nests too deep: stop scanning */
};

/* The groups whose setting names conf.c knows. */
enum conf_section {
	SEC_TOP,
	SEC_LISTENER,
	SEC_HTTP,
	SEC_MODULE,
	SEC_CONTROL,
	SEC_COUNT
};

/* conf.c */
/* Reports every child of group whose name does not belong in sec. */
void conf_check_known(struct loader *ld, const config_setting_t *group,
		      enum conf_section sec);

/* conf_module.c */
void conf_module_read(struct loader *ld, const config_setting_t *lsn,
		      struct module_conf *m);
void conf_module_free(struct module_conf *m);
/* Duplicates what m points to (after a struct copy); 0 or -1. */
int conf_module_copy(struct module_conf *m);

/* conf_err.c */
void conf_err(struct loader *ld, const config_setting_t *s,
	      enum conf_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void conf_err_at(struct loader *ld, enum conf_error_kind kind, const char *file,
		 int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
const char *conf_err_file(const struct loader *ld, const config_setting_t *s);
unsigned conf_err_rank(struct loader *ld, const char *file);
void conf_err_overflow_add(struct loader *ld, const char *file, int line);
bool conf_err_overflow_has(struct loader *ld, const config_setting_t *s);
void conf_err_end(struct loader *ld);

/* conf_scan.c */
char *conf_scan_read(const char *path, const char **why);
int conf_scan_text(struct loader *ld, const char *text, bool values);

/* conf_control.c */
extern const char *const conf_control_names[];
void conf_control_read(struct loader *ld, const config_setting_t *root,
		       struct conf *c);

/* conf_read.c */
const char *conf_read_type_name(const config_setting_t *s);
bool conf_read_is_int(const config_setting_t *s);
const char *conf_read_nearest(const char *const *names, const char *name);
int conf_read_int(struct loader *ld, const config_setting_t *group,
		  const char *name, long long min, long long max,
		  long long *out);
int conf_read_seconds(struct loader *ld, const config_setting_t *group,
		      const char *name, double min, double max, double *out);
int conf_read_string(struct loader *ld, const config_setting_t *group,
		     const char *name, const config_setting_t **where,
		     const char **out);
int conf_read_choice(struct loader *ld, const config_setting_t *group,
		     const char *name, const char *const *choices,
		     const char *allowed, int dflt);

/* conf_proxy.c: a listener's proxy_protocol, proxy_protocol_from and
 * proxy_protocol_timeout into l. */
void conf_proxy_read(struct loader *ld, const config_setting_t *lsn,
		     struct listener_conf *l);

/* conf_affinity.c: cpu_affinity = "off" | "auto" | [cpu, ...]. */
void conf_affinity_read(struct loader *ld, const config_setting_t *root,
			struct conf *c);

/* conf_status.c: reads status = { ... } (after the listeners). */
void conf_status_read(struct loader *ld, const config_setting_t *root,
		      struct conf *c);

#endif
