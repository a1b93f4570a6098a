/* kvsync.h - the kvsync module's internal map: settings, tokens, requests,
 * storage. Nothing here is part of the preforkd ABI. */
#ifndef KVSYNC_H
#define KVSYNC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define KVSYNC_HALF	   16  /* hex digits of the token before and after */
#define KVSYNC_TAG	   16  /* bytes of HMAC-SHA256 kept (32 hex digits) */
#define KVSYNC_KEY_MIN	   32  /* bytes of key at least */
#define KVSYNC_KEY_MAX	   256 /* bytes of key at most */
#define KVSYNC_PAGE_ROWS   100 /* rows per since answer at most */
#define KVSYNC_PAGE_BYTES  (256 * 1024) /* stored value bytes per answer */
#define KVSYNC_BATCH_PAGES 10		/* since answers computed per job */
#define KVSYNC_BATCH_BYTES (2 * 1024 * 1024)
#define KVSYNC_KEY_LEN_MAX 1024 /* bytes of a row key */

/* kvsync_conf.c: the listener's module.settings, read in the master. */
struct kvsync_conf {
	char *db;		     /* database path */
	uint8_t key[KVSYNC_KEY_MAX]; /* HMAC key */
	size_t keylen;
	char *names;			/* storage of the two lists below */
	const char **clients, **tables; /* NULL-terminated */
	int64_t busy_ms;		/* SQLite busy timeout */
	int sync_full;			/* synchronous=FULL (else NORMAL) */
};
struct pfd_host;
struct pfd_cfg;
int kvsync_conf_read(const struct pfd_host *h, const struct pfd_cfg *g,
		     struct kvsync_conf **out);
void kvsync_conf_free(struct kvsync_conf *cf);
int kvsync_conf_has(const char *const *list, const char *name);

/* kvsync_token.c: HMAC-SHA256 truncated to 128 bits, in hex around the
 * payload. Pure over (buf, len). */
int kvsync_token_sign(const uint8_t *key, size_t keylen, const char *p,
		      size_t len, char head[KVSYNC_HALF],
		      char tail[KVSYNC_HALF]);
int kvsync_token_check(const uint8_t *key, size_t keylen, const char *msg,
		       size_t len, const char **payload, size_t *plen);
int kvsync_token_hex(const char *hex, size_t n, uint8_t *out);

/* kvsync_req.c: the JSON requests and answers. */
enum kvsync_op { KVSYNC_PUT, KVSYNC_GET, KVSYNC_SINCE };
struct kvsync_req {
	json_t *root; /* owns every pointer below */
	enum kvsync_op op;
	const char *client, *table, *key;
	size_t keylen;
	json_t *value, *id; /* id: NULL when the client sent none */
	json_int_t version;
};
int kvsync_req_parse(const char *buf, size_t len, const struct kvsync_conf *cf,
		     struct kvsync_req *r, const char **err);
void kvsync_req_clear(struct kvsync_req *r);
json_t *kvsync_req_answer(const struct kvsync_req *r, const char *err);

/* kvsync_db.c: SQLite, one connection per thread. */
enum kvsync_dbres {
	KVSYNC_DB_OK,
	KVSYNC_DB_NOTFOUND,
	KVSYNC_DB_BUSY,
	KVSYNC_DB_ERROR
};
struct kvsync_store;
struct kvsync_conn;
struct kvsync_page {
	json_t *rows;	 /* [{"key", "value", "version"}...] */
	json_int_t last; /* version of the last row, or where it started */
};
int kvsync_store_open(const struct kvsync_conf *cf, struct kvsync_store **out,
		      char *err, size_t errlen);
void kvsync_store_close(struct kvsync_store *s);
struct kvsync_conn *kvsync_store_conn(struct kvsync_store *s);
enum kvsync_dbres kvsync_db_put(struct kvsync_conn *k, const char *table,
				const char *key, size_t keylen, const char *val,
				size_t vallen, json_int_t *version);
enum kvsync_dbres kvsync_db_get(struct kvsync_conn *k, const char *table,
				const char *key, size_t keylen, json_t **val,
				json_int_t *version);
enum kvsync_dbres kvsync_db_since(struct kvsync_conn *k, const char *table,
				  json_int_t after,
				  struct kvsync_page pages[KVSYNC_BATCH_PAGES],
				  int *npages, int *more);
const char *kvsync_db_error(const struct kvsync_conn *k);

#endif
