/* accounts: the users table, and nothing else touches it: a name's rule and
 * the key it is unique under, creating an account (the first is the
 * admin), finding one to log in; and what administrators do to accounts:
 * list them, disable or enable one, grant or remove the admin role, never
 * leaving the site without an active administrator; every change in the
 * audit log. */
#ifndef MC_ACCOUNTS_H
#define MC_ACCOUNTS_H

#include <jansson.h>
#include <stdint.h>

#include <stdbool.h>

struct arena;
struct conf;
struct db;
struct req_user;

enum accounts_result {
	ACCOUNTS_OK,
	ACCOUNTS_NOT_FOUND,
	ACCOUNTS_LAST_ADMIN, /* the change would leave no active administrator */
	ACCOUNTS_TAKEN,      /* the name is in use (whatever its case) */
	ACCOUNTS_CLOSED,     /* registration is closed */
	ACCOUNTS_ERROR,      /* database error, logged */
};

/* A member's account as the administrators' changes read it. */
struct account {
	int64_t id;
	const char *username; /* in the arena given to accounts_load */
	const char *role;
	int disabled;
	int64_t messages, tokens; /* its own daily quota; -1: the setting's */
};

/* A member's account (never a visitor's) by id, read inside the caller's
 * transaction: 1 found, 0 not, -1 error. */
int accounts_load(struct db *db, struct arena *a, int64_t id, struct account *acc);
/* 1 when no active administrator but user_id would be left, 0 if another
 * one is, -1 on error. */
int accounts_is_last_admin(struct db *db, int64_t user_id);

/* A username: 3 to 32 of A-Z a-z 0-9 _ . - */
bool accounts_name_valid(const char *name);
/* The key a name is unique under (ASCII letters folded to lower case). */
const char *accounts_name_key(struct arena *a, const char *name);

/* Whether an account of that name could be created now (registration
 * open or no account yet, the name free), without writing: the checks to
 * make before the costly password hash. ACCOUNTS_OK, _CLOSED, _TAKEN or _ERROR;
 * accounts_create checks again. */
enum accounts_result accounts_may_create(struct db *db, const struct conf *c, struct arena *a,
					 const char *name);

/* Create an account with a password hash (lib/core/auth). The first one is
 * the admin and may always be created; later ones only while registration
 * is open. On ACCOUNTS_OK, *user is filled (id, username, role, created_at). */
enum accounts_result accounts_create(struct db *db, const struct conf *c, struct arena *a,
				     const char *name, const char *hash, struct req_user *user);
/* The same for a visitor (guest_id, lib/chat/guests) who registers: their
 * own row becomes the account (same id, so their conversations stay) and
 * their visitor session ends. guest_id 0 is accounts_create. */
enum accounts_result accounts_claim(struct db *db, const struct conf *c, struct arena *a, int64_t guest_id,
				    const char *name, const char *hash, struct req_user *user);

struct accounts_login {
	int64_t id;          /* 0: no such account */
	const char *hash;    /* its password hash */
	bool disabled;
};
/* The account a login names (by its key). 0, or -1 on a database error. */
int accounts_find_login(struct db *db, struct arena *a, const char *name, struct accounts_login *out);
/* Note a successful login. */
int accounts_note_login(struct db *db, int64_t id);

/* [{"id", "username", "role", "disabled", "created_at", "last_login_at"}]
 * by id: accounts only, never visitors. */
json_t *accounts_list_json(struct db *db, int limit);

/* Change user_id: disabled 0/1 (-1: leave it), role "admin"/"user" (NULL:
 * leave it). Disabling also ends the account's sessions. One transaction;
 * *user_out (on ACCOUNTS_OK) is the account as it now is. */
enum accounts_result accounts_change(struct db *db, struct arena *a, const struct req_user *actor,
				     int64_t user_id, int disabled, const char *role, json_t **user_out);

#endif
