/* kvsync_db.c - the rows in SQLite (WAL): the schema, one connection per
 * thread opened on first use, put/get/since with a version per table. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "kvsync.h"

/* Every put takes the next version of its table from kv_seq in the same
 * transaction as the row, so versions grow in commit order and a since
 * from the last version seen never misses a row. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS kv_rows (tbl TEXT NOT NULL,"
    " key TEXT NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL,"
    " UNIQUE (tbl, key));"
    "CREATE INDEX IF NOT EXISTS kv_rows_version ON kv_rows (tbl, version);"
    "CREATE TABLE IF NOT EXISTS kv_seq (tbl TEXT PRIMARY KEY,"
    " version INTEGER NOT NULL);";

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SEQ,
	ST_PUT,
	ST_GET,
	ST_SINCE,
	ST_COUNT
};
static const char *const sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SEQ] = "INSERT INTO kv_seq (tbl, version) VALUES (?1, 1)"
	       " ON CONFLICT (tbl) DO UPDATE SET version = version + 1"
	       " RETURNING version",
    [ST_PUT] = "INSERT INTO kv_rows (tbl, key, value, version)"
	       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tbl, key) DO UPDATE"
	       " SET value = excluded.value, version = excluded.version",
    [ST_GET] = "SELECT value, version FROM kv_rows"
	       " WHERE tbl = ?1 AND key = ?2",
    [ST_SINCE] = "SELECT key, value, version FROM kv_rows"
		 " WHERE tbl = ?1 AND version > ?2 ORDER BY version",
};

struct kvsync_conn {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char why[160]; /* the last error, for the loop thread to log */
	struct kvsync_store *store;
	struct kvsync_conn *prev, *next;
};

struct kvsync_store {
	const struct kvsync_conf *cf;
	pthread_key_t key;
	pthread_mutex_t mu;
	struct kvsync_conn *all; /* every thread's connection */
};

static void conn_close(struct kvsync_conn *k)
{
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(k->st[i]);
	sqlite3_close(k->db);
	free(k);
}

/* The pthread key's destructor: a thread that exits closes its connection. */
static void conn_destroy(void *p)
{
	struct kvsync_conn *k = p;
	struct kvsync_store *s = k->store;

	pthread_mutex_lock(&s->mu);
	if (k->prev)
		k->prev->next = k->next;
	else
		s->all = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&s->mu);
	conn_close(k);
}

/* Opens the database (create: make the file and the schema) with the
 * settings every connection has. Returns the handle, or NULL with err. */
static sqlite3 *db_open(const struct kvsync_conf *cf, int create, char *err,
			size_t errlen)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    (create ? SQLITE_OPEN_CREATE : 0);
	char pragma[64];

	if (sqlite3_open_v2(cf->db, &db, flags, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, (int)cf->busy_ms);
	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous = %s",
		 cf->sync_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return db;
fail:
	snprintf(err, errlen, "%s: %s", cf->db,
		 db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return NULL;
}

/* WAL is a property of the file; it is set once here and checked, since a
 * file system without shared memory would silently keep a rollback journal. */
static int db_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int wal = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") ==
		      0;
	sqlite3_finalize(st);
	if (!wal) {
		snprintf(err, errlen, "journal_mode WAL refused");
		return -1;
	}
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "schema: %s", sqlite3_errmsg(db));
	return -1;
}

/* Creates the database file and schema if needed (on the calling thread,
 * then closed) and a store whose threads open their own connections.
 * Returns 0 with *out (kvsync_store_close), or -1 with err. The store keeps
 * cf, which must outlive it. */
int kvsync_store_open(const struct kvsync_conf *cf, struct kvsync_store **out,
		      char *err, size_t errlen)
{
	struct kvsync_store *s;
	sqlite3 *db = db_open(cf, 1, err, errlen);

	if (!db)
		return -1;
	/* Workers start together: switching a new file to WAL can meet
	 * another's lock with SQLITE_BUSY at once, busy handler or not. */
	for (long waited = 0; db_schema(db, err, errlen) < 0; waited += 10) {
		int code = sqlite3_errcode(db);

		if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
		    waited >= cf->busy_ms) {
			sqlite3_close(db);
			return -1;
		}
		nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
	}
	sqlite3_close(db);
	s = calloc(1, sizeof(*s));
	if (!s || pthread_key_create(&s->key, conn_destroy) != 0) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->cf = cf;
	*out = s;
	return 0;
}

