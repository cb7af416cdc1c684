/* assist_history: what the assistant understood and showed for the replies
 * of a past conversation, rebuilt from the NLU log, so that a conversation
 * read back from history carries the same intent and cards as when it was
 * streamed. */
#ifndef MC_ASSIST_HISTORY_H
#define MC_ASSIST_HISTORY_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct db;

/* Add "intent" ({"name","confidence","entities"}) and "context"
 * ({"products": [...], "offices": [...]}, the chat meta event's shape) to
 * every assistant message of messages (the conversation's, as
 * convo_messages_json gives them) that has a row in the NLU log. Messages
 * without one are left as they are. Two queries for the whole
 * conversation. 0, or -1 on a database error. */
int assist_history_attach(struct db *db, struct arena *a, int64_t conversation_id, json_t *messages);

#endif
