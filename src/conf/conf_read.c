/* conf_read.c - typed reads of single libconfig settings, each mistake
 * reported with its FILE:LINE and, for a misspelt name, a hint */
#include "config.h"

#include <string.h>

#include "conf_impl.h"

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
			size_t up = row[j],
			       best = diag + (a[i - 1] != b[j - 1]);
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

/* The allowed name nearest to name, within 2 edits; NULL if none. */
const char *conf_read_nearest(const char *const *names, const char *name)
{
	size_t best = 3, len = strlen(name);
	const char *hint = NULL;

	for (size_t k = 0; names[k] != NULL; k++) {
		size_t d = edit_distance(name, names[k]);
		if (d < best && d < len) {
			best = d;
			hint = names[k];
		}
	}
	return hint;
}

/* What s holds, for messages: "an integer", "a group", ... */
const char *conf_read_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a floating-point number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

/* Whether s holds an integer, 32 or 64 bits. */
bool conf_read_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* Reads an optional integer in [min, max] into *out; 0 when absent. */
int conf_read_int(struct loader *ld, const config_setting_t *group,
		  const char *name, long long min, long long max,
		  long long *out)
{
	config_setting_t *s = config_setting_get_member(group, name);
	long long v;

	if (s == NULL)
		return 0;
	if (!conf_read_is_int(s)) {
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'%s' must be an integer, not %s", name,
			 conf_read_type_name(s));
		return -1;
	}
	if (conf_err_overflow_has(ld, s))
		return -1;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		conf_err(ld, s, CONF_ERR_RANGE,
			 "'%s' = %lld is out of range %lld..%lld", name, v, min,
			 max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads an optional number of seconds in [min, max]; integers are fine. */
int conf_read_seconds(struct loader *ld, const config_setting_t *group,
		      const char *name, double min, double max, double *out)
{
	config_setting_t *s = config_setting_get_member(group, name);
	double v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else if (conf_read_is_int(s) && !conf_err_overflow_has(ld, s))
		v = (double)config_setting_get_int64(s);
	else if (conf_read_is_int(s))
		return -1;
	else {
		conf_err(ld, s, CONF_ERR_TYPE,
			 "'%s' must be a number of seconds, not %s", name,
			 conf_read_type_name(s));
		return -1;
	}
	if (!(v >= min && v <= max)) {
		conf_err(ld, s, CONF_ERR_RANGE,
			 "'%s' = %g is out of range %g..%g seconds", name, v,
			 min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads an optional string; *out is NULL (and 0 returned) when absent. */
int conf_read_string(struct loader *ld, const config_setting_t *group,
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
		conf_err(ld, s, CONF_ERR_TYPE, "'%s' must be a string, not %s",
			 name, conf_read_type_name(s));
		return -1;
	}
	*out = config_setting_get_string(s);
	return 0;
}

/* Reads an optional string that must be one of choices; returns its index,
 * dflt when absent, or -1 after reporting. */
int conf_read_choice(struct loader *ld, const config_setting_t *group,
		     const char *name, const char *const *choices,
		     const char *allowed, int dflt)
{
	const config_setting_t *s;
	const char *v, *hint;

	if (conf_read_string(ld, group, name, &s, &v) < 0)
		return -1;
	if (v == NULL)
		return dflt;
	for (int i = 0; choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0)
			return i;
	if ((hint = conf_read_nearest(choices, v)) != NULL)
		conf_err(
		    ld, s, CONF_ERR_VALUE,
		    "'%s' = \"%s\" is not one of %s (did you mean \"%s\"?)",
		    name, v, allowed, hint);
	else
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'%s' = \"%s\" is not one of %s", name, v, allowed);
	return -1;
}
