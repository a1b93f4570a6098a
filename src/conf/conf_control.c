/* conf_control.c - the `control = { socket; mode; }` group: where the
 * master's control socket lives and who may open it */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf_impl.h"

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

const char *const conf_control_names[] = {"socket", "mode", NULL};

/* "0600" and the like: 1 to 4 octal digits, at most 0777. Returns the
 * mode, or -1. */
static long parse_mode(const char *s)
{
	char *end;
	long v;

	if (s[0] == '\0' || strlen(s) > 4 || strspn(s, "01234567") != strlen(s))
		return -1;
	v = strtol(s, &end, 8);
	return *end == '\0' && v <= 0777 ? v : -1;
}

/* The folder of the configuration file, absolute: cwd joined with the
 * path's folder part. Returns a malloc'ed string, or NULL. */
static char *conf_folder(const char *conf_path)
{
	const char *slash = strrchr(conf_path, '/');
	size_t dlen = slash == NULL ? 0 : (size_t)(slash - conf_path);
	char cwd[PATH_MAX], *out;
	size_t n;

	if (conf_path[0] == '/') {
		out = strndup(conf_path, dlen == 0 ? 1 : dlen);
		return out;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	n = strlen(cwd) + 1 + dlen + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	if (dlen == 0)
		snprintf(out, n, "%s", cwd);
	else
		snprintf(out, n, "%s/%.*s", cwd, (int)dlen, conf_path);
	return out;
}

/* An absolute path: as written, or relative to the file's folder. */
static char *resolve(const char *conf_path, const char *sock)
{
	char *dir, *out;
	size_t n;

	if (sock[0] == '/')
		return strdup(sock);
	if ((dir = conf_folder(conf_path)) == NULL)
		return NULL;
	n = strlen(dir) + 1 + strlen(sock) + 1;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", sock);
	free(dir);
	return out;
}

static void read_socket(struct loader *ld, const config_setting_t *g,
			struct conf *c)
{
	const config_setting_t *s;
	const char *sock;

	if (conf_read_string(ld, g, "socket", &s, &sock) < 0)
		return;
	if (sock == NULL) {
		sock = PREFORKD_CONTROL_SOCKET;
		s = g;
	} else if (*sock == '\0' || sock[strlen(sock) - 1] == '/') {
		conf_err(ld, s, CONF_ERR_VALUE,
			 "'socket' must name a file, not \"%s\"", sock);
		return;
	}
	if ((c->control_socket = resolve(ld->path, sock)) == NULL) {
		conf_err(ld, s, CONF_ERR_IO,
			 "'socket' = \"%s\": cannot "
			 "resolve it against the working directory",
			 sock);
		return;
	}
	if (strlen(c->control_socket) > SUN_PATH_MAX)
		conf_err(ld, s, CONF_ERR_RANGE,
			 "'socket' = \"%s\" is %zu bytes long as an absolute "
			 "path; a socket path has at most %zu",
			 c->control_socket, strlen(c->control_socket),
			 SUN_PATH_MAX);
}

void conf_control_read(struct loader *ld, const config_setting_t *root,
		       struct conf *c)
{
	const config_setting_t *g = config_setting_get_member(root, "control");
	const config_setting_t *ms;
	const char *mode;
	long v;

	c->control_mode = 0600;
	if (g == NULL)
		return;
	if (!config_setting_is_group(g)) {
		conf_err(ld, g, CONF_ERR_TYPE,
			 "'control' must be a group { socket = \"PATH\"; "
			 "mode = \"0600\"; }, not %s",
			 conf_read_type_name(g));
		return;
	}
	read_socket(ld, g, c);
	if (conf_read_string(ld, g, "mode", &ms, &mode) < 0 || mode == NULL)
		return;
	if ((v = parse_mode(mode)) < 0)
		conf_err(ld, ms, CONF_ERR_VALUE,
			 "'mode' = \"%s\" must be octal permissions such as "
			 "\"0600\" or \"0660\" (at most \"0777\")",
			 mode);
	else
		c->control_mode = (unsigned)v;
}
