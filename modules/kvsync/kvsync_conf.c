/* kvsync_conf.c - reads the listener's module.settings (db, key, clients,
 * tables, busy_timeout, synchronous) into a struct kvsync_conf. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <preforkd/handler.h>

#include "kvsync.h"

#define NAME_MAX_LEN 64

static int name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
}

/* Splits "a, b,c" in place into names (NULs written over the commas) and
 * returns a NULL-terminated array of pointers into s, or NULL with *why set:
 * an empty item, a bad character, a name too long or given twice. */
static const char **conf_split(char *s, const char **why)
{
	size_t n = 1, i = 0;
	const char **list;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	list = calloc(n + 1, sizeof(*list));
	if (!list) {
		*why = "out of memory";
		return NULL;
	}
	for (char *item = s, *end; item; item = end) {
		end = strchr(item, ',');
		if (end)
			*end++ = '\0';
		item += strspn(item, " \t");
		size_t len = strcspn(item, " \t");
		if (item[len + strspn(item + len, " \t")] != '\0') {
			*why = "a name holds a space (names are separated by "
			       "commas)";
			goto fail;
		}
		item[len] = '\0';
		if (len == 0 || len > NAME_MAX_LEN) {
			*why = "every name is 1 to 64 characters";
			goto fail;
		}
		for (size_t k = 0; k < len; k++)
			if (!name_char(item[k])) {
				*why =
				    "names are letters, digits, '_', '-', '.'";
				goto fail;
			}
		if (kvsync_conf_has(list, item)) {
			*why = "a name is given twice";
			goto fail;
		}
		list[i++] = item;
	}
	return list;
fail:
	free(list);
	return NULL;
}

/* Returns 1 if name is in the NULL-terminated list, else 0. */
int kvsync_conf_has(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static int conf_key(const struct pfd_host *h, const struct pfd_cfg *g,
		    struct kvsync_conf *cf)
{
	const char *hex;
	size_t n;

	if (h->cfg_str(g, "key", &hex) < 0) {
		h->cfg_error(g, "key", "missing: the shared HMAC key, in hex");
		return -1;
	}
	n = strlen(hex);
	if (n % 2 || n / 2 < KVSYNC_KEY_MIN || n / 2 > KVSYNC_KEY_MAX) {
		h->cfg_error(g, "key",
			     "must be 64 to 512 hex digits (32 to 256 bytes)");
		return -1;
	}
	if (kvsync_token_hex(hex, n / 2, cf->key) < 0) {
		h->cfg_error(g, "key", "must be hex digits only");
		return -1;
	}
	cf->keylen = n / 2;
	return 0;
}

/* Reads both name lists into one buffer cf->names. */
static int conf_lists(const struct pfd_host *h, const struct pfd_cfg *g,
		      struct kvsync_conf *cf)
{
	const char *clients, *tables, *why = NULL;
	size_t nc;

	if (h->cfg_str(g, "clients", &clients) < 0) {
		h->cfg_error(g, "clients",
			     "missing: the client ids served, "
			     "as \"a,b,c\"");
		return -1;
	}
	if (h->cfg_str(g, "tables", &tables) < 0) {
		h->cfg_error(g, "tables",
			     "missing: the tables served, as "
			     "\"users,orders\"");
		return -1;
	}
	nc = strlen(clients) + 1;
	cf->names = malloc(nc + strlen(tables) + 1);
	if (!cf->names) {
		h->cfg_error(g, "clients", "out of memory");
		return -1;
	}
	memcpy(cf->names, clients, nc);
	strcpy(cf->names + nc, tables);
	cf->clients = conf_split(cf->names, &why);
	if (!cf->clients) {
		h->cfg_error(g, "clients", why);
		return -1;
	}
	cf->tables = conf_split(cf->names + nc, &why);
	if (!cf->tables) {
		h->cfg_error(g, "tables", why);
		return -1;
	}
	return 0;
}

static int conf_tuning(const struct pfd_host *h, const struct pfd_cfg *g,
		       struct kvsync_conf *cf)
{
	const char *sync;

	cf->busy_ms = 5000;
	if (h->cfg_int(g, "busy_timeout", &cf->busy_ms) == 0 &&
	    (cf->busy_ms < 0 || cf->busy_ms > 600000)) {
		h->cfg_error(g, "busy_timeout",
			     "must be 0 to 600000 milliseconds");
		return -1;
	}
	cf->sync_full = 1;
	if (h->cfg_str(g, "synchronous", &sync) == 0) {
		if (strcmp(sync, "normal") == 0)
			cf->sync_full = 0;
		else if (strcmp(sync, "full") != 0) {
			h->cfg_error(g, "synchronous",
				     "must be \"full\" or \"normal\"");
			return -1;
		}
	}
	return 0;
}

/* Reads and checks the settings group g. Returns 0 with *out owned by the
 * caller (kvsync_conf_free), or -1 after cfg_error said why. */
int kvsync_conf_read(const struct pfd_host *h, const struct pfd_cfg *g,
		     struct kvsync_conf **out)
{
	struct kvsync_conf *cf = calloc(1, sizeof(*cf));
	const char *db;

	if (!cf) {
		h->cfg_error(g, "db", "out of memory");
		return -1;
	}
	if (h->cfg_str(g, "db", &db) < 0 || db[0] == '\0') {
		h->cfg_error(g, "db", "missing: the SQLite database path");
		goto fail;
	}
	cf->db = strdup(db);
	if (!cf->db) {
		h->cfg_error(g, "db", "out of memory");
		goto fail;
	}
	if (conf_key(h, g, cf) < 0 || conf_lists(h, g, cf) < 0 ||
	    conf_tuning(h, g, cf) < 0)
		goto fail;
	*out = cf;
	return 0;
fail:
	kvsync_conf_free(cf);
	return -1;
}

/* Frees cf and what it owns, and wipes the key; NULL is a no-op. */
void kvsync_conf_free(struct kvsync_conf *cf)
{
	if (!cf)
		return;
	OPENSSL_cleanse(cf->key, sizeof(cf->key));
	free(cf->clients);
	free(cf->tables);
	free(cf->names);
	free(cf->db);
	free(cf);
}
