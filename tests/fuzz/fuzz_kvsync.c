/* fuzz_kvsync.c - libFuzzer target for the kvsync module: each input is a
 * request payload (signed here, so it gets past the token) or, when its
 * first byte is odd, a raw message; every answer must carry a good token,
 * be a JSON object with a boolean "ok", and a since must end once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fakehost.h" /* modules/kvsync */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

#define KEY_HEX                                                                \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define RESET_EVERY 500 /* inputs per fresh database */

static const struct pfd_handler *kv;
static void *conf, *worker;
static char dir[64], db[128];
static unsigned inputs;
static const unsigned char key[32] = {
    0,	1,  2,	3,  4,	5,  6,	7,  8,	9,  10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

static void tag(const char *p, size_t n, unsigned char out[16])
{
	unsigned char md[32];
	unsigned int len = 0;

	CHECK(HMAC(EVP_sha256(), key, 32, (const unsigned char *)p, n, md,
		   &len) != NULL);
	memcpy(out, md, 16);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void db_remove(void)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char path[160];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
		unlink(path);
	}
}

/* A fresh worker on a fresh database (the first time, the module too). */
static void kv_start(void)
{
	static const struct fake_setting set[] = {
	    {.key = "db", .str = db},
	    {.key = "key", .str = KEY_HEX},
	    {.key = "clients", .str = "a,b"},
	    {.key = "tables", .str = "t,u"},
	    {.key = "synchronous", .str = "normal"},
	    {.key = NULL}};
	struct pfd_cfg g = {.set = set};

	if (!kv) {
		const char *base =
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(dir, sizeof(dir), "%s/fuzz-kvsync.XXXXXX", base);
		CHECK(mkdtemp(dir) != NULL);
		snprintf(db, sizeof(db), "%s/kv.db", dir);
		kv = preforkd_handler_1(&fake_host);
		CHECK(kv != NULL);
		CHECK(kv->conf(&g, &conf) == 0);
	} else {
		kv->worker_exit(worker);
		db_remove();
	}
	CHECK(kv->worker_init(conf, &worker) == 0);
}

static void kv_atexit(void)
{
	if (!kv)
		return;
	kv->worker_exit(worker);
	kv->conf_free(conf);
	db_remove();
	rmdir(dir);
}

static void check_answers(const struct pfd_conn *c)
{
	int ends = 0;

	CHECK(c->nans >= 1);
	for (size_t i = 0; i < c->nans; i++) {
		const char *a = c->ans[i].buf;
		size_t n = c->ans[i].len;
		unsigned char t[16];
		char th[33];
		json_t *j, *ok;

		CHECK(n >= 32);
		tag(a + 16, n - 32, t);
		hex(t, 16, th);
		CHECK(memcmp(a, th, 16) == 0 &&
		      memcmp(a + n - 16, th + 16, 16) == 0);
		CHECK(memchr(a, '\r', n) == NULL && memchr(a, '\n', n) == NULL);
		j = json_loadb(a + 16, n - 32, 0, NULL);
		CHECK(json_is_object(j));
		ok = json_object_get(j, "ok");
		CHECK(json_is_boolean(ok));
		CHECK(json_is_true(ok) ||
		      json_is_string(json_object_get(j, "error")));
		CHECK(json_array_size(json_object_get(j, "rows")) <= 100);
		ends += json_is_true(json_object_get(j, "end"));
		CHECK(i + 1 == c->nans ||
		      !json_is_true(json_object_get(j, "end")));
		json_decref(j);
	}
	CHECK(ends <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfd_conn c = {0};
	char *msg;
	size_t len;

	if (!kv) {
		kv_start();
		atexit(kv_atexit);
	} else if (++inputs % RESET_EVERY == 0)
		kv_start();
	c.worker = worker; /* inline: defer refuses, as with threads = 0 */
	msg = malloc(size + 32 + 1);
	CHECK(msg != NULL);
	if (size > 0 && (data[0] & 1)) {
		memcpy(msg, data + 1, size - 1);
		len = size - 1;
	} else {
		unsigned char t[16];
		char th[33];
		const char *p = size ? (const char *)data + 1 : "";
		size_t n = size ? size - 1 : 0;
		tag(p, n, t);
		hex(t, 16, th);
		memcpy(msg, th, 16);
		memcpy(msg + 16, p, n);
		memcpy(msg + 16 + n, th + 16, 16);
		len = n + 32;
	}
	CHECK(kv->on_message(&c, msg, len) == PFD_OK);
	check_answers(&c);
	fake_conn_clear(&c);
	free(msg);
	return 0;
}
