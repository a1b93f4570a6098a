/* test_kvsync.c - the kvsync module through its ABI, over a fake host:
 * settings errors, put/get/since, paging, and each error an answer. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fakehost.h"

#ifndef KVSYNC_SO
#define KVSYNC_SO "modules/kvsync/kvsync.so"
#endif

/* The known vector, also in test_client.py: key 00 01 .. 1f, and the token
 * that `openssl dgst -sha256 -mac HMAC -macopt hexkey:...` gives. */
#define KEY_HEX                                                                \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define VECTOR_PAYLOAD                                                         \
	"{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"k\"}"
#define VECTOR_MSG "40364b3fa5a273f7" VECTOR_PAYLOAD "037c8e1c62007e75"
#define OTHER_KEY_HEX                                                          \
	"ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const struct pfd_handler *kv;
static char dir[64], dbpath[128];

struct kvtest {
	void *conf, *worker;
	struct pfd_conn c;
};

/* ---- the test's own token code (libcrypto directly, not the module's) */

static void key_bytes(const char *hex, unsigned char *key)
{
	for (int i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &key[i]);
}

static void tag_hex(const char *keyhex, const char *p, size_t len, char out[33])
{
	unsigned char key[32], md[32];
	unsigned int mdlen = 0;

	key_bytes(keyhex, key);
	assert_non_null(HMAC(EVP_sha256(), key, 32, (const unsigned char *)p,
			     len, md, &mdlen));
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* A framed request: first 16 hex digits, payload, last 16. */
static char *frame(const char *keyhex, const char *payload, size_t *len)
{
	size_t n = strlen(payload);
	char tag[33], *m = malloc(n + 33);

	assert_non_null(m);
	tag_hex(keyhex, payload, n, tag);
	memcpy(m, tag, 16);
	memcpy(m + 16, payload, n);
	memcpy(m + 16 + n, tag + 16, 17);
	*len = n + 32;
	return m;
}

/* Answer i on c, its token checked with the test's own HMAC, as JSON. */
static json_t *answer_on(struct pfd_conn *c, size_t i)
{
	struct fake_answer *a;
	char tag[33];
	json_t *j;

	assert_true(i < c->nans);
	a = &c->ans[i];
	assert_true(a->len > 32);
	tag_hex(KEY_HEX, a->buf + 16, a->len - 32, tag);
	assert_memory_equal(a->buf, tag, 16);
	assert_memory_equal(a->buf + a->len - 16, tag + 16, 16);
	j = json_loadb(a->buf + 16, a->len - 32, 0, NULL);
	assert_non_null(j);
	return j;
}

static json_t *answer(struct kvtest *t, size_t i)
{
	return answer_on(&t->c, i);
}

/* Sends payload (framed with keyhex) and returns its one answer. */
static json_t *ask_key(struct kvtest *t, const char *keyhex,
		       const char *payload)
{
	size_t len, before = t->c.nans;
	char *m = frame(keyhex, payload, &len);

	assert_int_equal(fake_message(kv, &t->c, m, len), PFD_OK);
	free(m);
	assert_int_equal(t->c.nans, before + 1);
	return answer(t, before);
}

static json_t *ask(struct kvtest *t, const char *fmt, ...)
{
	char payload[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(payload, sizeof(payload), fmt, ap);
	va_end(ap);
	return ask_key(t, KEY_HEX, payload);
}

static void assert_error(json_t *a, const char *code)
{
	assert_true(json_is_false(json_object_get(a, "ok")));
	assert_string_equal(json_string_value(json_object_get(a, "error")),
			    code);
}

static json_int_t put(struct kvtest *t, const char *table, const char *key,
		      const char *value)
{
	json_t *a = ask(t,
			"{\"client\":\"a\",\"op\":\"put\",\"table\":\"%s\","
			"\"key\":\"%s\",\"value\":%s}",
			table, key, value);
	json_int_t v;

	assert_true(json_is_true(json_object_get(a, "ok")));
	v = json_integer_value(json_object_get(a, "version"));
	assert_true(v > 0);
	json_decref(a);
	return v;
}

/* ---- fixtures: a fresh database per test */

static struct fake_setting settings_ok[] = {
    {.key = "db", .str = dbpath},
    {.key = "key", .str = KEY_HEX},
    {.key = "clients", .str = "a, b,c"},
    {.key = "tables", .str = "t,users,orders"},
    {.key = "synchronous", .str = "normal"}, /* FULL is the default */
    {.key = "busy_timeout", .num = 2000},
    {.key = NULL},
};

static int kv_setup_with(void **state, int pool, int64_t busy_ms)
{
	struct kvtest *t = calloc(1, sizeof(*t));
	struct pfd_cfg g = {.set = settings_ok};

	settings_ok[5].num = busy_ms; /* busy_timeout */
	snprintf(dir, sizeof(dir), "/tmp/kvsync-test.XXXXXX");
	if (!t || !mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/kv.db", dir);
	if (kv->conf(&g, &t->conf) < 0 ||
	    kv->worker_init(t->conf, &t->worker) < 0)
		return -1;
	t->c.worker = t->worker;
	t->c.pool = pool;
	*state = t;
	return 0;
}

static int kv_setup(void **state, int pool)
{
	return kv_setup_with(state, pool, 2000);
}

static int kv_setup_busy(void **state)
{
	return kv_setup_with(state, 1, 100);
}

static int kv_setup_pool(void **state)
{
	return kv_setup(state, 1);
}

static int kv_setup_inline(void **state)
{
	return kv_setup(state, 0);
}

static int kv_teardown(void **state)
{
	struct kvtest *t = *state;
	char path[160];

	kv->worker_exit(t->worker);
	kv->conf_free(t->conf);
	fake_conn_clear(&t->c);
	free(t);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath,
			 (const char *[]){"", "-wal", "-shm"}[i]);
		unlink(path);
	}
	return rmdir(dir);
}

/* ---- settings */

struct conf_case {
	const char *name;
	const char *key, *str; /* the setting changed (str NULL: removed) */
	int64_t num;
	int is_int;
	const char *errkey; /* NULL: accepted */
};

static const struct conf_case conf_cases[] = {
    {"all settings good", "tables", "t,users", .errkey = NULL},
    {"db missing", "db", NULL, .errkey = "db"},
    {"db empty", "db", "", .errkey = "db"},
    {"key missing", "key", NULL, .errkey = "key"},
    {"key of 31 bytes is too short", "key",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     .errkey = "key"},
    {"key of an odd number of digits", "key", KEY_HEX "0", .errkey = "key"},
    {"key with a non-hex digit", "key",
     "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
     .errkey = "key"},
    {"key as upper-case hex is fine", "key",
     "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
     .errkey = NULL},
    {"clients missing", "clients", NULL, .errkey = "clients"},
    {"clients with an empty name", "clients", "a,,b", .errkey = "clients"},
    {"clients with a name twice", "clients", "a,b,a", .errkey = "clients"},
    {"clients with a space inside a name", "clients", "a b",
     .errkey = "clients"},
    {"tables missing", "tables", NULL, .errkey = "tables"},
    {"tables with a bad character", "tables", "t;drop", .errkey = "tables"},
    {"tables empty", "tables", "", .errkey = "tables"},
    {"busy_timeout negative", "busy_timeout", .num = -1, .is_int = 1,
     .errkey = "busy_timeout"},
    {"busy_timeout too large", "busy_timeout", .num = 600001, .is_int = 1,
     .errkey = "busy_timeout"},
    {"synchronous off is refused", "synchronous", "off",
     .errkey = "synchronous"},
    {"synchronous full", "synchronous", "full", .errkey = NULL},
};

static void test_conf_table(void **state)
{
	snprintf(dbpath, sizeof(dbpath), "/nonexistent/kv.db"); /* not opened */
	for (size_t i = 0; i < sizeof(conf_cases) / sizeof(conf_cases[0]);
	     i++) {
		const struct conf_case *cc = &conf_cases[i];
		struct fake_setting set[8];
		struct pfd_cfg g = {.set = set};
		void *conf = NULL;
		size_t n = 0;
		int rc;

		for (const struct fake_setting *s = settings_ok; s->key; s++) {
			if (strcmp(s->key, cc->key) != 0)
				set[n++] = *s;
			else if (cc->str || cc->is_int)
				set[n++] = (struct fake_setting){
				    cc->key, cc->str, cc->num};
		}
		set[n].key = NULL;
		print_message("  conf: %s\n", cc->name);
		rc = kv->conf(&g, &conf);
		if (!cc->errkey) {
			assert_int_equal(rc, 0);
			assert_string_equal(g.errkey, "");
			kv->conf_free(conf);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(g.errkey, cc->errkey);
			assert_true(strlen(g.errwhy) > 0);
		}
	}
}

static void test_abi_head(void **state)
{
	assert_int_equal(kv->abi_major, PFD_ABI_MAJOR);
	assert_int_equal(kv->size, sizeof(struct pfd_handler));
	assert_string_equal(kv->name, "kvsync");
	assert_non_null(kv->on_message);
	assert_null(kv->on_bytes); /* framing is the core's */
}

/* A host older than the calls kvsync uses (a smaller struct) is refused;
 * the module stays usable with the full host. */
static void test_refuses_a_short_host(void **state)
{
	const char *so = getenv("KVSYNC_SO") ? getenv("KVSYNC_SO") : KVSYNC_SO;
	void *h = dlopen(so, RTLD_NOW | RTLD_NOLOAD);
	const struct pfd_handler *(*entry)(const struct pfd_host *);
	struct pfd_host old = fake_host;

	assert_non_null(h);
	*(void **)&entry = dlsym(h, "preforkd_handler_1");
	assert_non_null(entry);
	old.size = offsetof(struct pfd_host, log);
	assert_null(entry(&old));
	assert_null(entry(NULL));
	assert_ptr_equal(entry(&fake_host), kv);
	dlclose(h);
}

/* ---- requests */

static void test_known_vector_is_accepted(void **state)
{
	struct kvtest *t = *state;
	json_t *a;

	assert_int_equal(
	    fake_message(kv, &t->c, VECTOR_MSG, strlen(VECTOR_MSG)), PFD_OK);
	a = answer(t, 0);
	assert_error(a, "not_found"); /* past the token: the tag matched */
	json_decref(a);
}

static void test_put_then_get(void **state)
{
	struct kvtest *t = *state;
	json_int_t v1, v2;
	json_t *a;

	v1 = put(t, "users", "alice", "{\"age\":30,\"tags\":[\"x\"]}");
	a = ask(t, "{\"client\":\"b\",\"op\":\"get\",\"table\":\"users\","
		   "\"key\":\"alice\",\"id\":7}");
	assert_true(json_is_true(json_object_get(a, "ok")));
	assert_string_equal(json_string_value(json_object_get(a, "op")), "get");
	assert_int_equal(json_integer_value(json_object_get(a, "id")), 7);
	assert_int_equal(json_integer_value(json_object_get(a, "version")), v1);
	json_t *want = json_loads("{\"age\":30,\"tags\":[\"x\"]}", 0, NULL);
	assert_true(json_equal(json_object_get(a, "value"), want));
	json_decref(want);
	json_decref(a);

	v2 = put(t, "users", "alice", "\"replaced\"");
	assert_true(v2 > v1);
	a = ask(t, "{\"client\":\"c\",\"op\":\"get\",\"table\":\"users\","
		   "\"key\":\"alice\",\"id\":\"r-1\"}");
	assert_string_equal(json_string_value(json_object_get(a, "value")),
			    "replaced");
	assert_string_equal(json_string_value(json_object_get(a, "id")), "r-1");
	json_decref(a);
}

static void test_values_of_every_json_type(void **state)
{
	static const char *const values[] = {
	    "null",	      "true", "-12", "3.5",
	    "\"\\u00e9\\n\"", "[]",   "{}",  "[1,{\"a\":null}]"};
	struct kvtest *t = *state;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%zu", i);
		put(t, "t", key, values[i]);
		json_t *a = ask(t,
				"{\"client\":\"a\",\"op\":\"get\","
				"\"table\":\"t\",\"key\":\"%s\"}",
				key);
		json_t *want = json_loads(values[i], JSON_DECODE_ANY, NULL);
		assert_true(json_equal(json_object_get(a, "value"), want));
		json_decref(want);
		json_decref(a);
	}
}

