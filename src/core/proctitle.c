/* proctitle.c - the process title that ps shows, written over argv as
 * nginx and OpenBSD's setproctitle do */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proctitle.h"

extern char **environ;

static struct {
	char *area;
	size_t len; /* bytes usable, including the final NUL */
} title;

/* Returns the end of the run of strings v[0..n) that follow each other in
 * memory, starting at end (one past the NUL of the previous string). */
static char *contiguous_end(char **v, size_t n, char *end)
{
	for (size_t i = 0; i < n && v[i] == end; i++)
		end = v[i] + strlen(v[i]) + 1;
	return end;
}

/* Moves the environment to the heap so its old memory can hold titles. */
static int move_environ(void)
{
	size_t n = 0;
	char **copy;

	while (environ[n] != NULL)
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (copy == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((copy[i] = strdup(environ[i])) == NULL)
			return -1; /* the partial copy is left unused */
	environ = copy;
	return 0;
}

void proctitle_init(int argc, char **argv)
{
	char *end;
	size_t nenv = 0;

	if (argc < 1 || argv == NULL || argv[0] == NULL || title.area != NULL)
		return;
	end = contiguous_end(argv, (size_t)argc, argv[0]);
	while (environ != NULL && environ[nenv] != NULL)
		nenv++;
	if (nenv > 0 && environ[0] == end) {
		char *env_end = contiguous_end(environ, nenv, end);
		if (move_environ() == 0)
			end = env_end;
	}
	title.area = argv[0];
	title.len = (size_t)(end - argv[0]);
	for (int i = 1; i < argc; i++)
		argv[i] = NULL; /* they now point into the title */
}

void proctitle_set(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (title.area == NULL || title.len < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(title.area, title.len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < title.len)
		memset(title.area + n, 0, title.len - (size_t)n);
}
