/* convo: conversations and their messages in the database: the reply as
 * it grows and when it ends, a stop asked for, listings, and what a user
 * changes of a conversation (title, pin, archive, clear, delete). The rows
 * of a turn are lib/chat/turn's, the tree of versions lib/chat/branch's. */
#ifndef MC_CONVO_H
#define MC_CONVO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct sqlite3_stmt;

/* A reply being written, named with its conversation and their owner:
 * every write of it lands only while it is still that conversation's
 * streaming reply and the conversation still the user's (one statement). */
struct convo_reply_ref {
	int64_t id;
	int64_t conversation_id;
	int64_t user_id;
};

/* The conversation if it exists and belongs to user_id: 1, else 0; -1 on error.
 * *model gets its model (may be NULL). */
int convo_owned(struct db *db, struct arena *a, int64_t user_id, int64_t id, const char **model);

/* The assistant a conversation talks to (0: none, or it was deleted).
 * 0, or -1 on error. */
int convo_assistant(struct db *db, int64_t conversation_id, int64_t *assistant_id);

/* Save the reply so far (status stays "streaming"). */
int convo_save_progress(struct db *db, const struct convo_reply_ref *ref, const char *content);

struct convo_reply_end {
	const char *content;
	const char *status;        /* done, stopped, partial, error, fallback */
	const char *error_code;
	long eval_count, prompt_eval_count;
	int64_t duration_ms, first_token_ms; /* -1 = unknown */
};
/* In one transaction with the end of its row in lib/chat/streams. */
int convo_finish_reply(struct db *db, const struct convo_reply_ref *ref, const struct convo_reply_end *e);

/* Whether the reply should stop: the user asked to, or it is no longer
 * streaming (deleted with its conversation, or settled as abandoned). */
bool convo_cancel_requested(struct db *db, const struct convo_reply_ref *ref);
/* Mark a streaming reply of user_id for cancellation: 1 marked, 0 not
 * found (or not the user's), -1 error. *status gets its current status. */
int convo_request_cancel(struct db *db, struct arena *a, int64_t user_id,
			 int64_t message_id, const char **status);

/* A message as docs/API.md shows it, from a row whose first columns are
 * CONVO_MESSAGE_COLUMNS (each name after prefix, e.g. "m."). */
#define CONVO_MESSAGE_COLUMNS(p) \
	p "id, " p "role, " p "content, " p "model, " p "status, " p "created_at, " p "error_code, " p "parent_id"
json_t *convo_message_row(struct sqlite3_stmt *st);

/* docs/API.md objects. The list: pinned first, then the newest; the archived
 * ones only (archived) or all but them. */
json_t *convo_message_json(struct db *db, int64_t message_id);
json_t *convo_list_json(struct db *db, int64_t user_id, const char *q,
			int64_t limit, int64_t before, bool archived);
json_t *convo_json(struct db *db, int64_t user_id, int64_t id);

int convo_rename(struct db *db, int64_t user_id, int64_t id, const char *title);
int convo_set_pinned(struct db *db, int64_t user_id, int64_t id, bool pinned);
int convo_set_archived(struct db *db, int64_t user_id, int64_t id, bool archived);
int convo_delete(struct db *db, int64_t user_id, int64_t id);
int convo_clear(struct db *db, int64_t user_id, int64_t id);

/* A title from the first message: its first line, cut at a word near 60
 * bytes without splitting a UTF-8 character. */
char *convo_title_from(struct arena *a, const char *text);

#endif
