/* conf_scan.c - a pass over the raw text of a configuration file, for what
 * libconfig does not check: @include targets, integer overflow, "\x00",
 * unterminated comments and strings */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_impl.h"

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

#define MAX_INCLUDE_DEPTH 10 /* as libconfig */
#define MAX_FILE_SIZE	  (16L << 20)

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
char *conf_scan_read(const char *path, const char **why)
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
		conf_err_at(
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
		conf_err_at(sc->ld, CONF_ERR_VALUE, sc->file, line,
			    "a string cannot hold \\x00 (libconfig drops it)");
	if (sc->values && *sc->p == '\0')
		conf_err_at(sc->ld, CONF_ERR_SYNTAX, sc->file, line,
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
	if ((text = conf_scan_read(name, &why)) == NULL) {
		if (!sc->values)
			conf_err_at(sc->ld, CONF_ERR_IO, sc->file, sc->line,
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
		conf_err_at(sc->ld, CONF_ERR_RANGE, sc->file, sc->line,
			    "integer %.*s does not fit in 64 bits", len, s);
	else if (big32 && !suffix_l && INT_LITERAL_32_BITS)
		conf_err_at(
		    sc->ld, CONF_ERR_RANGE, sc->file, sc->line,
		    "integer %.*s does not fit in 32 bits: write %.*sL for "
		    "a 64-bit integer",
		    len, s, len, s);
	else
		return;
	conf_err_overflow_add(sc->ld, sc->file, sc->line);
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

	conf_err_rank(ld, file); /* files rank in the order scanned */
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

/*
 * Scans the text of the loaded file and, through its @includes, of every
 * file it includes. Returns -1 when an @include cannot be read.
 */
int conf_scan_text(struct loader *ld, const char *text, bool values)
{
	return scan_text(ld, ld->path, text, 0, values);
}
