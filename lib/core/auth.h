/* auth: Argon2id passwords, random session tokens stored as hashes, the
 * session cookie and the Origin check (libsodium). Login throttling is
 * lib/core/throttle. */
#ifndef MC_AUTH_H
#define MC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct req;
struct db;

#define AUTH_HASH_MAX 128   /* crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_LEN 43   /* 32 random bytes, base64url without padding */
#define AUTH_TOKEN_HASH_LEN 64

int auth_init(void); /* sodium_init; 0 or -1 */

int auth_hash_password(const char *password, char out[AUTH_HASH_MAX]);
/* True when password matches; spends the same time when hash is NULL
 * (unknown user) by checking against a fixed dummy hash. */
bool auth_verify_password(const char *hash, const char *password);

/* A fresh random token and the hex hash that is stored for it. */
void auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_TOKEN_HASH_LEN + 1]);
void auth_token_hash(const char *token, char hash[AUTH_TOKEN_HASH_LEN + 1]);

/* 0 ok, else a message for the user. */
const char *auth_password_problem(const char *password);

/* Create a session for the user, set the cookie, return the token. */
const char *auth_session_start(struct req *r, struct db *db, int64_t user_id);
/* The same, lasting days (a visitor's session lasts guest_days); the
 * cookie is set only when cookie is true. */
const char *auth_session_open(struct req *r, struct db *db, int64_t user_id, long days, bool cookie);
/* Revoke the request's session and clear the cookie. */
int auth_session_end(struct req *r, struct db *db);
/* Fill r->user from the cookie or the Bearer token: from the session's
 * snapshot in the cache, else from the database (db NULL: the cache only).
 * 1 logged in, 0 not, -1 db error. */
int auth_load_user(struct req *r, struct db *db);
/* Load the user or answer 401 (403 for require_admin) and return false. */
bool auth_require_user(struct req *r, struct db *db);
bool auth_require_admin(struct req *r, struct db *db);
/* A logged-in account, not a visitor (403 for a visitor). */
bool auth_require_member(struct req *r, struct db *db);

/* docs/API.md: a state-changing request whose Origin names another host is refused. */
bool auth_origin_ok(const struct req *r);

/* JSON object {"id","username","role","created_at"} for r->user. */
struct json_t;
struct json_t *auth_user_json(const struct req *r);

#endif
