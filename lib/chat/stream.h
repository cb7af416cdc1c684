/* stream: one reply being written: the model's tokens sent as Server-Sent
 * Events as they come (or gathered into one JSON answer), the reply saved
 * as it grows, a stop the user asked for, and its end stored whatever it
 * is (done, stopped, partial, error); or an answer written without the
 * model (a template, or the fallback from the data when no model answers).
 *
 * The reply's row exists before (status "streaming", lib/chat/turn);
 * nothing here holds a transaction while the model talks. */
#ifndef MC_STREAM_H
#define MC_STREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "models/llm.h"
#include "models/pool.h"

struct db;
struct req;

struct stream {
	struct req *r;
	struct db *db;
	bool sse;
	const char *model;            /* NULL: no model (a template answer) */
	int64_t conversation_id;
	int64_t user_message_id;      /* the question answered */
	int64_t reply_id;             /* the reply being written */
	const char *action;           /* send, regenerate, edit or continue */
	json_t *extra;                /* members added to the meta event and the JSON answer (borrowed) */
	const char *fallback_answer;  /* written when no backend answers; NULL: an error */
	struct llm_options opt;

	/* The stream's own. */
	struct buf reply;
	size_t saved_len;
	struct pool_trace trace;
	int64_t last_save_ms, last_ping_ms, last_beat_ms;
	pid_t server;                 /* the parent that started us (lighttpd) */
	bool interrupted;             /* stopped because the server is stopping */
};

/* In main(): lighttpd's SIGTERM (the browser went away) stops the writing,
 * never the reply, which is still generated to its end and stored; SIGINT
 * (Ctrl-C of make run reaches the whole process group) stops the reply,
 * stored as 'partial'. */
void stream_catch_signals(void);

/* Set up s; prefix is the text the reply starts with (continue), or NULL. */
void stream_init(struct stream *s, struct req *r, struct db *db, bool sse, const char *prefix);
void stream_free(struct stream *s);

/* Start the answer: with SSE the head and the "meta" event. */
void stream_start(struct stream *s);
/* Ask the model with messages (the whole prompt; borrowed) and end the
 * reply with what it did. */
void stream_ask_model(struct stream *s, json_t *messages);
/* End the reply with text written without the model. */
void stream_answer(struct stream *s, const char *text, const char *status);
/* End the reply as failed: no model to ask at all. */
void stream_no_model(struct stream *s);

#endif
