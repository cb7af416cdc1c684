/* accounts_self: what users do to their own account: the sessions they
 * have open (and ending one), a new password (which ends every other
 * session), leaving for good; and whether an administrator's reset
 * obliges them to choose a new password. */
#ifndef MC_ACCOUNTS_SELF_H
#define MC_ACCOUNTS_SELF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "chat/accounts.h"

struct arena;
struct db;
struct req_user;

/* [{"id", "created_at", "last_seen_at", "user_agent", "address",
 * "current"}] of the sessions still valid, the last used first. */
json_t *accounts_sessions_json(struct db *db, int64_t user_id, int64_t current_session_id);

/* The account's password hash (arena copy): 1, 0 no such account, -1 error. */
int accounts_password_hash(struct db *db, struct arena *a, int64_t user_id, const char **hash);

/* A new password hash; every session but keep_session_id ends, and a reset
 * no longer obliges a change. *ended gets how many sessions ended. */
enum accounts_result accounts_set_password(struct db *db, int64_t user_id, const char *hash,
					   int64_t keep_session_id, int *ended);

/* 1 ended, 0 no such session of the user's, -1 error. */
int accounts_revoke_session(struct db *db, int64_t user_id, int64_t session_id);

/* The user's account and everything in it go (never the last active
 * administrator: ACCOUNTS_LAST_ADMIN); recorded in the audit log. */
enum accounts_result accounts_delete_self(struct db *db, struct arena *a, const struct req_user *user);

/* Whether an administrator reset the password and it is still to be changed. */
bool accounts_must_change_password(struct db *db, int64_t user_id);

#endif
