/* accounts_self: a user's own sessions, password and account (see
 * accounts_self.h). */
#include "chat/accounts_self.h"
#include "chat/accounts_admin.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/req.h"
#include "core/util.h"

/* ctx: the id of the session asking. */
static json_t *session_row(sqlite3_stmt *st, void *ctx)
{
	int64_t id = sqlite3_column_int64(st, 0);
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:b}", "id", (json_int_t)id,
		"created_at", (const char *)sqlite3_column_text(st, 1),
		"last_seen_at", (const char *)sqlite3_column_text(st, 2),
		"user_agent", (const char *)sqlite3_column_text(st, 3),
		"address", (const char *)sqlite3_column_text(st, 4), "current", id == *(const int64_t *)ctx);
}

json_t *accounts_sessions_json(struct db *db, int64_t user_id, int64_t current_session_id)
{
	sqlite3_stmt *st = db_query(db, "SELECT id, created_at, last_seen_at, user_agent, address FROM sessions "
				    "WHERE user_id = ?1 AND expires_at > ?2 "
				    "ORDER BY coalesce(last_seen_at, created_at) DESC, id DESC LIMIT 200",
				    "II", user_id, util_now_ms() / 1000);
	return db_json_rows(st, session_row, &current_session_id);
}

int accounts_password_hash(struct db *db, struct arena *a, int64_t user_id, const char **hash)
{
	return db_text(db, a, hash, "SELECT password_hash FROM users WHERE id = ?1", "I", user_id);
}

enum accounts_result accounts_set_password(struct db *db, int64_t user_id, const char *hash,
					   int64_t keep_session_id, int *ended)
{
	*ended = 0;
	if (db_begin(db) < 0)
		return ACCOUNTS_ERROR;
	if (db_exec(db, "UPDATE users SET password_hash = ?2, must_change_password = 0 WHERE id = ?1",
		    "Is", user_id, hash) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		return ACCOUNTS_NOT_FOUND;
	}
	if (db_exec(db, "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2", "II", user_id, keep_session_id) < 0)
		goto fail;
	*ended = db_changes(db);
	return db_commit(db) < 0 ? ACCOUNTS_ERROR : ACCOUNTS_OK;
fail:
	db_rollback(db);
	return ACCOUNTS_ERROR;
}

int accounts_revoke_session(struct db *db, int64_t user_id, int64_t session_id)
{
	if (db_exec(db, "DELETE FROM sessions WHERE id = ?1 AND user_id = ?2", "II", session_id, user_id) < 0)
		return -1;
	return db_changes(db) > 0 ? 1 : 0;
}

enum accounts_result accounts_delete_self(struct db *db, struct arena *a, const struct req_user *user)
{
	return accounts_delete(db, a, user, user->id);
}

bool accounts_must_change_password(struct db *db, int64_t user_id)
{
	int64_t v = 0;
	return db_int(db, &v, "SELECT must_change_password FROM users WHERE id = ?1", "I", user_id) == 1 && v;
}
