/* throttle: attempts counted per key in a window, recorded before the
 * expensive check (see throttle.h). */
#include "core/throttle.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <string.h>

/* Seconds until key has fewer than max attempts in the window (0: now). */
static int64_t wait_for(struct db *db, const char *key, int64_t now, long window, long max)
{
	int64_t count = 0, oldest = now;
	sqlite3_stmt *st = db_query(db,
		"SELECT count(*), min(at) FROM (SELECT at FROM login_failures "
		"WHERE key = ?1 AND at > ?2 ORDER BY at DESC LIMIT ?3)",
		"sIi", key, now - window, (int)max);
	if (st && db_step(st) == SQLITE_ROW) {
		count = sqlite3_column_int64(st, 0);
		oldest = sqlite3_column_int64(st, 1);
	}
	if (st)
		sqlite3_reset(st);
	if (count < max)
		return 0;
	int64_t wait = oldest + window - now;
	return wait > 0 ? wait : 1;
}

struct limit {
	const char *key;
	long max;
};

/* Inside a write transaction: the longest wait of the keys, or, when none
 * has to wait, one attempt recorded for each. Rows out of every window go. */
static int64_t take_locked(struct db *db, const struct limit *l, int n, long window, int64_t now,
			   struct throttle_ticket *t)
{
	int64_t wait = 0;
	for (int i = 0; i < n; i++) {
		int64_t w = wait_for(db, l[i].key, now, window, l[i].max);
		wait = w > wait ? w : wait;
	}
	for (int i = 0; i < n && wait == 0; i++) {
		if (db_exec(db, "INSERT INTO login_failures(key, at) VALUES (?1, ?2)", "sI", l[i].key, now) < 0)
			return -1;
		t->ids[t->n++] = db_last_id(db);
	}
	if (db_exec(db, "DELETE FROM login_failures WHERE at <= ?1 AND key = ?2", "Is", now - window,
		    l[0].key) < 0)
		return -1;
	return wait;
}

static int64_t take(struct db *db, const struct limit *l, int n, long window, struct throttle_ticket *t)
{
	memset(t, 0, sizeof(*t));
	if (db_begin(db) < 0)
		return -1;
	int64_t wait = take_locked(db, l, n, window, util_now_ms() / 1000, t);
	if (wait < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return wait;
}

static const char *addr_of(struct req *r)
{
	return r->remote_addr ? r->remote_addr : "";
}

int64_t throttle_login(struct req *r, struct db *db, const char *username_key, struct throttle_ticket *t)
{
	const struct conf *c = r->conf;
	const struct limit l[2] = {
		{ arena_printf(&r->arena, "user:%s", username_key), c->login_max_failures },
		{ arena_printf(&r->arena, "addr:%s", addr_of(r)), c->login_max_failures_ip },
	};
	int64_t wait = take(db, l, 2, c->login_window_seconds, t);
	/* Failures of accounts nobody tried since the window passed. */
	if (wait == 0)
		db_exec(db, "DELETE FROM login_failures WHERE at < ?1 AND key NOT LIKE 'reg:%'", "I",
			util_now_ms() / 1000 - c->login_window_seconds);
	return wait;
}

void throttle_login_ok(struct req *r, struct db *db, const char *username_key, const struct throttle_ticket *t)
{
	for (int i = 0; i < t->n; i++)
		db_exec(db, "DELETE FROM login_failures WHERE id = ?1", "I", t->ids[i]);
	db_exec(db, "DELETE FROM login_failures WHERE key = ?1", "s",
		arena_printf(&r->arena, "user:%s", username_key));
}

int64_t throttle_register(struct req *r, struct db *db)
{
	struct throttle_ticket t;
	const struct limit l[1] = {
		{ arena_printf(&r->arena, "reg:%s", addr_of(r)), r->conf->register_max_per_ip },
	};
	return take(db, l, 1, r->conf->register_window_seconds, &t);
}

bool throttle_allows(struct req *r, int64_t wait, const char *too_many)
{
	if (wait < 0)
		resp_internal(r, "recording the attempt failed");
	else if (wait > 0)
		resp_retry_later(r, wait, too_many);
	return wait == 0;
}
