/* login: POST logs in (throttled, same answer and time for a wrong name or
 * password); GET says who the current session belongs to. */
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <ctype.h>
#include <string.h>

struct account {
	int64_t id;
	const char *hash;
	bool disabled;
};

static void find_account(struct req *r, struct db *db, const char *key, struct account *acc)
{
	memset(acc, 0, sizeof(*acc));
	sqlite3_stmt *st = db_query(db,
		"SELECT id, password_hash, disabled FROM users WHERE username_key = ?1", "s", key);
	if (st && db_step(st) == SQLITE_ROW) {
		acc->id = sqlite3_column_int64(st, 0);
		acc->hash = db_col_text(&r->arena, st, 1);
		acc->disabled = sqlite3_column_int(st, 2) != 0;
	}
	if (st)
		sqlite3_reset(st);
}

static void who_am_i(struct req *r, struct db *db)
{
	if (!auth_require_user(r, db))
		return;
	resp_json(r, 200, json_pack("{s:o}", "user", auth_user_json(r)));
}

static void log_in(struct req *r, struct db *db)
{
	const char *name = req_field(r, "username", "");
	const char *password = req_field(r, "password", "");
	if (!*name || !*password || strlen(name) > 64 || strlen(password) > 1024) {
		resp_error(r, 400, "invalid_input", "username and password are required");
		return;
	}
	char *key = arena_strdup(&r->arena, name);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int64_t wait = auth_throttle_wait(r, db, key);
	if (wait > 0) {
		resp_header(r, arena_printf(&r->arena, "Retry-After: %lld", (long long)wait));
		resp_error(r, 429, "rate_limited", "too many failed logins; try again in %lld seconds",
			   (long long)wait);
		return;
	}
	struct account acc;
	find_account(r, db, key, &acc);
	/* Always verify, against a dummy hash for an unknown name. */
	bool ok = auth_verify_password(acc.hash, password) && !acc.disabled;
	if (!ok) {
		auth_throttle_fail(r, db, key);
		resp_error(r, 401, "unauthorized", "wrong username or password");
		return;
	}
	auth_throttle_clear(r, db, key);
	db_exec(db, "UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1",
		"I", acc.id);
	const char *token = auth_session_start(r, db, acc.id);
	if (!token) {
		resp_internal(r, "creating the session failed");
		return;
	}
	/* Load the user through the new token, exactly as the next request will. */
	r->authorization = arena_printf(&r->arena, "Bearer %s", token);
	if (auth_load_user(r, db) != 1) {
		resp_internal(r, "the new session could not be read back");
		return;
	}
	resp_json(r, 200, json_pack("{s:o,s:s}", "user", auth_user_json(r), "token", token));
}

static void handle(struct req *r)
{
	if (!req_is_post(r) && app_answer_cached(r, "GET,POST", APP_USER, false, "whoami", 0))
		return;
	struct db *db = app_begin(r, "GET,POST", APP_ANYONE);
	if (!db)
		return;
	if (req_is_post(r))
		log_in(r, db);
	else
		who_am_i(r, db);
}

int main(void)
{
	return app_main("login", handle, 0);
}
