/* kvsync_req.c - a request payload (JSON) into a struct kvsync_req, and the
 * envelope of every answer. */
#include <string.h>

#include "kvsync.h"

static const struct {
	const char *name;
	enum kvsync_op op;
} ops[] = {{"put", KVSYNC_PUT}, {"get", KVSYNC_GET}, {"since", KVSYNC_SINCE}};

/* A string member without NUL bytes: its text and length, or NULL. */
static const char *req_str(json_t *obj, const char *name, size_t *len)
{
	json_t *v = json_object_get(obj, name);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return s;
}

static int req_op(struct kvsync_req *r, const char **err)
{
	const char *op = req_str(r->root, "op", NULL);

	if (!op) {
		*err = "bad_request";
		return -1;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i].name) == 0) {
			r->op = ops[i].op;
			return 0;
		}
	*err = "unknown_op";
	return -1;
}

/* The members each op needs: key (put, get), value (put), version (since). */
static int req_args(struct kvsync_req *r, const char **err)
{
	json_t *ver;

	*err = "bad_request";
	if (r->op != KVSYNC_SINCE) {
		r->key = req_str(r->root, "key", &r->keylen);
		if (!r->key || r->keylen == 0 || r->keylen > KVSYNC_KEY_LEN_MAX)
			return -1;
	}
	if (r->op == KVSYNC_PUT) {
		r->value = json_object_get(r->root, "value");
		if (!r->value)
			return -1;
	}
	if (r->op == KVSYNC_SINCE) {
		ver = json_object_get(r->root, "version");
		if (ver &&
		    (!json_is_integer(ver) || json_integer_value(ver) < 0))
			return -1;
		r->version = ver ? json_integer_value(ver) : 0;
	}
	return 0;
}

/* Parses payload buf and checks it against cf, in this order. Returns 0
 * with r filled (its pointers live as long as r->root; kvsync_req_clear
 * frees it), or -1 with *err the answer's error code: bad_json (not a JSON
 * object), bad_request (a member missing or of the wrong type),
 * unknown_client, unknown_op, unknown_table. Even on -1, r->id is set when
 * the payload was an object with an id, and kvsync_req_clear must be
 * called. */
int kvsync_req_parse(const char *buf, size_t len, const struct kvsync_conf *cf,
		     struct kvsync_req *r, const char **err)
{
	json_error_t jerr;

	memset(r, 0, sizeof(*r));
	*err = "bad_json";
	r->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(r->root))
		return -1;
	*err = "bad_request";
	r->id = json_object_get(r->root, "id");
	if (r->id && !json_is_string(r->id) && !json_is_integer(r->id)) {
		r->id = NULL;
		return -1;
	}
	r->client = req_str(r->root, "client", NULL);
	if (!r->client)
		return -1;
	if (!kvsync_conf_has(cf->clients, r->client)) {
		*err = "unknown_client";
		return -1;
	}
	if (req_op(r, err) < 0)
		return -1;
	r->table = req_str(r->root, "table", NULL);
	if (!r->table)
		return -1;
	if (!kvsync_conf_has(cf->tables, r->table)) {
		*err = "unknown_table";
		return -1;
	}
	return req_args(r, err);
}

/* Frees what r owns; r may be cleared twice. */
void kvsync_req_clear(struct kvsync_req *r)
{
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

/* Returns a new answer object {"ok": ..., "id": ...}: ok true when err is
 * NULL, else ok false with "error": err; the id echoes the request's when it
 * has one (r may be NULL: no id). NULL when out of memory. */
json_t *kvsync_req_answer(const struct kvsync_req *r, const char *err)
{
	json_t *a = json_object();

	if (!a)
		return NULL;
	if (json_object_set_new(a, "ok", json_boolean(!err)) < 0 ||
	    (err && json_object_set_new(a, "error", json_string(err)) < 0) ||
	    (r && r->id && json_object_set(a, "id", r->id) < 0)) {
		json_decref(a);
		return NULL;
	}
	return a;
}