static void test_versions_are_per_table(void **state)
{
	struct kvtest *t = *state;

	assert_int_equal(put(t, "users", "a", "1"), 1);
	assert_int_equal(put(t, "orders", "a", "1"), 1);
	assert_int_equal(put(t, "users", "b", "1"), 2);
	assert_int_equal(put(t, "users", "a", "2"), 3);
}

/* since over n rows: the answers, each at most 100 rows, with "end" true
 * on the last only and versions rising through all of them. */
static void check_since(struct kvtest *t, json_int_t from, size_t want_rows,
			size_t want_answers)
{
	size_t before = t->c.nans, len, rows = 0;
	json_int_t last = from;
	char payload[256], *m;

	snprintf(payload, sizeof(payload),
		 "{\"client\":\"a\",\"op\":\"since\",\"table\":\"t\","
		 "\"version\":%lld,\"id\":\"s\"}",
		 (long long)from);
	m = frame(KEY_HEX, payload, &len);
	assert_int_equal(fake_message(kv, &t->c, m, len), PFD_OK);
	free(m);
	assert_int_equal(t->c.nans - before, want_answers);
	for (size_t i = before; i < t->c.nans; i++) {
		json_t *a = answer(t, i), *r = json_object_get(a, "rows");
		assert_true(json_is_true(json_object_get(a, "ok")));
		assert_string_equal(json_string_value(json_object_get(a, "id")),
				    "s");
		assert_true(json_array_size(r) <= 100);
		assert_int_equal(json_is_true(json_object_get(a, "end")),
				 i == t->c.nans - 1);
		for (size_t k = 0; k < json_array_size(r); k++) {
			json_int_t v = json_integer_value(
			    json_object_get(json_array_get(r, k), "version"));
			assert_true(v > last);
			last = v;
		}
		assert_int_equal(
		    json_integer_value(json_object_get(a, "version")), last);
		rows += json_array_size(r);
		json_decref(a);
	}
	assert_int_equal(rows, want_rows);
}

