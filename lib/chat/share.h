/* share: read-only links to a conversation. A link shows the path up to
 * the last message there was when it was made (later messages stay
 * private; sharing again moves it on), by an unguessable token (32 random
 * bytes from libsodium) kept for the owner to copy again and looked up by
 * its hash. Revoked by the owner; gone with the conversation. */
#ifndef MC_SHARE_H
#define MC_SHARE_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct db;

enum share_result { SHARE_OK, SHARE_NOT_FOUND, SHARE_EMPTY, SHARE_ERROR };

/* Share user_id's conversation up to its current last message: the link
 * it had is kept (and moved on), or a new one made. *token on SHARE_OK. */
enum share_result share_create(struct db *db, struct arena *a, int64_t user_id, int64_t conversation_id,
			       const char **token);
/* 1 revoked, 0 no such conversation of the user's, -1 error; revoking a
 * conversation that was not shared is 1 too. */
int share_remove(struct db *db, int64_t user_id, int64_t conversation_id);
/* The token of user_id's shared conversation, or NULL. */
const char *share_token(struct db *db, struct arena *a, int64_t user_id, int64_t conversation_id);

/* What a link shows: {"conversation": {"title", "created_at",
 * "updated_at", "shared_at"}, "messages": [...]} (the messages as history
 * gives them: the caller leaves out what is the owner's alone). 1 found
 * (*out set, *conversation_id its conversation), 0 no such link, -1 error. */
int share_find(struct db *db, const char *token, int64_t *conversation_id, json_t **out);

#endif
