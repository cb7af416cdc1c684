/* throttle: attempts counted per key in a time window (login_failures:
 * "user:NAME" and "addr:IP" for logins, "reg:IP" for registrations). The
 * attempt is recorded BEFORE the expensive check it guards (Argon2id), in
 * the same write transaction that counts the earlier ones: parallel
 * attempts are counted one after the other instead of all passing a count
 * taken before any of them failed. */
#ifndef MC_THROTTLE_H
#define MC_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct req;
struct db;

/* The attempts one call recorded (a login gives them back when it succeeds). */
struct throttle_ticket {
	int64_t ids[2];
	int n;
};

/* A login for username_key from the request's address: 0 with the attempt
 * recorded for both, or the seconds until one is allowed (login_max_failures
 * per account, login_max_failures_ip per address, in login_window_seconds);
 * -1 on a database error. */
int64_t throttle_login(struct req *r, struct db *db, const char *username_key, struct throttle_ticket *t);
/* The password was right: the attempt, and the account's earlier failures, are forgotten. */
void throttle_login_ok(struct req *r, struct db *db, const char *username_key, const struct throttle_ticket *t);

/* A registration from the request's address (register_max_per_ip in
 * register_window_seconds): 0 recorded, seconds to wait, or -1. */
int64_t throttle_register(struct req *r, struct db *db);

/* What a program answers for a wait those give: true for 0 (go on);
 * else it has answered, 500 for -1 or 429 with Retry-After for a wait
 * ("too_many: try again in N seconds"), and false. */
bool throttle_allows(struct req *r, int64_t wait, const char *too_many);

#endif
