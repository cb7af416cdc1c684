/* convo: conversations and their messages in the database: a turn's rows,
 * the reply as it grows and when it ends, listings and the prompt history. */
#ifndef MC_CONVO_H
#define MC_CONVO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct convo_turn {
	int64_t conversation_id;   /* 0 on input: start a new conversation */
	int64_t assistant_id;      /* on input: the new conversation's assistant (0: none) */
	bool template_reply;       /* on input: the reply is written without a model (model NULL) */
	int64_t user_message_id;
	int64_t reply_id;          /* the assistant message, status "streaming" */
	int64_t user_id;           /* whose conversation it is (set by convo_start_turn) */
	long max_streams;          /* on input: replies the user may have in flight (0: any) */
	bool created;
};

/* What convo_start_turn may answer besides 0. */
enum {
	CONVO_ERROR = -1,  /* database error, logged */
	CONVO_BUSY = -2,   /* the user has max_streams replies being generated */
	CONVO_GONE = -3,   /* the conversation is not (or no longer) the user's */
};

/* The conversation if it exists and belongs to user_id: 1, else 0; -1 on error.
 * *model gets its model (may be NULL). */
int convo_owned(struct db *db, struct arena *a, int64_t user_id, int64_t id, const char **model);

/* The assistant a conversation talks to (0: none, or it was deleted).
 * 0, or -1 on error. */
int convo_assistant(struct db *db, int64_t conversation_id, int64_t *assistant_id);

/* In one short transaction: create the conversation when needed (titled
 * from the message), store the user's message and an empty reply with
 * status "streaming" (and its row in lib/chat/streams, checked against
 * t->max_streams first), and remember the model. 0, or a CONVO_ code. */
int convo_start_turn(struct db *db, int64_t user_id, const char *model,
		     const char *text, struct convo_turn *t);

/* Save the reply so far (status stays "streaming"). Like every write of a
 * turn's reply, it lands only while that reply is still its conversation's
 * streaming reply and the conversation is still the user's (one statement). */
int convo_save_progress(struct db *db, const struct convo_turn *t, const char *content);

struct convo_reply_end {
	const char *content;
	const char *status;        /* done, stopped, partial, error, fallback */
	const char *error_code;
	long eval_count, prompt_eval_count;
	int64_t duration_ms, first_token_ms; /* -1 = unknown */
};
int convo_finish_reply(struct db *db, const struct convo_turn *t, const struct convo_reply_end *e);

/* Whether the reply should stop: the user asked to, or it is no longer
 * streaming (deleted with its conversation, or settled as abandoned). */
bool convo_cancel_requested(struct db *db, const struct convo_turn *t);
/* Mark a streaming reply of user_id for cancellation: 1 marked, 0 not
 * found (or not the user's), -1 error. *status gets its current status. */
int convo_request_cancel(struct db *db, struct arena *a, int64_t user_id,
			 int64_t message_id, const char **status);

/* The earlier turns of a conversation, oldest first, as model messages
 * ({"role","content"}), newest kept first within budget_bytes. */
json_t *convo_prompt_history(struct db *db, int64_t conversation_id,
			     int64_t before_id, size_t budget_bytes);

/* docs/API.md objects. */
json_t *convo_message_json(struct db *db, int64_t message_id);
json_t *convo_list_json(struct db *db, int64_t user_id, const char *q,
			int64_t limit, int64_t before);
json_t *convo_json(struct db *db, int64_t user_id, int64_t id);
json_t *convo_messages_json(struct db *db, int64_t conversation_id);

int convo_rename(struct db *db, int64_t user_id, int64_t id, const char *title);
int convo_delete(struct db *db, int64_t user_id, int64_t id);
int convo_clear(struct db *db, int64_t user_id, int64_t id);

/* A title from the first message: its first line, cut at a word near 60
 * bytes without splitting a UTF-8 character. */
char *convo_title_from(struct arena *a, const char *text);

#endif
