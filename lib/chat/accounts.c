/* accounts: the users table: registration, the login look-up, and what
 * administrators do to accounts, never leaving the site without an active
 * administrator; every administrator's change in the audit log. */
#include "chat/accounts.h"
#include "core/arena.h"
#include "chat/audit.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/req.h"
#include "core/settings.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define ACCOUNTS_SQL_COLUMNS "id, username, role, disabled, created_at, last_login_at, " \
	"quota_messages_per_day, quota_tokens_per_day, must_change_password"

/* ---- names, registration, login ---- */

bool accounts_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n < 3 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

const char *accounts_name_key(struct arena *a, const char *name)
{
	char *k = arena_strdup(a, name);
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* The name is free and registration open (or this is the first account:
 * visitors are not accounts); *role is the new account's. */
static enum accounts_result may_register(struct db *db, const struct conf *c, struct arena *a, const char *key,
					 const char **role)
{
	int64_t accounts = 0, taken = 0;
	if (db_int(db, &accounts, "SELECT count(*) FROM users WHERE guest = 0", "") < 0 ||
	    db_int(db, &taken, "SELECT count(*) FROM users WHERE username_key = ?1", "s", key) < 0)
		return ACCOUNTS_ERROR;
	if (taken)
		return ACCOUNTS_TAKEN;
	if (accounts > 0 && !settings_bool(db, c, a, "open_registration"))
		return ACCOUNTS_CLOSED;
	*role = accounts == 0 ? "admin" : "user";
	return ACCOUNTS_OK;
}

enum accounts_result accounts_may_create(struct db *db, const struct conf *c, struct arena *a,
					 const char *name)
{
	const char *role;
	return may_register(db, c, a, accounts_name_key(a, name), &role);
}

/* A new row, or the visitor's own row (guest_id) turned into the account. */
static enum accounts_result insert_user(struct db *db, const struct conf *c, struct arena *a, int64_t guest_id,
					const char *name, const char *hash, struct req_user *user)
{
	const char *key = accounts_name_key(a, name);
	enum accounts_result rc = may_register(db, c, a, key, &user->role);
	if (rc != ACCOUNTS_OK)
		return rc;
	if (guest_id) {
		if (db_exec(db, "UPDATE users SET username = ?1, username_key = ?2, password_hash = ?3, role = ?4, "
			    "guest = 0 WHERE id = ?5 AND guest = 1", "ssssI", name, key, hash, user->role, guest_id) < 0)
			return ACCOUNTS_ERROR;
		if (db_changes(db) != 1)
			return ACCOUNTS_NOT_FOUND;
		user->id = guest_id;
	} else {
		if (db_exec(db, "INSERT INTO users(username, username_key, password_hash, role) "
				"VALUES (?1, ?2, ?3, ?4)", "ssss", name, key, hash, user->role) < 0)
			return ACCOUNTS_ERROR;
		user->id = db_last_id(db);
	}
	user->username = arena_strdup(a, name);
	if (db_text(db, a, &user->created_at, "SELECT created_at FROM users WHERE id = ?1", "I",
		    user->id) != 1)
		return ACCOUNTS_ERROR;
	return ACCOUNTS_OK;
}

enum accounts_result accounts_create(struct db *db, const struct conf *c, struct arena *a,
				     const char *name, const char *hash, struct req_user *user)
{
	return accounts_claim(db, c, a, 0, name, hash, user);
}

enum accounts_result accounts_claim(struct db *db, const struct conf *c, struct arena *a, int64_t guest_id,
				    const char *name, const char *hash, struct req_user *user)
{
	if (db_begin(db) < 0)
		return ACCOUNTS_ERROR;
	enum accounts_result rc = insert_user(db, c, a, guest_id, name, hash, user);
	/* The visitor's session ends with the visit: the account gets its own. */
	if (rc == ACCOUNTS_OK && guest_id && db_exec(db, "DELETE FROM sessions WHERE user_id = ?1", "I", guest_id) < 0)
		rc = ACCOUNTS_ERROR;
	if (rc != ACCOUNTS_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) < 0 ? ACCOUNTS_ERROR : ACCOUNTS_OK;
}

int accounts_find_login(struct db *db, struct arena *a, const char *name, struct accounts_login *out)
{
	memset(out, 0, sizeof(*out));
	/* A visitor is no account: never found by a login. */
	sqlite3_stmt *st = db_query(db, "SELECT id, password_hash, disabled FROM users WHERE username_key = ?1 "
				    "AND guest = 0",
				    "s", accounts_name_key(a, name));
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->hash = db_col_text(a, st, 1);
		out->disabled = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int accounts_note_login(struct db *db, int64_t id)
{
	return db_exec(db, "UPDATE users SET last_login_at = " DB_NOW " "
			   "WHERE id = ?1", "I", id);
}

/* ---- what administrators do ---- */

static json_t *account_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	const char *last = (const char *)sqlite3_column_text(st, 5);
	json_t *u = json_pack("{s:I,s:s,s:s,s:b,s:s,s:s?,s:b}", "id", (json_int_t)sqlite3_column_int64(st, 0),
			      "username", (const char *)sqlite3_column_text(st, 1),
			      "role", (const char *)sqlite3_column_text(st, 2),
			      "disabled", sqlite3_column_int(st, 3),
			      "created_at", (const char *)sqlite3_column_text(st, 4), "last_login_at", last,
			      "must_change_password", sqlite3_column_int(st, 8));
	/* The account's own quota (null: the setting's; 0: no limit). */
	for (int i = 0; i < 2 && u; i++)
		json_object_set_new(u, i ? "quota_tokens_per_day" : "quota_messages_per_day",
				    sqlite3_column_type(st, 6 + i) == SQLITE_NULL ? json_null()
				    : json_integer((json_int_t)sqlite3_column_int64(st, 6 + i)));
	return u;
}

json_t *accounts_list_json(struct db *db, int limit)
{
	sqlite3_stmt *st = db_query(db, "SELECT " ACCOUNTS_SQL_COLUMNS " FROM users WHERE guest = 0 "
				    "ORDER BY id LIMIT ?1",
				    "i", limit);
	return db_json_rows(st, account_row, NULL);
}

static json_t *account_json(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_query(db, "SELECT " ACCOUNTS_SQL_COLUMNS " FROM users WHERE id = ?1", "I", id);
	if (!st)
		return NULL;
	json_t *out = db_step(st) == SQLITE_ROW ? account_row(st, NULL) : NULL;
	sqlite3_reset(st);
	return out;
}

int accounts_load(struct db *db, struct arena *a, int64_t id, struct account *acc)
{
	sqlite3_stmt *st = db_query(db, "SELECT username, role, disabled, coalesce(quota_messages_per_day, -1), "
				    "coalesce(quota_tokens_per_day, -1) FROM users WHERE id = ?1 AND guest = 0", "I", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		acc->id = id;
		acc->username = db_col_text(a, st, 0);
		acc->role = db_col_text(a, st, 1);
		acc->disabled = sqlite3_column_int(st, 2);
		acc->messages = sqlite3_column_int64(st, 3);
		acc->tokens = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static bool active_admin(const char *role, int disabled)
{
	return strcmp(role, "admin") == 0 && !disabled;
}

int accounts_is_last_admin(struct db *db, int64_t user_id)
{
	int64_t others = 0;
	if (db_int(db, &others, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?1",
		   "I", user_id) < 0)
		return -1;
	return others == 0;
}

static int set_disabled(struct db *db, struct arena *a, const struct req_user *actor,
			const struct account *acc, int disabled)
{
	if (db_exec(db, "UPDATE users SET disabled = ?1 WHERE id = ?2", "iI", disabled, acc->id) < 0)
		return -1;
	/* The sessions go too: a disabled account is out at once, and stays
	 * out when it is enabled again until it logs in. */
	if (disabled && db_exec(db, "DELETE FROM sessions WHERE user_id = ?1", "I", acc->id) < 0)
		return -1;
	struct audit_entry e = {
		.action = disabled ? "user.disable" : "user.enable", .target = acc->username,
		.old_value = acc->disabled ? "disabled" : "active", .new_value = disabled ? "disabled" : "active",
		.detail = arena_printf(a, "%s %s", disabled ? "disabled" : "enabled", acc->username),
	};
	return audit_record(db, actor, &e);
}

static int set_role(struct db *db, struct arena *a, const struct req_user *actor,
		    const struct account *acc, const char *role)
{
	if (db_exec(db, "UPDATE users SET role = ?1 WHERE id = ?2", "sI", role, acc->id) < 0)
		return -1;
	struct audit_entry e = {
		.action = "user.role", .target = acc->username, .old_value = acc->role, .new_value = role,
		.detail = arena_printf(a, "%s: role %s → %s", acc->username, acc->role, role),
	};
	return audit_record(db, actor, &e);
}

static enum accounts_result apply(struct db *db, struct arena *a, const struct req_user *actor,
				  int64_t user_id, int disabled, const char *role)
{
	struct account acc;
	int rc = accounts_load(db, a, user_id, &acc);
	if (rc <= 0)
		return rc < 0 ? ACCOUNTS_ERROR : ACCOUNTS_NOT_FOUND;
	int new_disabled = disabled < 0 ? acc.disabled : disabled;
	const char *new_role = role ? role : acc.role;
	if (active_admin(acc.role, acc.disabled) && !active_admin(new_role, new_disabled)) {
		rc = accounts_is_last_admin(db, user_id);
		if (rc != 0)
			return rc < 0 ? ACCOUNTS_ERROR : ACCOUNTS_LAST_ADMIN;
	}
	if (new_disabled != acc.disabled && set_disabled(db, a, actor, &acc, new_disabled) < 0)
		return ACCOUNTS_ERROR;
	if (strcmp(new_role, acc.role) != 0 && set_role(db, a, actor, &acc, new_role) < 0)
		return ACCOUNTS_ERROR;
	return ACCOUNTS_OK;
}

enum accounts_result accounts_change(struct db *db, struct arena *a, const struct req_user *actor,
				     int64_t user_id, int disabled, const char *role, json_t **user_out)
{
	*user_out = NULL;
	/* BEGIN IMMEDIATE: two administrators removing each other at the same
	 * moment are served one after the other, and the second is refused. */
	if (db_begin(db) < 0)
		return ACCOUNTS_ERROR;
	enum accounts_result res = apply(db, a, actor, user_id, disabled, role);
	if (res != ACCOUNTS_OK) {
		db_rollback(db);
		return res;
	}
	if (db_commit(db) < 0)
		return ACCOUNTS_ERROR;
	*user_out = account_json(db, user_id);
	return *user_out ? ACCOUNTS_OK : ACCOUNTS_ERROR;
}