static void put_rows(struct kvtest *t, int n)
{
	for (int i = 0; i < n; i++) {
		char key[16];
		snprintf(key, sizeof(key), "row%d", i);
		put(t, "t", key, "{\"n\":1}");
	}
}

static void test_since_pages_of_100(void **state)
{
	struct kvtest *t = *state;

	put_rows(t, 250);
	check_since(t, 0, 250, 3);   /* 100 + 100 + 50 */
	check_since(t, 200, 50, 1);  /* from the middle */
	check_since(t, 250, 0, 1);   /* nothing newer: one empty answer */
	check_since(t, 150, 100, 1); /* exactly a page: end on it */
	put(t, "t", "row0", "2");    /* a changed row comes again */
	check_since(t, 250, 1, 1);
}

/* Large values: an answer closes once its values pass 256 KiB, before
 * 100 rows (30 values of 20 KB: 14 + 14 + 2 rows). */
static void test_since_splits_large_values(void **state)
{
	struct kvtest *t = *state;
	size_t n = 20000, len;
	char *payload = malloc(n + 128), *m;

	assert_non_null(payload);
	for (int i = 0; i < 30; i++) {
		int k = snprintf(payload, 128,
				 "{\"client\":\"a\",\"op\":\"put\",\"table\":"
				 "\"t\",\"key\":\"row%02d\",\"value\":\"",
				 i);
		memset(payload + k, 'x', n);
		strcpy(payload + k + n, "\"}");
		m = frame(KEY_HEX, payload, &len);
		assert_int_equal(fake_message(kv, &t->c, m, len), PFD_OK);
		free(m);
	}
	free(payload);
	for (size_t i = 0; i < t->c.nans; i++) {
		json_t *a = answer(t, i);
		assert_true(json_is_true(json_object_get(a, "ok")));
		json_decref(a);
	}
	fake_conn_clear(&t->c);
	check_since(t, 0, 30, 3);
	json_t *a = answer(t, 0);
	assert_int_equal(json_array_size(json_object_get(a, "rows")), 14);
	json_decref(a);
}

