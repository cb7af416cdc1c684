/* login: POST logs in (throttled, same answer and time for a wrong name or
 * password); GET says who the current session belongs to. Both say when an
 * administrator's reset obliges the user to choose a new password first
 * (the page then sends them to their account page). */
#include "chat/accounts.h"
#include "chat/accounts_self.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/throttle.h"
#include "core/util.h"

#include <string.h>

static void who_am_i(struct req *r, struct db *db)
{
	if (!auth_require_user(r, db))
		return;
	resp_json(r, 200, json_pack("{s:o,s:b}", "user", auth_user_json(r), "must_change_password",
				     accounts_must_change_password(db, r->user.id)));
}

static void log_in(struct req *r, struct db *db)
{
	const char *name = req_field(r, "username", "");
	const char *password = req_field(r, "password", "");
	if (!*name || !*password || strlen(name) > 64 || strlen(password) > 1024) {
		resp_error(r, 400, "invalid_input", "username and password are required");
		return;
	}
	const char *key = accounts_name_key(&r->arena, name);
	/* The attempt counts before the password is checked: parallel
	 * guesses cannot all pass a count none of them has joined yet. */
	struct throttle_ticket ticket;
	if (!throttle_allows(r, throttle_login(r, db, key, &ticket), "too many failed logins"))
		return;
	struct accounts_login acc;
	if (accounts_find_login(db, &r->arena, name, &acc) < 0) {
		resp_internal(r, "looking up the account failed");
		return;
	}
	/* Always verify, against a dummy hash for an unknown name. */
	bool ok = auth_verify_password(acc.hash, password) && !acc.disabled;
	if (!ok) {
		resp_error(r, 401, "unauthorized", "wrong username or password");
		return;
	}
	throttle_login_ok(r, db, key, &ticket);
	accounts_note_login(db, acc.id);
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
	resp_json(r, 200, json_pack("{s:o,s:s,s:b}", "user", auth_user_json(r), "token", token,
				     "must_change_password", accounts_must_change_password(db, acc.id)));
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
	return app_main("login", handle, APP_KIND);
}
