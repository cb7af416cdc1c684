/* guests: visitors without an account (see guests.h). */
#include "chat/guests.h"
#include "core/arena.h"
#include "core/cache.h"
#include "core/db.h"
#include "core/req.h"
#include "core/util.h"

#include <sodium.h>
#include <string.h>

#define WINDOW_S 3600
#define PURGE_MAX 64

/* A hash that no password verifies against (not an Argon2id string), so a
 * visitor can never log in; registering replaces it. */
#define GUESTS_NO_PASSWORD "!guest"

int guests_create(struct db *db, struct arena *a, struct req_user *out)
{
	unsigned char raw[16];
	char hex[sizeof(raw) * 2 + 1];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	/* The key holds a ':' that no account name may, so the two never meet. */
	const char *name = arena_printf(a, "guest-%.8s", hex);
	const char *key = arena_printf(a, "guest:%s", hex);
	if (db_exec(db, "INSERT INTO users(username, username_key, password_hash, role, guest) "
		    "VALUES (?1, ?2, ?3, 'user', 1)", "sss", name, key, GUESTS_NO_PASSWORD) < 0)
		return -1;
	out->id = db_last_id(db);
	out->username = name;
	out->role = "guest";
	return db_text(db, a, &out->created_at, "SELECT created_at FROM users WHERE id = ?1", "I", out->id) == 1
	       ? 0 : -1;
}

/* How many of the last max events of this visitor or address fell in the
 * window, and the oldest of them; answers the seconds until that one
 * leaves it (0 while fewer than max happened). */
static int64_t wait_from(sqlite3_stmt *st, long max, int64_t now)
{
	if (!st)
		return -1;
	int64_t count = 0, oldest = now;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		count = sqlite3_column_int64(st, 0);
		oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	if (count < max)
		return 0;
	int64_t wait = oldest + WINDOW_S - now;
	return wait > 0 ? wait : 1;
}

int64_t guests_wait(struct db *db, const char *kind, int64_t user_id, const char *address,
		    long per_user, long per_address)
{
	int64_t now = util_now_ms() / 1000, a = 0, b = 0;
	if (user_id && per_user > 0)
		a = wait_from(db_query(db, "SELECT count(*), min(at) FROM (SELECT at FROM guest_events "
				       "WHERE kind = ?1 AND user_id = ?2 AND at > ?3 ORDER BY at DESC LIMIT ?4)",
				       "sIIi", kind, user_id, now - WINDOW_S, (int)per_user), per_user, now);
	if (per_address > 0)
		b = wait_from(db_query(db, "SELECT count(*), min(at) FROM (SELECT at FROM guest_events "
				       "WHERE kind = ?1 AND address = ?2 AND at > ?3 ORDER BY at DESC LIMIT ?4)",
				       "ssIi", kind, address, now - WINDOW_S, (int)per_address), per_address, now);
	if (a < 0 || b < 0)
		return -1;
	return a > b ? a : b;
}

int guests_note(struct db *db, const char *kind, int64_t user_id, const char *address)
{
	int64_t now = util_now_ms() / 1000;
	if (db_exec(db, "INSERT INTO guest_events(kind, user_id, address, at) VALUES (?1, nullif(?2, 0), ?3, ?4)",
		    "sIsI", kind, user_id, address, now) < 0)
		return -1;
	return db_exec(db, "DELETE FROM guest_events WHERE id IN (SELECT id FROM guest_events "
		       "WHERE kind = ?1 AND at <= ?2 ORDER BY kind, at LIMIT 100)", "sI", kind, now - WINDOW_S);
}

int guests_purge(struct db *db, const struct conf *c, long days, int limit)
{
	int64_t ids[PURGE_MAX];
	int n = 0;
	if (limit > PURGE_MAX)
		limit = PURGE_MAX;
	/* Last use: a session's last_seen_at; a visitor without any session
	 * left (expired and swept) counts from when they came. */
	sqlite3_stmt *st = db_query(db,
		"SELECT u.id FROM users u WHERE u.guest = 1 "
		"AND u.created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('-%d days', ?1)) "
		"AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND coalesce(s.last_seen_at, "
		"    s.created_at) >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('-%d days', ?1))) "
		"ORDER BY u.guest, u.created_at LIMIT ?2", "ii", (int)days, limit);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW && n < limit)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		/* The cascade takes their sessions, conversations and messages. */
		if (db_exec(db, "DELETE FROM users WHERE id = ?1 AND guest = 1", "I", ids[i]) < 0)
			return -1;
		cache_bump(c, ids[i]);
	}
	return n;
}