/* More rows than one job reads: done sends the batch and defers the next
 * (or, without a pool, reads it inline), and no row is lost or doubled. */
static void test_since_beyond_one_batch(void **state)
{
	struct kvtest *t = *state;
	int jobs;

	put_rows(t, 1234);
	jobs = t->c.jobs;
	check_since(t, 0, 1234, 13);
	if (t->c.pool)
		assert_int_equal(t->c.jobs - jobs, 2); /* 1000 rows a job */
	else
		assert_int_equal(t->c.jobs, 0);
}

struct bad_case {
	const char *name;
	const char *keyhex; /* NULL: sent as raw, unsigned */
	const char *payload;
	const char *error;
	int has_id; /* the error answer echoes "id": 9 */
};

static const struct bad_case bad_cases[] = {
    {"signed with another key", OTHER_KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"k\",\"id\":9}",
     .error = "bad_token"},
    {"shorter than a token", NULL, "0123456789abcdef0123",
     .error = "bad_token"},
    {"empty message", NULL, "", .error = "bad_token"},
    {"token digits not hex", NULL,
     "zz364b3fa5a273f7" VECTOR_PAYLOAD "037c8e1c62007e75",
     .error = "bad_token"},
    {"payload changed under its token", NULL,
     "40364b3fa5a273f7{\"client\":\"b\",\"op\":\"get\",\"table\":\"t\","
     "\"key\":\"k\"}037c8e1c62007e75",
     .error = "bad_token"},
    {"tail token changed", NULL,
     "40364b3fa5a273f7" VECTOR_PAYLOAD "037c8e1c62007e76",
     .error = "bad_token"},
    {"unknown client", KEY_HEX,
     "{\"client\":\"mallory\",\"op\":\"get\",\"table\":\"t\",\"key\":\"k\","
     "\"id\":9}",
     .error = "unknown_client", .has_id = 1},
    {"client missing", KEY_HEX,
     "{\"op\":\"get\",\"table\":\"t\",\"key\":\"k\",\"id\":9}",
     .error = "bad_request", .has_id = 1},
    {"client not a string", KEY_HEX,
     "{\"client\":1,\"op\":\"get\",\"table\":\"t\",\"key\":\"k\"}",
     .error = "bad_request"},
    {"malformed JSON", KEY_HEX,
     "{\"client\":\"a\",\"op\":", .error = "bad_json"},
    {"JSON with trailing bytes", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"k\"} x",
     .error = "bad_json"},
    {"JSON array, not an object", KEY_HEX, "[1,2]", .error = "bad_json"},
    {"empty payload", KEY_HEX, "", .error = "bad_json"},
    {"duplicate member", KEY_HEX,
     "{\"client\":\"a\",\"client\":\"b\",\"op\":\"get\",\"table\":\"t\","
     "\"key\":\"k\"}",
     .error = "bad_json"},
    {"unknown table", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"nope\",\"key\":\"k\","
     "\"id\":9}",
     .error = "unknown_table", .has_id = 1},
    {"table is SQL", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t' OR 1=1 --\","
     "\"key\":\"k\"}",
     .error = "unknown_table"},
    {"unknown op", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"drop\",\"table\":\"t\",\"id\":9}",
     .error = "unknown_op", .has_id = 1},
    {"put without a value", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"put\",\"table\":\"t\",\"key\":\"k\"}",
     .error = "bad_request"},
    {"get without a key", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\"}",
     .error = "bad_request"},
    {"key empty", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"\"}",
     .error = "bad_request"},
    {"key with a NUL (jansson refuses \\u0000)", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"a\\u0000b\"}",
     .error = "bad_json"},
    {"since with a negative version", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"since\",\"table\":\"t\",\"version\":-1}",
     .error = "bad_request"},
    {"since with a string version", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"since\",\"table\":\"t\",\"version\":\"1\"}",
     .error = "bad_request"},
    {"id that is an object", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"k\","
     "\"id\":{}}",
     .error = "bad_request"},
    {"absent row", KEY_HEX,
     "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\",\"key\":\"none\","
     "\"id\":9}",
     .error = "not_found", .has_id = 1},
};

