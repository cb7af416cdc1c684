/* quota: per-user daily limits counted from the stored replies (see quota.h). */
#include "chat/quota.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "core/util.h"

#include <string.h>

/* An account's own limit wins over the setting (NULL in the column). */
static int read_limits(struct db *db, const struct conf *c, struct arena *a, const struct req_user *u,
		       struct quota *q)
{
	bool guest = u->role && strcmp(u->role, "guest") == 0;
	q->messages_per_day = (int64_t)settings_number(db, c, a, guest ? "quota_guest_messages_per_day"
									 : "quota_user_messages_per_day");
	q->tokens_per_day = (int64_t)settings_number(db, c, a, guest ? "quota_guest_tokens_per_day"
								       : "quota_user_tokens_per_day");
	sqlite3_stmt *st = db_query(db, "SELECT quota_messages_per_day, quota_tokens_per_day FROM users "
				    "WHERE id = ?1", "I", u->id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			q->messages_per_day = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			q->tokens_per_day = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int quota_recount(struct db *db, struct quota *q)
{
	char since[21];
	util_iso_time(q->day_start, since);
	/* A conversation with a reply of today was updated today: the
	 * (user_id, updated_at) index finds the few to look in. */
	sqlite3_stmt *st = db_query(db,
		"SELECT count(m.id), coalesce(sum(m.eval_count), 0) FROM conversations c "
		"JOIN messages m ON m.conversation_id = c.id WHERE c.user_id = ?1 AND c.updated_at >= ?2 "
		"AND m.created_at >= ?2 AND m.role = 'assistant' AND m.imported = 0", "Is", q->user_id, since);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		q->messages_today = sqlite3_column_int64(st, 0);
		q->tokens_today = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int quota_read(struct db *db, const struct conf *c, struct arena *a, const struct req_user *u,
	       struct quota *q)
{
	memset(q, 0, sizeof(*q));
	int64_t now = util_now_ms() / 1000;
	q->user_id = u->id;
	q->day_start = now / 86400 * 86400;
	q->reset_at = q->day_start + 86400;
	q->limited = !u->role || strcmp(u->role, "admin") != 0;
	if (q->limited && read_limits(db, c, a, u, q) < 0)
		return -1;
	return quota_recount(db, q);
}

bool quota_allows(const struct quota *q)
{
	if (!q->limited)
		return true;
	if (q->messages_per_day > 0 && q->messages_today >= q->messages_per_day)
		return false;
	return !(q->tokens_per_day > 0 && q->tokens_today >= q->tokens_per_day);
}

int64_t quota_tokens_left(const struct quota *q)
{
	if (!q->limited || q->tokens_per_day <= 0)
		return 0;
	int64_t left = q->tokens_per_day - q->tokens_today;
	return left > 0 ? left : 1;
}

static json_t *limit_json(const struct quota *q, int64_t limit)
{
	return q->limited && limit > 0 ? json_integer((json_int_t)limit) : json_null();
}

json_t *quota_json(const struct quota *q)
{
	char reset[21];
	util_iso_time(q->reset_at, reset);
	return json_pack("{s:I,s:I,s:{s:o,s:o},s:b,s:s}", "messages_today", (json_int_t)q->messages_today,
			 "tokens_today", (json_int_t)q->tokens_today, "quota",
			 "messages_per_day", limit_json(q, q->messages_per_day),
			 "tokens_per_day", limit_json(q, q->tokens_per_day), "limited", q->limited,
			 "reset_at", reset);
}

void quota_refuse(struct req *r, const struct quota *q)
{
	int64_t wait = q->reset_at - util_now_ms() / 1000;
	if (wait < 1)
		wait = 1;
	char reset[21];
	util_iso_time(q->reset_at, reset);
	bool tokens = q->tokens_per_day > 0 && q->tokens_today >= q->tokens_per_day;
	resp_header(r, arena_printf(&r->arena, "Retry-After: %lld", (long long)wait));
	r->error_code = "quota_exceeded";
	json_t *body = json_pack("{s:{s:s,s:s,s:s},s:s,s:o}", "error", "code", "quota_exceeded",
		"message", tokens ? arena_printf(&r->arena, "today's quota of %lld tokens is used up; it resets at %s",
						 (long long)q->tokens_per_day, reset)
				  : arena_printf(&r->arena, "today's quota of %lld messages is used up; it resets at %s",
						 (long long)q->messages_per_day, reset),
		"reset_at", reset, "reset_at", reset, "usage", quota_json(q));
	resp_json(r, 429, body);
}
