/* conf_err.c - collects a load's FILE:LINE errors and orders them by file
 * and line */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/*
 * The rank of file among the files of this load, in order of appearance; a
 * file not seen before is added while there is room for it.
 */
unsigned conf_err_rank(struct loader *ld, const char *file)
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
	e->file = conf_err_rank(ld, file);
	n = line > 0 ? snprintf(e->msg, sizeof(e->msg), "%s:%d: ", file, line)
		     : snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	if (n >= 0 && n < (int)sizeof(e->msg))
		vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	/* Values may hold "\n" escapes: keep one error on one line. */
	for (char *p = e->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

void conf_errors_add(struct conf_errors *errs, enum conf_error_kind kind,
		     const char *file, int line, const char *fmt, ...)
{
	struct loader ld = {.path = file, .errs = errs, .first = errs->n};
	va_list ap;

	va_start(ap, fmt);
	errs_add(&ld, kind, file, line, fmt, ap);
	va_end(ap);
	for (unsigned i = 0; i < ld.nfiles; i++)
		free(ld.files[i]);
}

/* Records an error at FILE:LINE (no line when line is 0). */
void conf_err_at(struct loader *ld, enum conf_error_kind kind, const char *file,
		 int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_add(ld, kind, file, line, fmt, ap);
	va_end(ap);
}

/* The file that holds s, as messages name it. */
const char *conf_err_file(const struct loader *ld, const config_setting_t *s)
{
	const char *file = config_setting_source_file(s);

	return file != NULL ? file : ld->path;
}

/* Records an error at setting s (or without a line when s is NULL). */
void conf_err(struct loader *ld, const config_setting_t *s,
	      enum conf_error_kind kind, const char *fmt, ...)
{
	const char *file = ld->path;
	int line = 0;
	va_list ap;

	if (s != NULL) {
		line = (int)config_setting_source_line(s);
		file = conf_err_file(ld, s);
	}
	va_start(ap, fmt);
	errs_add(ld, kind, file, line, fmt, ap);
	va_end(ap);
}

/* Notes that the integer literal at FILE:LINE was reported as too large. */
void conf_err_overflow_add(struct loader *ld, const char *file, int line)
{
	if (ld->novf < MAX_OVERFLOWS) {
		ld->ovf[ld->novf].file = conf_err_rank(ld, file);
		ld->ovf[ld->novf++].line = line;
	}
}

/* Whether the integer literal of s was already reported as too large. */
bool conf_err_overflow_has(struct loader *ld, const config_setting_t *s)
{
	unsigned file = conf_err_rank(ld, conf_err_file(ld, s));
	int line = (int)config_setting_source_line(s);

	for (unsigned i = 0; i < ld->novf; i++)
		if (ld->ovf[i].file == file && ld->ovf[i].line == line)
			return true;
	return false;
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

/* Ends a load: orders its errors and frees its table of files. */
void conf_err_end(struct loader *ld)
{
	errs_sort(ld->errs, ld->first);
	for (unsigned i = 0; i < ld->nfiles; i++)
		free(ld->files[i]);
}

void conf_errors_free(struct conf_errors *errs)
{
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}
