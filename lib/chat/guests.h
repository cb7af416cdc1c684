/* guests: visitors, people without an account who chat with a public
 * assistant: a row of users that is not an account (guest = 1, no password
 * that can verify, a generated name), their limits per visitor and per
 * address (events of the last hour), and the purge of visitors not seen for
 * guest_days, with their conversations. */
#ifndef MC_GUESTS_H
#define MC_GUESTS_H

#include <stdint.h>

struct arena;
struct conf;
struct db;
struct req_user;

/* What a visitor's limits count. */
#define GUESTS_MESSAGE "message"
#define GUESTS_SESSION "session"

/* A new visitor: *out gets the id, the generated name, role "guest" and
 * created_at. 0, or -1 on a database error. */
int guests_create(struct db *db, struct arena *a, struct req_user *out);

/* Seconds to wait before one more event of kind (0: now), when this
 * visitor (user_id, 0 for none) already had per_user in the last hour or
 * the address per_address (a limit of 0 is no limit). -1 on error. */
int64_t guests_wait(struct db *db, const char *kind, int64_t user_id, const char *address,
		    long per_user, long per_address);
/* Count one event, and forget those older than an hour. */
int guests_note(struct db *db, const char *kind, int64_t user_id, const char *address);

/* Delete up to limit visitors whose last use is older than days, with
 * their conversations (the read cache forgets them too). The number
 * deleted, or -1 on error. */
int guests_purge(struct db *db, const struct conf *c, long days, int limit);

#endif
