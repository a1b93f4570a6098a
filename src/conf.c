/* conf.c - loads and validates the libconfig file into struct conf */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libconfig.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

/*
 * libconfig before 1.7 reads an integer without an L suffix with atoi():
 * 4294967297 silently becomes 1. The literals are checked here instead.
 */
#if !defined(LIBCONFIG_VER_MAJOR) ||                                           \
    (LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 7)
#define INT_LITERAL_32_BITS 1
#else
#define INT_LITERAL_32_BITS 0
#endif

#define MAX_FILES	  32 /* files told apart when ordering errors */
#define MAX_OVERFLOWS	  32 /* lines whose integer literal was reported */
#define MAX_INCLUDE_DEPTH 10 /* as libconfig */
#define MAX_FILE_SIZE	  (16L << 20)
#define MAX_WORKERS	  1024

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

static const char *const global_names[] = {
    "workers",	      "user",
    "group",	      "shutdown_timeout",
    "worker_timeout", "max_connections",
    "log_level",      "seccomp",
    "listeners",      NULL,
};
static const char *const listener_names[] = {
    "name",	    "listen",	    "mode", "trigger", "backlog",
    "idle_timeout", "send_timeout", "http", NULL,
};
static const char *const http_names[] = {
    "response",		 "content_type",   "root",
    "keepalive_timeout", "header_timeout", "max_header_size",
    "max_body_size",	 "access_log",	   NULL,
};

/* Where a setting may appear, for "unknown setting" messages. */
enum { SEC_TOP, SEC_LISTENER, SEC_HTTP, SEC_COUNT };
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
};

/* ---- Errors ------------------------------------------------------------ */

/* The rank of file among the files of this load, in order of appearance. */
static unsigned file_rank(struct loader *ld, const char *file)
{
	unsigned i;

	for (i = 0; i < ld->nfiles; i++)
		if (strcmp(ld->files[i], file) == 0)
			return i;
	if (i < MAX_FILES && (ld->files[i] = strdup(file)) != NULL)
		ld->nfiles++;
	return i;
}

static struct conf_error *errs_grow(struct conf_errors *errs)
{
	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 8;
		void *v = realloc(errs->v, cap * sizeof(*errs->v));
		if (v == NULL)
			return NULL;
		errs->v = v;
		errs->cap = cap;
	}
	return &errs->v[errs->n++];
}