/* Each bad request gets its error answer, and the same connection then
 * serves a good request. */
static void test_errors_are_answers(void **state)
{
	struct kvtest *t = *state;

	put(t, "t", "k", "\"v\"");
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		size_t before = t->c.nans;
		json_t *a;

		print_message("  error: %s\n", bc->name);
		if (bc->keyhex)
			a = ask_key(t, bc->keyhex, bc->payload);
		else {
			assert_int_equal(fake_message(kv, &t->c, bc->payload,
						      strlen(bc->payload)),
					 PFD_OK);
			assert_int_equal(t->c.nans, before + 1);
			a = answer(t, before);
		}
		assert_error(a, bc->error);
		if (bc->has_id)
			assert_int_equal(
			    json_integer_value(json_object_get(a, "id")), 9);
		else
			assert_null(json_object_get(a, "id"));
		json_decref(a);
		a = ask(t, "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\","
			   "\"key\":\"k\"}");
		assert_string_equal(
		    json_string_value(json_object_get(a, "value")), "v");
		json_decref(a);
	}
}

/* The client leaves during the job: done(PFD_GONE) frees without a
 * word, and the put itself was made (it had run). */
static void test_gone_gets_no_answer(void **state)
{
	struct kvtest *t = *state;
	size_t len;
	char *m = frame(KEY_HEX,
			"{\"client\":\"a\",\"op\":\"put\",\"table\":\"t\","
			"\"key\":\"g\",\"value\":1}",
			&len);

	t->c.gone = 1;
	assert_int_equal(fake_message(kv, &t->c, m, len), PFD_OK);
	free(m);
	assert_int_equal(t->c.nans, 0);
	t->c.gone = 0;
	json_t *a = ask(t, "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\","
			   "\"key\":\"g\"}");
	assert_int_equal(json_integer_value(json_object_get(a, "value")), 1);
	json_decref(a);
}

