/* branch: a conversation's messages as a tree (migration 008: parent_id,
 * selected): the current path, the versions of a message, switching
 * between them, and the model's history along one path. */
#ifndef MC_BRANCH_H
#define MC_BRANCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* The last message of the current path: 1 found, 0 the conversation is
 * empty, -1 on error. */
int branch_leaf(struct db *db, int64_t conversation_id, int64_t *leaf);

/* The current path, oldest first, as API.md message objects (with
 * "parent_id", "feedback" when the reply was rated, and "versions" and
 * "version_index" on a message that has other versions). NULL on error. */
json_t *branch_path_json(struct db *db, int64_t conversation_id);

/* The messages that lead to last_id (a message of conversation_id) and
 * last_id itself, oldest first, whichever versions are selected now (what
 * a share link shows). Empty when last_id is not in the conversation. */
json_t *branch_chain_json(struct db *db, int64_t conversation_id, int64_t last_id);

/* Every message of a conversation, the versions not on the path too,
 * oldest first, as the export writes them. NULL on error. */
json_t *branch_all_json(struct db *db, int64_t conversation_id);

/* In the caller's transaction: message_id becomes the selected version
 * among its siblings. 0, or -1 on error. */
int branch_select(struct db *db, int64_t message_id);

/* message_id (a message of conversation_id, which user_id owns: checked
 * in the same statement) and every message before it become the selected
 * versions, so the current path runs through it. 1 done, 0 no such
 * message of yours, -1 on error. */
int branch_switch(struct db *db, int64_t user_id, int64_t conversation_id, int64_t message_id);

/* The path that ends with last_id (included), oldest first, as model
 * messages ({"role","content"}); empty and failed replies are left out,
 * and only the newest ones that fit in budget_bytes are kept. last_id 0:
 * an empty history. */
json_t *branch_history(struct db *db, int64_t last_id, size_t budget_bytes);

#endif
