/* register: create an account (the first one is the admin) and log it in. */
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "core/util.h"

#include <ctype.h>
#include <string.h>

static char *lower(struct req *r, const char *s)
{
	char *k = arena_strdup(&r->arena, s);
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* 0 created, 409 taken, 403 closed, -1 database error. */
static int create_user(struct req *r, struct db *db, const char *name, const char *hash,
		       int64_t *id, const char **role)
{
	if (db_begin(db) < 0)
		return -1;
	int64_t users = 0, taken = 0;
	const char *key = lower(r, name);
	if (db_int(db, &users, "SELECT count(*) FROM users", "") < 0 ||
	    db_int(db, &taken, "SELECT count(*) FROM users WHERE username_key = ?1", "s", key) < 0)
		goto fail;
	if (taken) {
		db_rollback(db);
		return 409;
	}
	/* The first account may always be created: it is the admin. */
	if (users > 0 && !settings_get_bool(db, &r->arena, "open_registration", true)) {
		db_rollback(db);
		return 403;
	}
	*role = users == 0 ? "admin" : "user";
	if (db_exec(db, "INSERT INTO users(username, username_key, password_hash, role) "
			"VALUES (?1, ?2, ?3, ?4)", "ssss", name, key, hash, *role) < 0)
		goto fail;
	*id = db_last_id(db);
	if (db_commit(db) < 0)
		return -1;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

static void handle(struct req *r)
{
	if (!req_allow(r, "POST") || req_parse(r) < 0)
		return;
	const char *name = req_field(r, "username", "");
	const char *password = req_field(r, "password", "");
	const char *problem;
	if (!auth_username_valid(name)) {
		resp_error(r, 400, "invalid_input", "username must be 3 to 32 of A-Z a-z 0-9 _ . -");
		return;
	}
	if ((problem = auth_password_problem(password))) {
		resp_error(r, 400, "invalid_input", "%s", problem);
		return;
	}
	struct db *db = req_db(r);
	if (!db)
		return;
	char hash[AUTH_HASH_MAX];
	if (auth_hash_password(password, hash) < 0) {
		resp_internal(r, "password hashing failed (out of memory?)");
		return;
	}
	int64_t id = 0;
	const char *role = NULL;
	int rc = create_user(r, db, name, hash, &id, &role);
	if (rc == 409) {
		resp_error(r, 409, "conflict", "the username '%s' is taken", name);
		return;
	}
	if (rc == 403) {
		resp_error(r, 403, "registration_closed", "registration is closed; ask an administrator");
		return;
	}
	if (rc < 0) {
		resp_internal(r, "creating the user failed");
		return;
	}
	const char *token = auth_session_start(r, db, id);
	if (!token) {
		resp_internal(r, "creating the session failed");
		return;
	}
	r->user.id = id;
	r->user.username = name;
	r->user.role = role;
	db_text(db, &r->arena, &r->user.created_at, "SELECT created_at FROM users WHERE id = ?1", "I", id);
	resp_json(r, 201, json_pack("{s:o,s:s}", "user", auth_user_json(r), "token", token));
}

int main(void)
{
	return app_main("register", handle, 0);
}