/* Closes every thread's connection and frees s. No thread may be inside
 * a kvsync_db_* call or exit meanwhile (the pool is stopped first). */
void kvsync_store_close(struct kvsync_store *s)
{
	if (!s)
		return;
	pthread_key_delete(s->key);
	while (s->all) {
		struct kvsync_conn *k = s->all;
		s->all = k->next;
		conn_close(k);
	}
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static struct kvsync_conn *conn_open(struct kvsync_store *s)
{
	struct kvsync_conn *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->store = s;
	k->db = db_open(s->cf, 0, k->why, sizeof(k->why));
	if (!k->db)
		return k;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(k->db, sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &k->st[i],
				       NULL) != SQLITE_OK) {
			snprintf(k->why, sizeof(k->why), "prepare: %s",
				 sqlite3_errmsg(k->db));
			for (int j = 0; j < ST_COUNT; j++)
				sqlite3_finalize(k->st[j]);
			memset(k->st, 0, sizeof(k->st));
			sqlite3_close(k->db);
			k->db = NULL;
			return k;
		}
	return k;
}

/* The calling thread's connection, opened on first use. Returns it (owned
 * by the store), or NULL when out of memory. A connection that failed to
 * open is returned too, with db NULL: each call on it fails with the
 * reason in kvsync_db_error, and the next call on this thread retries. */
struct kvsync_conn *kvsync_store_conn(struct kvsync_store *s)
{
	struct kvsync_conn *k = pthread_getspecific(s->key);

	if (k && k->db)
		return k;
	if (k) {
		pthread_setspecific(s->key, NULL);
		conn_destroy(k);
	}
	k = conn_open(s);
	if (!k)
		return NULL;
	pthread_mutex_lock(&s->mu);
	k->next = s->all;
	if (s->all)
		s->all->prev = k;
	s->all = k;
	pthread_mutex_unlock(&s->mu);
	pthread_setspecific(s->key, k);
	return k;
}

/* The reason of k's last KVSYNC_DB_ERROR or KVSYNC_DB_BUSY. */
const char *kvsync_db_error(const struct kvsync_conn *k)
{
	return k->why;
}

static enum kvsync_dbres db_fail(struct kvsync_conn *k, int rc)
{
	snprintf(k->why, sizeof(k->why), "%s", sqlite3_errmsg(k->db));
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? KVSYNC_DB_BUSY
							: KVSYNC_DB_ERROR;
}

static int db_run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc;
}