/* reply fails (the connection is closing): the module says close. */
static void test_closing_connection(void **state)
{
	struct kvtest *t = *state;
	size_t len;
	char *m = frame(KEY_HEX,
			"{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\","
			"\"key\":\"k\"}",
			&len);

	t->c.closing = 1;
	assert_int_equal(fake_message(kv, &t->c, m, len), PFD_CLOSE);
	free(m);
	assert_int_equal(t->c.nans, 0);
}

/* The database outlives the worker: a second worker_init on the same file
 * sees what the first stored (and its schema creation is idempotent). */
static void test_rows_survive_a_new_worker(void **state)
{
	struct kvtest *t = *state;
	json_int_t v = put(t, "orders", "o1", "{\"sum\":5}");

	kv->worker_exit(t->worker);
	assert_int_equal(kv->worker_init(t->conf, &t->worker), 0);
	t->c.worker = t->worker;
	json_t *a = ask(t, "{\"client\":\"a\",\"op\":\"get\",\"table\":"
			   "\"orders\",\"key\":\"o1\"}");
	assert_int_equal(json_integer_value(json_object_get(a, "version")), v);
	json_decref(a);
}

static void test_worker_init_fails_on_a_bad_path(void **state)
{
	struct fake_setting set[] = {
	    {.key = "db", .str = "/nonexistent-dir/kv.db"},
	    {.key = "key", .str = KEY_HEX},
	    {.key = "clients", .str = "a"},
	    {.key = "tables", .str = "t"},
	    {.key = NULL}};
	struct pfd_cfg g = {.set = set};
	void *conf, *worker = NULL;

	assert_int_equal(kv->conf(&g, &conf), 0);
	assert_int_equal(kv->worker_init(conf, &worker), -1);
	kv->conf_free(conf);
}

/* Four connections whose puts run on four threads at once, 100 rounds:
 * each thread has its own SQLite connection, writers wait for each other
 * (busy_timeout) instead of failing, and versions stay unique. */
