/* accounts_admin: what administrators do to other accounts besides
 * disabling and roles (lib/chat/accounts): reset a forgotten password to a
 * temporary one that must be changed at the next login, delete an account
 * (never the last active administrator), set an account's own quota. Each
 * change is in the audit log, in the same transaction. */
#ifndef MC_ACCOUNTS_ADMIN_H
#define MC_ACCOUNTS_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "chat/accounts.h"

struct arena;
struct db;
struct req_user;

#define ACCOUNTS_TEMP_PASSWORD_LEN 16

/* A new temporary password (shown once: *password, arena), the account's
 * sessions ended, the change forced at its next login. */
enum accounts_result accounts_reset_password(struct db *db, struct arena *a, const struct req_user *actor,
					     int64_t user_id, const char **password);

/* The account and all it holds go. */
enum accounts_result accounts_delete(struct db *db, struct arena *a, const struct req_user *actor,
				     int64_t user_id);

/* The account's own daily quota: a limit (0: none), or -1 for the setting's. */
enum accounts_result accounts_set_quota(struct db *db, struct arena *a, const struct req_user *actor,
					int64_t user_id, int64_t messages_per_day, int64_t tokens_per_day);

#endif