static int put_row(struct kvsync_conn *k, const char *table, const char *key,
		   size_t keylen, const char *val, size_t vallen,
		   json_int_t *version)
{
	sqlite3_stmt *seq = k->st[ST_SEQ], *put = k->st[ST_PUT];
	int rc;

	sqlite3_bind_text(seq, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(seq);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(seq, 0);
	sqlite3_reset(seq);
	sqlite3_clear_bindings(seq);
	if (rc != SQLITE_ROW)
		return rc;
	sqlite3_bind_text(put, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(put, 2, key, (int)keylen, SQLITE_STATIC);
	sqlite3_bind_text(put, 3, val, (int)vallen, SQLITE_STATIC);
	sqlite3_bind_int64(put, 4, *version);
	rc = db_run(put);
	sqlite3_clear_bindings(put);
	return rc;
}

/* Stores val (JSON text) under (table, key) with the table's next version,
 * in one transaction. Returns KVSYNC_DB_OK with *version once the commit
 * returned (durable as `synchronous` says), KVSYNC_DB_BUSY when the lock
 * stayed taken past busy_timeout, KVSYNC_DB_ERROR otherwise; nothing is
 * stored unless OK. */
enum kvsync_dbres kvsync_db_put(struct kvsync_conn *k, const char *table,
				const char *key, size_t keylen, const char *val,
				size_t vallen, json_int_t *version)
{
	int rc;

	if (!k->db)
		return KVSYNC_DB_ERROR;
	rc = db_run(k->st[ST_BEGIN]);
	if (rc != SQLITE_DONE)
		return db_fail(k, rc);
	rc = put_row(k, table, key, keylen, val, vallen, version);
	if (rc == SQLITE_DONE)
		rc = db_run(k->st[ST_COMMIT]);
	if (rc == SQLITE_DONE)
		return KVSYNC_DB_OK;
	enum kvsync_dbres res = db_fail(k, rc);
	if (!sqlite3_get_autocommit(k->db))
		db_run(k->st[ST_ROLLBACK]);
	return res;
}

/* Looks (table, key) up. Returns KVSYNC_DB_OK with *val (a new reference)
 * and *version, KVSYNC_DB_NOTFOUND, or BUSY / ERROR. */
enum kvsync_dbres kvsync_db_get(struct kvsync_conn *k, const char *table,
				const char *key, size_t keylen, json_t **val,
				json_int_t *version)
{
	sqlite3_stmt *st = k->st[ST_GET];
	enum kvsync_dbres res = KVSYNC_DB_OK;
	int rc;

	if (!k->db)
		return KVSYNC_DB_ERROR;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, (int)keylen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*val = json_loadb((const char *)sqlite3_column_text(st, 0),
				  (size_t)sqlite3_column_bytes(st, 0),
				  JSON_DECODE_ANY, NULL);
		*version = sqlite3_column_int64(st, 1);
		if (!*val) {
			snprintf(k->why, sizeof(k->why),
				 "a stored value is not JSON");
			res = KVSYNC_DB_ERROR;
		}
	} else if (rc == SQLITE_DONE)
		res = KVSYNC_DB_NOTFOUND;
	else
		res = db_fail(k, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

/* One row of a since statement as {"key", "value", "version"}; *bytes
 * grows by its size. NULL when a stored value is not JSON. */
static json_t *since_row(sqlite3_stmt *st, size_t *bytes)
{
	size_t klen = (size_t)sqlite3_column_bytes(st, 0);
	const char *key = (const char *)sqlite3_column_text(st, 0);
	size_t vlen = (size_t)sqlite3_column_bytes(st, 1);
	json_t *val = json_loadb((const char *)sqlite3_column_text(st, 1), vlen,
				 JSON_DECODE_ANY, NULL);

	*bytes += klen + vlen;
	if (!val)
		return NULL;
	return json_pack("{s:s%,s:o,s:I}", "key", key, klen, "value", val,
			 "version", (json_int_t)sqlite3_column_int64(st, 2));
}

static void pages_free(struct kvsync_page *pages, int n)
{
	for (int i = 0; i < n; i++) {
		json_decref(pages[i].rows);
		pages[i].rows = NULL;
	}
}

/* The page the next row goes on: the last one while it has room, else a
 * new one; NULL when the batch is full (the row waits for the next job). */
static struct kvsync_page *since_page(struct kvsync_page *pages, int *n,
				      size_t *bytes, size_t total)
{
	struct kvsync_page *p = &pages[*n - 1];

	if (json_array_size(p->rows) < KVSYNC_PAGE_ROWS &&
	    *bytes < KVSYNC_PAGE_BYTES)
		return p;
	if (*n == KVSYNC_BATCH_PAGES || total >= KVSYNC_BATCH_BYTES)
		return NULL;
	pages[*n].rows = json_array();
	pages[*n].last = p->last;
	*bytes = 0;
	return &pages[(*n)++];
}

/* Reads the rows of table with a version above after, in version order,
 * into up to KVSYNC_BATCH_PAGES pages of at most KVSYNC_PAGE_ROWS rows
 * (fewer when their values are large). Returns KVSYNC_DB_OK with *npages
 * (at least 1, possibly empty; the caller owns each rows array) and *more
 * set when rows remain after the last page (ask again from its last), or
 * BUSY / ERROR with no page to free. */
enum kvsync_dbres kvsync_db_since(struct kvsync_conn *k, const char *table,
				  json_int_t after,
				  struct kvsync_page pages[KVSYNC_BATCH_PAGES],
				  int *npages, int *more)
{
	sqlite3_stmt *st = k->st[ST_SINCE];
	enum kvsync_dbres res = KVSYNC_DB_OK;
	size_t total = 0, bytes = 0, before;
	struct kvsync_page *p;
	int n = 1, rc;

	if (!k->db)
		return KVSYNC_DB_ERROR;
	*more = 0;
	pages[0].rows = json_array();
	pages[0].last = after;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = since_page(pages, &n, &bytes, total);
		if (!p) {
			*more = 1;
			break;
		}
		before = bytes;
		if (json_array_append_new(p->rows, since_row(st, &bytes)) < 0) {
			snprintf(k->why, sizeof(k->why),
				 "a stored value is not JSON, or no memory");
			res = KVSYNC_DB_ERROR;
			break;
		}
		total += bytes - before;
		p->last = sqlite3_column_int64(st, 2);
	}
	if (res == KVSYNC_DB_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = db_fail(k, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (res != KVSYNC_DB_OK)
		pages_free(pages, n);
	else
		*npages = n;
	return res;
}
