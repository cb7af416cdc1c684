/* account: a user's own account. GET: who they are, today's use against
 * their quota, their open sessions. POST: a new password (the current one
 * first; every other session ends), ending one session, or deleting the
 * account and all its conversations (with the password). Wrong passwords
 * count against the login throttle, as a login would. */
#include "core/app.h"
#include "chat/accounts.h"
#include "chat/accounts_self.h"
#include "chat/quota.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/throttle.h"

#include <string.h>

static void show(struct req *r, struct db *db)
{
	struct quota q;
	json_t *sessions = accounts_sessions_json(db, r->user.id, r->user.session_id);
	if (!sessions || quota_read(db, r->conf, &r->arena, &r->user, &q) < 0) {
		json_decref(sessions);
		resp_internal(r, "reading the account failed");
		return;
	}
	json_t *user = auth_user_json(r);
	json_object_set_new(user, "must_change_password", json_boolean(accounts_must_change_password(db, r->user.id)));
	resp_json(r, 200, json_pack("{s:o,s:o,s:o}", "user", user, "usage", quota_json(&q), "sessions", sessions));
}

/* The password given is the account's: else 401 (429 after too many tries,
 * as for logins), and false. */
static bool password_ok(struct req *r, struct db *db, const char *field)
{
	const char *password = req_field(r, field, "");
	const char *key = accounts_name_key(&r->arena, r->user.username);
	/* Counted before the check, as for logins (lib/core/throttle). */
	struct throttle_ticket ticket;
	if (!throttle_allows(r, throttle_login(r, db, key, &ticket), "too many wrong passwords"))
		return false;
	const char *hash = NULL;
	if (accounts_password_hash(db, &r->arena, r->user.id, &hash) < 0) {
		resp_internal(r, "reading the account failed");
		return false;
	}
	if (!*password || strlen(password) > 1024 || !auth_verify_password(hash, password)) {
		resp_error(r, 401, "unauthorized", "the %s is wrong", strcmp(field, "password") == 0 ? "password"
											 : "current password");
		return false;
	}
	throttle_login_ok(r, db, key, &ticket);
	return true;
}

static void change_password(struct req *r, struct db *db)
{
	const char *now = req_field(r, "new_password", "");
	const char *problem = auth_password_problem(now);
	if (problem || strcmp(now, req_field(r, "current_password", "")) == 0) {
		resp_error(r, 400, "invalid_input", "new_password: %s", problem ? problem
			   : "choose a password other than the current one");
		return;
	}
	if (!password_ok(r, db, "current_password"))
		return;
	char hash[AUTH_HASH_MAX];
	int ended = 0;
	if (auth_hash_password(now, hash) != 0 ||
	    accounts_set_password(db, r->user.id, hash, r->user.session_id, &ended) != ACCOUNTS_OK) {
		resp_internal(r, "storing the new password failed");
		return;
	}
	resp_json(r, 200, json_pack("{s:b,s:i}", "ok", 1, "sessions_ended", ended));
}

static void revoke(struct req *r, struct db *db)
{
	int64_t id;
	if (req_field_int(r, "session_id", 0, 1, INT64_MAX, &id) <= 0) {
		resp_error(r, 400, "invalid_input", "session_id is required");
		return;
	}
	if (id == r->user.session_id) {
		/* This very session: a logout. */
		if (auth_session_end(r, db) < 0)
			resp_internal(r, "ending the session failed");
		else
			resp_json(r, 200, json_pack("{s:b,s:b}", "ok", 1, "current", 1));
		return;
	}
	int rc = accounts_revoke_session(db, r->user.id, id);
	if (rc < 0)
		resp_internal(r, "ending the session failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", "no such session");
	else
		resp_json(r, 200, json_pack("{s:b,s:b}", "ok", 1, "current", 0));
}

static void delete_account(struct req *r, struct db *db)
{
	if (!password_ok(r, db, "password"))
		return;
	switch (accounts_delete_self(db, &r->arena, &r->user)) {
	case ACCOUNTS_OK:
		/* The session went with the account: the cookie and the cache's
		 * note of the token go too; the conversations' text leaves the WAL. */
		auth_session_end(r, db);
		db_forget(db);
		resp_json(r, 200, json_pack("{s:b}", "ok", 1));
		break;
	case ACCOUNTS_LAST_ADMIN:
		resp_error(r, 409, "conflict", "you are the last active administrator: make another account "
			   "admin first");
		break;
	default:
		resp_internal(r, "deleting the account failed");
	}
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET,POST", APP_MEMBER); /* a visitor has no account */
	if (!db)
		return;
	if (!req_is_post(r)) {
		show(r, db);
		return;
	}
	const char *action = req_field(r, "action", "");
	if (strcmp(action, "password") == 0)
		change_password(r, db);
	else if (strcmp(action, "revoke") == 0)
		revoke(r, db);
	else if (strcmp(action, "delete") == 0)
		delete_account(r, db);
	else
		resp_error(r, 400, "invalid_input", "action must be password, revoke or delete");
}

int main(void)
{
	return app_main("account", handle, APP_KIND);
}
