/* accounts: what administrators do to accounts: list them, disable or
 * enable one, grant or remove the admin role, never leaving the site
 * without an active administrator; every change in the audit log. */
#ifndef MC_ACCOUNTS_H
#define MC_ACCOUNTS_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct db;
struct req_user;

enum accounts_result {
	ACCOUNTS_OK,
	ACCOUNTS_NOT_FOUND,
	ACCOUNTS_LAST_ADMIN, /* the change would leave no active administrator */
	ACCOUNTS_ERROR,      /* database error, logged */
};

/* [{"id", "username", "role", "disabled", "created_at", "last_login_at"}] by id. */
json_t *accounts_list_json(struct db *db, int limit);

/* Change user_id: disabled 0/1 (-1: leave it), role "admin"/"user" (NULL:
 * leave it). Disabling also ends the account's sessions. One transaction;
 * *user_out (on ACCOUNTS_OK) is the account as it now is. */
enum accounts_result accounts_change(struct db *db, struct arena *a, const struct req_user *actor,
				     int64_t user_id, int disabled, const char *role, json_t **user_out);

#endif
