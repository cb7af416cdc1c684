/* register: create an account (the first one is the admin) and log it in.
 * A visitor who registers keeps their conversations: their own row becomes
 * the account. Everything cheap is refused before the password is hashed
 * (Argon2id, 19 MiB): a bad field, closed registration, a taken name, an
 * address over its registration limit. */
#include "chat/accounts.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/throttle.h"

#include <string.h>

/* The refusals that cost no hashing: true when the account may be made. */
static bool may_register(struct req *r, struct db *db, const char *name)
{
	enum accounts_result rc = accounts_may_create(db, r->conf, &r->arena, name);
	if (rc == ACCOUNTS_CLOSED)
		resp_error(r, 403, "registration_closed", "registration is closed; ask an administrator");
	else if (rc == ACCOUNTS_TAKEN)
		resp_error(r, 409, "conflict", "the username '%s' is taken", name);
	else if (rc != ACCOUNTS_OK)
		resp_internal(r, "checking the username failed");
	if (rc != ACCOUNTS_OK)
		return false;
	return throttle_allows(r, throttle_register(r, db), "too many registrations from this address");
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "POST", APP_ANYONE);
	if (!db)
		return;
	const char *name = req_field(r, "username", "");
	const char *password = req_field(r, "password", "");
	const char *problem;
	if (!accounts_name_valid(name)) {
		resp_error(r, 400, "invalid_input", "username must be 3 to 32 of A-Z a-z 0-9 _ . -");
		return;
	}
	if ((problem = auth_password_problem(password))) {
		resp_error(r, 400, "invalid_input", "%s", problem);
		return;
	}
	if (!may_register(r, db, name))
		return;
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(password, hash) < 0) {
		resp_internal(r, "password hashing failed (out of memory?)");
		return;
	}
	/* Who asks: a visitor's session names the row to keep. */
	if (auth_load_user(r, db) < 0) {
		resp_internal(r, "loading the session failed");
		return;
	}
	int64_t guest_id = r->user.id && strcmp(r->user.role, "guest") == 0 ? r->user.id : 0;
	struct req_user account = { 0 };
	switch (accounts_claim(db, r->conf, &r->arena, guest_id, name, hash, &account)) {
	case ACCOUNTS_OK:
		break;
	case ACCOUNTS_TAKEN:
		resp_error(r, 409, "conflict", "the username '%s' is taken", name);
		return;
	case ACCOUNTS_CLOSED:
		resp_error(r, 403, "registration_closed", "registration is closed; ask an administrator");
		return;
	case ACCOUNTS_NOT_FOUND:
		resp_error(r, 409, "conflict", "this visitor session ended meanwhile; try again");
		return;
	default:
		resp_internal(r, "creating the user failed");
		return;
	}
	r->user = account;
	const char *token = auth_session_start(r, db, r->user.id);
	if (!token) {
		resp_internal(r, "creating the session failed");
		return;
	}
	resp_json(r, 201, json_pack("{s:o,s:s}", "user", auth_user_json(r), "token", token));
}

int main(void)
{
	return app_main("register", handle, APP_KIND);
}