static void errs_add(struct loader *ld, enum conf_error_kind kind,
		     const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void errs_add(struct loader *ld, enum conf_error_kind kind,
		     const char *file, int line, const char *fmt, va_list ap)
{
	struct conf_error *e;
	int n;

	ld->nfail++;
	if ((e = errs_grow(ld->errs)) == NULL)
		return;
	e->kind = kind;
	e->line = line;
	e->file = file_rank(ld, file);
	n = line > 0 ? snprintf(e->msg, sizeof(e->msg), "%s:%d: ", file, line)
		     : snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	if (n >= 0 && n < (int)sizeof(e->msg))
		vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	/* Values may hold "\n" escapes: keep one error on one line. */
	for (char *p = e->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void fail_at(struct loader *ld, enum conf_error_kind kind,
		    const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Records an error at FILE:LINE (no line when line is 0). */
static void fail_at(struct loader *ld, enum conf_error_kind kind,
		    const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_add(ld, kind, file, line, fmt, ap);
	va_end(ap);
}

static const char *setting_file(const struct loader *ld,
				const config_setting_t *s)
{
	const char *file = config_setting_source_file(s);

	return file != NULL ? file : ld->path;
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
		file = setting_file(ld, s);
	}
	va_start(ap, fmt);
	errs_add(ld, kind, file, line, fmt, ap);
	va_end(ap);
}

struct err_key {
	unsigned file;
	int line;
	size_t i;
};

static int err_key_cmp(const void *a, const void *b)
{
	const struct err_key *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Orders errs->v[first..] by file, then line; equal ones keep their order. */
static void errs_sort(struct conf_errors *errs, size_t first)
{
	size_t n = errs->n - first;
	struct err_key *k = NULL;
	struct conf_error *v = NULL;

	if (n < 2)
		return;
	k = calloc(n, sizeof(*k));
	v = calloc(n, sizeof(*v));
	if (k == NULL || v == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		k[i].file = errs->v[first + i].file;
		k[i].line = errs->v[first + i].line;
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), err_key_cmp);
	for (size_t i = 0; i < n; i++)
		v[i] = errs->v[first + k[i].i];
	memcpy(errs->v + first, v, n * sizeof(*v));
out:
	free(k);
	free(v);
}

static void ovf_add(struct loader *ld, const char *file, int line)
{
	if (ld->novf < MAX_OVERFLOWS) {
		ld->ovf[ld->novf].file = file_rank(ld, file);
		ld->ovf[ld->novf++].line = line;
	}
}

/* Whether the integer literal of s was already reported as too large. */
static bool ovf_has(struct loader *ld, const config_setting_t *s)
{
	unsigned file = file_rank(ld, setting_file(ld, s));
	int line = (int)config_setting_source_line(s);

	for (unsigned i = 0; i < ld->novf; i++)
		if (ld->ovf[i].file == file && ld->ovf[i].line == line)
			return true;
	return false;
}

/* ---- The raw text, which libconfig does not fully check --------------- */

static int read_all(int fd, char *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t r = read(fd, buf + *got, len - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

/*
 * Reads a whole regular file into a NUL-terminated buffer the caller frees.
 * Returns NULL with the reason in *why. A FIFO or device is refused: it
 * could block or never end.
 */
static char *read_text(const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf = NULL;
	struct stat st;
	size_t got;

	*why = NULL;
	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode))
		*why = S_ISDIR(st.st_mode) ? strerror(EISDIR)
					   : "not a regular file";
	else if (st.st_size > MAX_FILE_SIZE)
		*why = "larger than 16 MiB";
	if (*why != NULL)
		goto fail;
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL ||
	    read_all(fd, buf, (size_t)st.st_size, &got) < 0)
		goto fail;
	buf[got] = '\0';
	if (memchr(buf, '\0', got) != NULL) {
		*why = "it holds a NUL byte (not a text file?)";
		goto fail;
	}
	close(fd);
	return buf;
fail:
	if (*why == NULL)
		*why = strerror(errno);
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * One pass over the text of one file, with libconfig's lexical rules. Before
 * parsing (values false) it checks that every @include names a readable
 * regular file: libconfig's scanner exits the process on a directory. After
 * parsing (values true) it checks what libconfig accepts silently: integers
 * it truncates, "\x00" it drops, a comment or string left open at the end.
 */
struct scan {
	struct loader *ld;
	const char *file;
	const char *p;
	int line;
	int depth;
	bool values;
	int rc;
};

static int scan_text(struct loader *ld, const char *file, const char *text,
		     int depth, bool values);

static void scan_comment(struct scan *sc)
{
	const char *end = strstr(sc->p + 2, "*/");
	const char *stop = end != NULL ? end + 2 : sc->p + strlen(sc->p);

	if (end == NULL && sc->values)
		fail_at(
		    sc->ld, CONF_ERR_SYNTAX, sc->file, sc->line,
		    "unterminated /* comment: it hides the rest of the file");
	for (; sc->p < stop; sc->p++)
		if (*sc->p == '\n')
			sc->line++;
}

static void scan_string(struct scan *sc)
{
	int line = sc->line;
	bool nul = false;

	for (sc->p++; *sc->p != '\0' && *sc->p != '"'; sc->p++) {
		if (*sc->p == '\\' && sc->p[1] != '\0') {
			nul |= (sc->p[1] == 'x' || sc->p[1] == 'X') &&
			       sc->p[2] == '0' && sc->p[3] == '0';
			sc->p++;
		}
		if (*sc->p == '\n')
			sc->line++;
	}
	if (sc->values && nul)
		fail_at(sc->ld, CONF_ERR_VALUE, sc->file, line,
			"a string cannot hold \\x00 (libconfig drops it)");
	if (sc->values && *sc->p == '\0')
		fail_at(sc->ld, CONF_ERR_SYNTAX, sc->file, line,
			"unterminated string");
	if (*sc->p == '"')
		sc->p++;
}

/* An @include line: checks, then scans, the file it names. */
static void scan_include(struct scan *sc)
{
	const char *q = sc->p + strlen("@include"), *end, *why;
	char name[PATH_MAX], *text;

	q += strspn(q, " \t");
	end = *q == '"' ? strpbrk(q + 1, "\"\n") : NULL;
	sc->p++;
	if (end == NULL || *end != '"' || (size_t)(end - q) > sizeof(name))
		return; /* libconfig reports it */
	memcpy(name, q + 1, (size_t)(end - q - 1));
	name[end - q - 1] = '\0';
	sc->p = end + 1;
	if (sc->depth + 1 > MAX_INCLUDE_DEPTH) {
		/* libconfig reports it; scanning on could take exponential
		 * time (a file that includes itself twice). */
		sc->ld->too_deep = true;
		return;
	}
	if ((text = read_text(name, &why)) == NULL) {
		if (!sc->values)
			fail_at(sc->ld, CONF_ERR_IO, sc->file, sc->line,
				"cannot @include \"%s\": %s", name, why);
		sc->rc = -1;
		return;
	}
	if (scan_text(sc->ld, name, text, sc->depth + 1, sc->values) < 0)
		sc->rc = -1;
	free(text);
}

/* Reports an integer literal that libconfig cannot hold as written. */
static void check_integer(struct scan *sc, const char *s, int len, bool hex,
			  bool suffix_l)
{
	bool big64, big32;

	errno = 0;
	if (hex) {
		unsigned long long v = strtoull(s, NULL, 16);
		big64 = errno == ERANGE;
		big32 = v > UINT32_MAX;
	} else {
		long long v = strtoll(s, NULL, 10);
		big64 = errno == ERANGE;
		big32 = v < INT_MIN || v > INT_MAX;
	}
	len = len > 40 ? 40 : len;
	if (big64)
		fail_at(sc->ld, CONF_ERR_RANGE, sc->file, sc->line,
			"integer %.*s does not fit in 64 bits", len, s);
	else if (big32 && !suffix_l && INT_LITERAL_32_BITS)
		fail_at(sc->ld, CONF_ERR_RANGE, sc->file, sc->line,
			"integer %.*s does not fit in 32 bits: write %.*sL for "
			"a 64-bit integer",
			len, s, len, s);
	else
		return;
	ovf_add(sc->ld, sc->file, sc->line);
}

static const char *skip_float(const char *p)
{
	for (;; p++) {
		if (*p == 'e' || *p == 'E')
			p += p[1] == '-' || p[1] == '+';
		else if (!isdigit((unsigned char)*p) && *p != '.')
			return p;
	}
}

static void scan_number(struct scan *sc)
{
	const char *s = sc->p, *p = s + (*s == '-' || *s == '+');
	bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		   isxdigit((unsigned char)p[2]);

	p += hex ? 2 : 0;
	while (hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p))
		p++;
	if (!hex && (*p == '.' || *p == 'e' || *p == 'E')) {
		sc->p = skip_float(p);
		return;
	}
	if (sc->values)
		check_integer(sc, s, (int)(p - s), hex, *p == 'L');
	while (*p == 'L')
		p++;
	sc->p = p;
}

static bool starts_number(const char *p)
{
	p += *p == '-' || *p == '+';
	p += *p == '.';
	return isdigit((unsigned char)*p);
}

static size_t name_length(const char *p)
{
	size_t n = 1;

	while (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_' ||
	       p[n] == '*')
		n++;
	return n;
}

/* Scans one file's text; -1 when an @include cannot be read. */
static int scan_text(struct loader *ld, const char *file, const char *text,
		     int depth, bool values)
{
	struct scan sc = {ld, file, text, 1, depth, values, 0};
	bool bol = true; /* only blanks since the line began */

	file_rank(ld, file);
	while (*sc.p != '\0' && !ld->too_deep) {
		char c = *sc.p;
		bool at_bol = bol;

		bol = c == '\n' || (bol && (c == ' ' || c == '\t'));
		if (c == '\n') {
			sc.line++;
			sc.p++;
		} else if (c == '#' || (c == '/' && sc.p[1] == '/'))
			sc.p += strcspn(sc.p, "\n");
		else if (c == '/' && sc.p[1] == '*')
			scan_comment(&sc);
		else if (c == '"')
			scan_string(&sc);
		else if (c == '@' && at_bol &&
			 strncmp(sc.p, "@include", 8) == 0)
			scan_include(&sc);
		else if (isalpha((unsigned char)c) || c == '*')
			sc.p += name_length(sc.p);
		else if (starts_number(sc.p))
			scan_number(&sc);
		else
			sc.p++;
	}
	return sc.rc;
}

/* ---- Settings ---------------------------------------------------------- */

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

static bool in_names(const char *const *names, const char *name)
{
	for (size_t k = 0; names[k] != NULL; k++)
		if (strcmp(names[k], name) == 0)
			return true;
	return false;
}

/* The allowed name nearest to name, within 2 edits; NULL if none. */
static const char *nearest(const char *const *names, const char *name)
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

static void report_unknown(struct loader *ld, const config_setting_t *s,
			   const struct section *sec)
{
	const char *name = config_setting_name(s);
	const char *hint = nearest(sec->names, name);

	for (int i = 0; i < SEC_COUNT; i++) {
		if (&sections[i] != sec && in_names(sections[i].names, name)) {
			fail(ld, s, CONF_ERR_UNKNOWN,
			     "unknown setting '%s'%s: it is %s", name, sec->in,
			     sections[i].what);
			return;
		}
	}
	if (hint != NULL)
		fail(ld, s, CONF_ERR_UNKNOWN,
		     "unknown setting '%s'%s (did you mean '%s'?)", name,
		     sec->in, hint);
	else
		fail(ld, s, CONF_ERR_UNKNOWN, "unknown setting '%s'%s", name,
		     sec->in);
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

static const char *type_name(const config_setting_t *s)
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
	if (ovf_has(ld, s))
		return -1;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		fail(ld, s, CONF_ERR_RANGE,
		     "'%s' = %lld is out of range %lld..%lld", name, v, min,
		     max);
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
	else if (is_int(s) && !ovf_has(ld, s))
		v = (double)config_setting_get_int64(s);
	else if (is_int(s))
		return -1;
	else {
		fail(ld, s, CONF_ERR_TYPE,
		     "'%s' must be a number of seconds, not %s", name,
		     type_name(s));
		return -1;
	}
	if (!(v >= min && v <= max)) {
		fail(ld, s, CONF_ERR_RANGE,
		     "'%s' = %g is out of range %g..%g seconds", name, v, min,
		     max);
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
		fail(ld, s, CONF_ERR_TYPE, "'%s' must be a string, not %s",
		     name, type_name(s));
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
	const char *v, *hint;

	if (read_string(ld, group, name, &s, &v) < 0)
		return -1;
	if (v == NULL)
		return dflt;
	for (int i = 0; choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0)
			return i;
	if ((hint = nearest(choices, v)) != NULL)
		fail(ld, s, CONF_ERR_VALUE,
		     "'%s' = \"%s\" is not one of %s (did you mean \"%s\"?)",
		     name, v, allowed, hint);
	else
		fail(ld, s, CONF_ERR_VALUE, "'%s' = \"%s\" is not one of %s",
		     name, v, allowed);
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* ---- listen = "HOST:PORT" ---------------------------------------------- */

/* Splits s into host (copied) and the port text; *v6 if it was [bracketed]. */
static int split_listen(const char *s, char *host, size_t hostlen,
			const char **port, bool *v6, char *err, size_t errlen)
{
	const char *h = s, *end;

	*v6 = s[0] == '[';
	if (*v6) {
		h = s + 1;
		end = strchr(h, ']');
		if (end == NULL || end[1] != ':') {
			snprintf(err, errlen, "expected \"[IPV6]:PORT\"");
			return -1;
		}
		*port = end + 2;
	} else if ((end = strrchr(s, ':')) == NULL) {
		snprintf(err, errlen, "expected \"HOST:PORT\" (missing port)");
		return -1;
	} else
		*port = end + 1;
	if (end == h || (size_t)(end - h) >= hostlen) {
		snprintf(err, errlen,
			 end == h ? "missing host (\"*:PORT\" is "
				    "every IPv4 address)"
				  : "host is too long");
		return -1;
	}
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	return 0;
}

/* Returns the port in 1..65535, or -1 with the reason in err. */
static long parse_port(const char *s, char *err, size_t errlen)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		snprintf(err, errlen, "port must be a number in 1..65535");
		return -1;
	}
	return port;
}

static int fill_v6(const char *host, long port, struct sockaddr_storage *addr,
		   socklen_t *addrlen, char *err, size_t errlen)
{
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

static int fill_v4(const char *host, long port, struct sockaddr_storage *addr,
		   socklen_t *addrlen, char *err, size_t errlen)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;

	if (strcmp(host, "*") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
		if (strchr(host, ':') != NULL)
			snprintf(err, errlen,
				 "an IPv6 address goes in brackets: "
				 "\"[%s]:%ld\"",
				 host, port);
		else
			snprintf(err, errlen,
				 "'%s' is not an IPv4 address, [IPv6 "
				 "address], * or localhost",
				 host);
		return -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*addrlen = sizeof(*a4);
	return 0;
}

int conf_parse_listen(const char *s, struct sockaddr_storage *addr,
		      socklen_t *addrlen, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_s;
	long port;
	bool v6;

	memset(addr, 0, sizeof(*addr));
	if (split_listen(s, host, sizeof(host), &port_s, &v6, err, errlen) <
		0 ||
	    (port = parse_port(port_s, err, errlen)) < 0)
		return -1;
	return v6 ? fill_v6(host, port, addr, addrlen, err, errlen)
		  : fill_v4(host, port, addr, addrlen, err, errlen);
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

/* ---- http = { ... } ---------------------------------------------------- */

static void check_root(struct loader *ld, const config_setting_t *s,
		       const char *root)
{
	struct stat st;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fail(ld, s, CONF_ERR_ROOT,
		     "'root' = \"%s\" is not a readable directory: %s", root,
		     strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    faccessat(fd, ".", R_OK | X_OK, AT_EACCESS) < 0)
		fail(ld, s, CONF_ERR_ROOT,
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

	read_string(ld, g, "response", &rs, &response);
	read_string(ld, g, "root", &ts, &root);
	if (response != NULL && root != NULL)
		fail(ld, ts, CONF_ERR_EXCLUSIVE,
		     "'response' and 'root' exclude each other: set exactly "
		     "one");
	else if (rs == NULL && ts == NULL)
		fail(ld, g, CONF_ERR_EXCLUSIVE,
		     "'http' needs one of 'response' or 'root'");
	if (root != NULL)
		check_root(ld, ts, root);
	if (response != NULL) {
		h->response = strdup(response);
		h->response_len = strlen(response);
	}
	h->root = dup_or_null(root);
}

static void read_http_strings(struct loader *ld, const config_setting_t *g,
			      struct http_conf *h)
{
	const config_setting_t *cs, *as;
	const char *ctype, *alog;

	if (read_string(ld, g, "content_type", &cs, &ctype) == 0 &&
	    ctype != NULL) {
		if (!valid_header_value(ctype))
			fail(ld, cs, CONF_ERR_VALUE,
			     "'content_type' must be a non-empty header value "
			     "without control characters");
		free(h->content_type);
		h->content_type = strdup(ctype);
	}
	if (read_string(ld, g, "access_log", &as, &alog) == 0 && alog != NULL) {
		if (*alog == '\0')
			fail(ld, as, CONF_ERR_VALUE,
			     "'access_log' must be a file name, not empty");
		h->access_log = strdup(alog);
	}
}

static void read_http_limits(struct loader *ld, const config_setting_t *g,
			     struct http_conf *h)
{
	long long max_body = LONG_MAX < (1LL << 40) ? LONG_MAX : 1LL << 40;
	long long v;

	read_seconds(ld, g, "keepalive_timeout", 0, 3600,
		     &h->keepalive_timeout);
	read_seconds(ld, g, "header_timeout", 0.001, 3600, &h->header_timeout);
	v = h->max_header_size;
	if (read_int(ld, g, "max_header_size", 256, 1048576, &v) == 0)
		h->max_header_size = (long)v;
	v = h->max_body_size;
	if (read_int(ld, g, "max_body_size", 0, max_body, &v) == 0)
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
		fail(ld, lsn, CONF_ERR_MISSING,
		     "an http listener needs an 'http' group with 'response' "
		     "or 'root'");
		return;
	}
	if (!config_setting_is_group(g)) {
		fail(ld, g, CONF_ERR_TYPE,
		     "'http' must be a group { ... }, not %s", type_name(g));
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

	if (read_string(ld, g, name, &s, &v) == 0 && v == NULL)
		fail(ld, g, CONF_ERR_MISSING, "listener has no '%s'", name);
	return v;
}

static void read_name_listen(struct loader *ld, const config_setting_t *g,
			     struct listener_conf *l)
{
	const char *name, *listen;
	char err[128];

	if ((name = require_string(ld, g, "name")) != NULL) {
		if (!valid_name(name))
			fail(ld, config_setting_get_member(g, "name"),
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
			fail(ld, config_setting_get_member(g, "listen"),
			     CONF_ERR_LISTEN, "bad listen \"%s\": %s", listen,
			     err);
		}
	}
}

static void read_listener(struct loader *ld, const config_setting_t *g,
			  struct listener_conf *l)
{
	static const char *const modes[] = {"echo", "http", NULL};
	static const char *const triggers[] = {"edge", "level", NULL};
	const config_setting_t *http = config_setting_get_member(g, "http");
	long long backlog = 511;
	int mode;

	l->line = (int)config_setting_source_line(g);
	l->trigger = TRIGGER_EDGE;
	l->idle_timeout = 60.0;
	l->send_timeout = 60.0;
	check_known(ld, g, &sections[SEC_LISTENER]);
	read_name_listen(ld, g, l);
	mode = read_choice(ld, g, "mode", modes, "echo, http", -2);
	if (mode == -2)
		fail(ld, g, CONF_ERR_MISSING,
		     "listener has no 'mode' (echo or http)");
	l->mode = mode == MODE_HTTP ? MODE_HTTP : MODE_ECHO;
	if (read_choice(ld, g, "trigger", triggers, "edge, level", 0) == 1)
		l->trigger = TRIGGER_LEVEL;
	if (read_int(ld, g, "backlog", 1, 65535, &backlog) == 0)
		l->backlog = (int)backlog;
	read_seconds(ld, g, "idle_timeout", 0.001, 86400, &l->idle_timeout);
	read_seconds(ld, g, "send_timeout", 0.001, 86400, &l->send_timeout);
	if (mode == MODE_HTTP)
		read_http(ld, g, &l->http);
	else if (mode == MODE_ECHO && http != NULL)
		fail(ld, http, CONF_ERR_VALUE,
		     "'http' settings are only for mode = \"http\"");
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
	const char *fa = setting_file(ld, a);
	unsigned line = config_setting_source_line(a);

	if (strcmp(fa, setting_file(ld, b)) == 0)
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
		fail(ld, bs, CONF_ERR_DUPLICATE,
		     "duplicate listener name \"%s\" (first at %s)", b->name,
		     place(ld, as, bs, where, sizeof(where)));
		*dup_name = true;
	}
	if (!*dup_addr && a->addrlen && b->addrlen && conf_same_address(a, b)) {
		as = listener_setting(list, j, "listen");
		bs = listener_setting(list, i, "listen");
		fail(ld, bs, CONF_ERR_DUPLICATE,
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
		fail(ld, NULL, CONF_ERR_MISSING,
		     "no 'listeners' list: nothing to serve");
		return;
	}
	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		fail(ld, list, CONF_ERR_TYPE,
		     "'listeners' must be a list ( { ... }, ... ), not %s",
		     type_name(list));
		return;
	}
	if ((n = config_setting_length(list)) == 0) {
		fail(ld, list, CONF_ERR_MISSING,
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
			fail(ld, g, CONF_ERR_TYPE,
			     "each listener must be a group { ... }, not %s",
			     type_name(g));
	}
	check_duplicates(ld, list, c);
}

/* ---- Top-level settings ------------------------------------------------ */

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

static void read_workers(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "workers");
	long long v = 1;

	if (s != NULL && config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "auto") != 0) {
			fail(ld, s, CONF_ERR_VALUE,
			     "'workers' = \"%s\" is neither an integer >= 1 "
			     "nor \"auto\"",
			     config_setting_get_string(s));
			return;
		}
		c->workers_auto = true;
		c->workers = cpu_count();
		return;
	}
	if (s != NULL && !is_int(s)) {
		fail(ld, s, CONF_ERR_TYPE,
		     "'workers' must be an integer >= 1 or \"auto\", not %s",
		     type_name(s));
		return;
	}
	if (read_int(ld, root, "workers", 1, MAX_WORKERS, &v) == 0)
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
			fail(ld, us, CONF_ERR_USER, "unknown user \"%s\"",
			     user);
		else {
			c->uid = pw->pw_uid;
			c->gid = pw->pw_gid;
		}
		c->user = strdup(user);
	}
	if (read_string(ld, root, "group", &gs, &group) == 0 && group != NULL) {
		struct group *gr = getgrnam(group);
		if (gr == NULL)
			fail(ld, gs, CONF_ERR_USER, "unknown group \"%s\"",
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
		fail(ld, s, CONF_ERR_TYPE,
		     "'seccomp' must be true or false, not %s", type_name(s));
	else
		c->seccomp = config_setting_get_bool(s);
}

static void read_globals(struct loader *ld, const config_setting_t *root,
			 struct conf *c)
{
	static const char *const levels[] = {"error", "warning", "notice",
					     "info",  "debug",	 NULL};
	long long maxconn = 10000;
	int level;

	c->workers = 1;
	c->shutdown_timeout = 10.0;
	c->worker_timeout = 30.0;
	c->max_connections = (int)maxconn;
	c->log_level = LOG_INFO;
	c->seccomp = true;
	check_known(ld, root, &sections[SEC_TOP]);
	read_workers(ld, root, c);
	read_identity(ld, root, c);
	read_seconds(ld, root, "shutdown_timeout", 0, 86400,
		     &c->shutdown_timeout);
	read_seconds(ld, root, "worker_timeout", 0, 86400, &c->worker_timeout);
	if (read_int(ld, root, "max_connections", 1, 10000000, &maxconn) == 0)
		c->max_connections = (int)maxconn;
	level = read_choice(ld, root, "log_level", levels,
			    "error, warning, notice, info, debug", 3);
	if (level >= 0)
		c->log_level = LOG_ERR + level;
	read_seccomp(ld, root, c);
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
		fail_at(ld, CONF_ERR_IO, file, line, "%s", text);
	else if (strcmp(text, "syntax error") == 0)
		fail_at(ld, CONF_ERR_SYNTAX, file, line, "syntax error");
	else
		fail_at(ld, CONF_ERR_SYNTAX, file, line, "syntax error: %s",
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
	scan_text(ld, ld->path, text, 0, true);
	out->path = strdup(ld->path);
	read_globals(ld, config_root_setting(cfg), out);
	read_listeners(ld, config_root_setting(cfg), out);
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
	if (text == NULL && (text = owned = read_text(path, &why)) == NULL)
		fail_at(&ld, CONF_ERR_IO, path, 0, "cannot read: %s", why);
	else if (scan_text(&ld, path, text, 0, false) == 0)
		parse(&ld, &cfg, text, out);
	config_destroy(&cfg);
	free(owned);
	if (ld.nfail > 0)
		conf_free(out);
	errs_sort(errs, ld.first);
	for (unsigned i = 0; i < ld.nfiles; i++)
		free(ld.files[i]);
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
