/* turn: the rows of one chat action, written in one short transaction with
 * the owner checked in the same statement that writes them:
 *   send        a question and an empty reply at the end of the current path
 *               (a new conversation when none is named);
 *   regenerate  a new version of a reply, to the same question;
 *   edit        a new version of a question, and its reply;
 *   continue    a new version of a cut-off reply that starts with its text.
 * The new reply has status "streaming", its row in lib/chat/streams, and is
 * on the current path; the earlier versions stay reachable (lib/chat/branch). */
#ifndef MC_TURN_H
#define MC_TURN_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct quota;

/* The message an action names, read with its owner checked. */
struct turn_target {
	int64_t id;
	int64_t conversation_id;
	int64_t parent_id;        /* 0: the conversation's first */
	const char *role;
	const char *status;
	const char *content;
	const char *conversation_model;
	int64_t question_id;      /* a reply's question (0 when it has none) */
	int64_t question_parent_id; /* and the message before that question */
	const char *question;
};

/* 1 found (a message in one of user_id's conversations), 0 not, -1 error. */
int turn_target_load(struct db *db, struct arena *a, int64_t user_id, int64_t message_id,
		     struct turn_target *t);

/* What a turn wrote. */
struct turn {
	int64_t conversation_id;  /* send: 0 on input for a new conversation */
	int64_t assistant_id;     /* on input: a new conversation's assistant (0: none) */
	bool template_reply;      /* on input: the reply is written without a model (model NULL) */
	long max_streams;         /* on input: replies the user may have generated at once (0: any) */
	int64_t user_message_id;  /* the question the new reply answers */
	int64_t reply_id;
	int64_t history_id;       /* the message before the question (0: none) */
	bool created;             /* a new conversation */
};

enum turn_result {
	TURN_OK,
	TURN_NOT_FOUND,   /* the conversation or message is gone, or not the user's */
	TURN_QUOTA,       /* the quota was used up meanwhile */
	TURN_BUSY,        /* the user has max_streams replies being generated */
	TURN_ERROR,       /* database error, logged */
};

/* q: the user's quota, counted again inside the write (NULL: no limit). */
enum turn_result turn_send(struct db *db, struct arena *a, int64_t user_id, const char *model,
			   const char *text, struct quota *q, struct turn *t);
enum turn_result turn_regenerate(struct db *db, int64_t user_id, const struct turn_target *reply,
				 const char *model, struct quota *q, struct turn *t);
enum turn_result turn_edit(struct db *db, int64_t user_id, const struct turn_target *question,
			   const char *text, const char *model, struct quota *q, struct turn *t);
enum turn_result turn_continue(struct db *db, int64_t user_id, const struct turn_target *reply,
			       const char *model, struct quota *q, struct turn *t);

#endif