static void test_concurrent_puts(void **state)
{
	struct kvtest *t = *state;
	struct pfd_conn conns[4], *cp[4];
	json_int_t seen[401] = {0};

	for (int i = 0; i < 4; i++) {
		conns[i] = (struct pfd_conn){.worker = t->worker, .pool = 1};
		cp[i] = &conns[i];
	}
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 4; i++) {
			char payload[128], *m;
			size_t len;
			snprintf(payload, sizeof(payload),
				 "{\"client\":\"a\",\"op\":\"put\",\"table\":"
				 "\"t\",\"key\":\"c%d-%d\",\"value\":%d}",
				 i, round, round);
			m = frame(KEY_HEX, payload, &len);
			assert_int_equal(kv->on_message(cp[i], m, len), PFD_OK);
			free(m);
			assert_true(conns[i].pending);
		}
		fake_pump_together(cp, 4);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(conns[i].nans, 100);
		for (size_t k = 0; k < conns[i].nans; k++) {
			json_t *a = answer_on(&conns[i], k);
			json_int_t v =
			    json_integer_value(json_object_get(a, "version"));
			assert_true(json_is_true(json_object_get(a, "ok")));
			assert_true(v >= 1 && v <= 400);
			assert_int_equal(seen[v]++, 0);
			json_decref(a);
		}
		fake_conn_clear(&conns[i]);
	}
	check_since(t, 0, 400, 4);
}

/* Another process holds the write lock past busy_timeout (100 ms): the put
 * is answered "busy", nothing is stored, and once the lock is gone the
 * same connection's next put goes through. */
static void test_busy_is_an_answer(void **state)
{
	struct kvtest *t = *state;
	sqlite3 *other;
	json_t *a;

	put(t, "t", "first", "1");
	assert_int_equal(sqlite3_open(dbpath, &other), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	a = ask(t, "{\"client\":\"a\",\"op\":\"put\",\"table\":\"t\","
		   "\"key\":\"k\",\"value\":1,\"id\":5}");
	assert_error(a, "busy");
	assert_int_equal(json_integer_value(json_object_get(a, "id")), 5);
	json_decref(a);
	a = ask(t, "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\","
		   "\"key\":\"first\"}"); /* readers do not wait in WAL */
	assert_true(json_is_true(json_object_get(a, "ok")));
	json_decref(a);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	a = ask(t, "{\"client\":\"a\",\"op\":\"get\",\"table\":\"t\","
		   "\"key\":\"k\"}");
	assert_error(a, "not_found");
	json_decref(a);
	assert_int_equal(put(t, "t", "k", "2"), 2);
}

#define KV_TEST(f, setup) cmocka_unit_test_setup_teardown(f, setup, kv_teardown)

int main(void)
{
	const char *so = getenv("KVSYNC_SO") ? getenv("KVSYNC_SO") : KVSYNC_SO;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_abi_head),
	    cmocka_unit_test(test_conf_table),
	    cmocka_unit_test(test_refuses_a_short_host),
	    cmocka_unit_test(test_worker_init_fails_on_a_bad_path),
	    KV_TEST(test_known_vector_is_accepted, kv_setup_pool),
	    KV_TEST(test_put_then_get, kv_setup_pool),
	    KV_TEST(test_put_then_get, kv_setup_inline),
	    KV_TEST(test_values_of_every_json_type, kv_setup_pool),
	    KV_TEST(test_versions_are_per_table, kv_setup_pool),
	    KV_TEST(test_since_pages_of_100, kv_setup_pool),
	    KV_TEST(test_since_pages_of_100, kv_setup_inline),
	    KV_TEST(test_since_splits_large_values, kv_setup_pool),
	    KV_TEST(test_since_beyond_one_batch, kv_setup_pool),
	    KV_TEST(test_since_beyond_one_batch, kv_setup_inline),
	    KV_TEST(test_errors_are_answers, kv_setup_pool),
	    KV_TEST(test_errors_are_answers, kv_setup_inline),
	    KV_TEST(test_gone_gets_no_answer, kv_setup_pool),
	    KV_TEST(test_closing_connection, kv_setup_pool),
	    KV_TEST(test_rows_survive_a_new_worker, kv_setup_pool),
	    KV_TEST(test_concurrent_puts, kv_setup_pool),
	    KV_TEST(test_busy_is_an_answer, kv_setup_busy),
	};

	kv = fake_load(so);
	if (!kv)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
