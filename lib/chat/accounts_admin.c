/* accounts_admin: password resets, deletions and quotas of accounts by an
 * administrator, each audited in its transaction (see accounts_admin.h). */
#include "chat/accounts_admin.h"
#include "chat/audit.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"

#include <sodium.h>
#include <string.h>

/* The change in one transaction (BEGIN IMMEDIATE: two administrators
 * deleting each other are served one after the other). */
typedef enum accounts_result (*change_fn)(struct db *db, struct arena *a, const struct req_user *actor,
					  const struct account *t, void *ctx);

static enum accounts_result in_transaction(struct db *db, struct arena *a, const struct req_user *actor,
					   int64_t user_id, change_fn fn, void *ctx)
{
	if (db_begin(db) < 0)
		return ACCOUNTS_ERROR;
	struct account t;
	int rc = accounts_load(db, a, user_id, &t);
	enum accounts_result res = rc < 0 ? ACCOUNTS_ERROR : rc == 0 ? ACCOUNTS_NOT_FOUND : fn(db, a, actor, &t, ctx);
	if (res != ACCOUNTS_OK) {
		db_rollback(db);
		return res;
	}
	return db_commit(db) < 0 ? ACCOUNTS_ERROR : ACCOUNTS_OK;
}

static enum accounts_result audited(struct db *db, const struct req_user *actor, const struct audit_entry *e)
{
	return audit_record(db, actor, e) < 0 ? ACCOUNTS_ERROR : ACCOUNTS_OK;
}

/* ---- reset ---- */

/* Four groups of four letters and digits without the look-alikes (about
 * 79 bits), easy to read out over the phone. */
static void temp_password(char out[ACCOUNTS_TEMP_PASSWORD_LEN + 4])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	size_t n = 0;
	for (int i = 0; i < ACCOUNTS_TEMP_PASSWORD_LEN; i++) {
		if (i && i % 4 == 0)
			out[n++] = '-';
		out[n++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[n] = '\0';
}

static enum accounts_result reset(struct db *db, struct arena *a, const struct req_user *actor,
				  const struct account *t, void *ctx)
{
	const char *hash = ctx;
	if (db_exec(db, "UPDATE users SET password_hash = ?2, must_change_password = 1 WHERE id = ?1",
		    "Is", t->id, hash) < 0 ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = ?1", "I", t->id) < 0)
		return ACCOUNTS_ERROR;
	struct audit_entry e = { .action = "user.reset_password", .target = t->username,
		.detail = arena_printf(a, "password of %s reset; a new one is due at the next login", t->username) };
	return audited(db, actor, &e);
}

enum accounts_result accounts_reset_password(struct db *db, struct arena *a, const struct req_user *actor,
					     int64_t user_id, const char **password)
{
	char *pw = arena_alloc(a, ACCOUNTS_TEMP_PASSWORD_LEN + 4);
	char hash[AUTH_HASH_MAX];
	temp_password(pw);
	/* Hashed before the transaction: Argon2id takes a while. */
	if (auth_hash_password(pw, hash) != 0)
		return ACCOUNTS_ERROR;
	enum accounts_result rc = in_transaction(db, a, actor, user_id, reset, hash);
	*password = rc == ACCOUNTS_OK ? pw : NULL;
	return rc;
}

/* ---- delete ---- */

static enum accounts_result delete_it(struct db *db, struct arena *a, const struct req_user *actor,
				      const struct account *t, void *ctx)
{
	(void)ctx;
	if (strcmp(t->role, "admin") == 0 && !t->disabled) {
		int last = accounts_is_last_admin(db, t->id);
		if (last)
			return last < 0 ? ACCOUNTS_ERROR : ACCOUNTS_LAST_ADMIN;
	}
	struct audit_entry e = { .action = "user.delete", .target = t->username, .old_value = t->role,
		.detail = actor->id == t->id ? arena_printf(a, "%s deleted their own account", t->username)
					     : arena_printf(a, "account %s deleted, with its conversations", t->username) };
	if (audited(db, actor, &e) != ACCOUNTS_OK ||
	    db_exec(db, "DELETE FROM users WHERE id = ?1", "I", t->id) < 0)
		return ACCOUNTS_ERROR;
	return ACCOUNTS_OK;
}

enum accounts_result accounts_delete(struct db *db, struct arena *a, const struct req_user *actor,
				     int64_t user_id)
{
	return in_transaction(db, a, actor, user_id, delete_it, NULL);
}

/* ---- quota ---- */

struct quota_change {
	int64_t messages, tokens;
};

static const char *limit_text(struct arena *a, int64_t messages, int64_t tokens)
{
	const char *m = messages < 0 ? "default" : messages == 0 ? "no limit" : arena_printf(a, "%lld", (long long)messages);
	const char *t = tokens < 0 ? "default" : tokens == 0 ? "no limit" : arena_printf(a, "%lld", (long long)tokens);
	return arena_printf(a, "messages/day %s, tokens/day %s", m, t);
}

static enum accounts_result set_quota(struct db *db, struct arena *a, const struct req_user *actor,
				      const struct account *t, void *ctx)
{
	const struct quota_change *q = ctx;
	if (db_exec(db, "UPDATE users SET quota_messages_per_day = nullif(?2, -1), "
			"quota_tokens_per_day = nullif(?3, -1) WHERE id = ?1", "III", t->id, q->messages, q->tokens) < 0)
		return ACCOUNTS_ERROR;
	const char *old = limit_text(a, t->messages, t->tokens), *now = limit_text(a, q->messages, q->tokens);
	struct audit_entry e = { .action = "user.quota", .target = t->username, .old_value = old, .new_value = now,
		.detail = arena_printf(a, "quota of %s: %s", t->username, now) };
	return audited(db, actor, &e);
}

enum accounts_result accounts_set_quota(struct db *db, struct arena *a, const struct req_user *actor,
					int64_t user_id, int64_t messages_per_day, int64_t tokens_per_day)
{
	struct quota_change q = { messages_per_day, tokens_per_day };
	return in_transaction(db, a, actor, user_id, set_quota, &q);
}
