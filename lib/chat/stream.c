/* stream: one reply being written, streamed or answered whole (see stream.h). */
#define _POSIX_C_SOURCE 200809L
#include "chat/stream.h"
#include "chat/convo.h"
#include "chat/streams.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STREAM_MAX_REPLY (4 * 1024 * 1024)
#define STREAM_SAVE_EVERY_MS 300
#define STREAM_PING_EVERY_MS 15000

/* Set by SIGTERM (the browser went away) and SIGINT (the server stops).
 * The chat program runs as plain CGI only (one process per reply), so
 * these flags never outlive the request they are about. */
static volatile sig_atomic_t stream_client_gone;
static volatile sig_atomic_t stream_shutdown;

static void on_signal(int sig)
{
	if (sig == SIGTERM)
		stream_client_gone = 1;
	else
		stream_shutdown = 1;
}

void stream_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Every write of the reply names its conversation and owner. */
static struct convo_reply_ref reply_ref(const struct stream *s)
{
	return (struct convo_reply_ref){ s->reply_id, s->conversation_id, s->r->user.id };
}

void stream_init(struct stream *s, struct req *r, struct db *db, bool sse, const char *prefix)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->db = db;
	s->sse = sse;
	s->action = "send";
	buf_init(&s->reply, STREAM_MAX_REPLY);
	if (prefix && *prefix)
		buf_puts(&s->reply, prefix);
	s->saved_len = s->reply.len;
	s->last_save_ms = s->last_ping_ms = s->last_beat_ms = util_mono_ms();
	s->server = getppid();
}

void stream_free(struct stream *s)
{
	buf_free(&s->reply);
}

/* ---- output ---- */

static void send_event(struct stream *s, const char *event, json_t *data)
{
	if (stream_client_gone)
		s->r->client_gone = true;
	if (s->sse && !s->r->client_gone) {
		resp_sse_event(s->r, event, data);
		s->last_ping_ms = util_mono_ms();
	} else {
		json_decref(data);
	}
}

static void add_extra(struct stream *s, json_t *obj)
{
	if (s->extra)
		json_object_update(obj, s->extra);
}

void stream_start(struct stream *s)
{
	if (!s->sse)
		return;
	resp_sse_begin(s->r);
	json_t *meta = json_pack("{s:I,s:I,s:I,s:s?,s:s}",
		"conversation_id", (json_int_t)s->conversation_id,
		"user_message_id", (json_int_t)s->user_message_id,
		"message_id", (json_int_t)s->reply_id, "model", s->model, "action", s->action);
	if (s->reply.len)
		json_object_set_new(meta, "content", json_string(buf_str(&s->reply)));
	add_extra(s, meta);
	send_event(s, "meta", meta);
}

/* ---- while the model talks ---- */

static int on_token(void *ctx, const char *text, size_t len)
{
	struct stream *s = ctx;
	if (buf_append(&s->reply, text, len) < 0)
		return 1; /* the reply outgrew its cap: stop it there */
	send_event(s, "token", json_pack("{s:s%}", "content", text, len));
	return 0;
}

/* The server is stopping: SIGINT, or our parent (lighttpd, which sends
 * SIGTERM also when only the browser went away) has exited. */
static bool server_stopping(const struct stream *s)
{
	return stream_shutdown || getppid() != s->server;
}

/* Every few saves, the reply's row says this process still writes it. */
static void heartbeat(struct stream *s, int64_t now)
{
	if (now - s->last_beat_ms < STREAMS_HEARTBEAT_MS)
		return;
	s->last_beat_ms = now;
	streams_heartbeat(s->db, s->reply_id, s->r->user.id);
}

static int on_tick(void *ctx)
{
	struct stream *s = ctx;
	int64_t now = util_mono_ms();
	if (server_stopping(s)) {
		s->interrupted = true;
		return 1;
	}
	if (now - s->last_save_ms < STREAM_SAVE_EVERY_MS)
		return 0;
	s->last_save_ms = now;
	struct convo_reply_ref ref = reply_ref(s);
	if (s->reply.len != s->saved_len) {
		convo_save_progress(s->db, &ref, buf_str(&s->reply));
		s->saved_len = s->reply.len;
	}
	heartbeat(s, now);
	if (s->sse && !s->r->client_gone && now - s->last_ping_ms > STREAM_PING_EVERY_MS) {
		resp_sse_ping(s->r);
		s->last_ping_ms = now;
	}
	if (stream_client_gone)
		s->r->client_gone = true;
	return convo_cancel_requested(s->db, &ref);
}

/* ---- the ending ---- */

static int http_status_for(const char *code, bool none_available)
{
	if (strcmp(code, "llm_timeout") == 0)
		return 504;
	if (strcmp(code, "invalid_input") == 0)
		return 400;
	/* 503 when no backend could even be tried (no model to ask, or their
	 * state unreadable: a breaker never refuses alone, lib/models/pool's
	 * panic mode tries one anyway), 502 when the ones tried failed. */
	return none_available ? 503 : 502;
}

static void answer_whole(struct stream *s, const char *status, const char *code, const char *message)
{
	struct req *r = s->r;
	json_t *reply = convo_message_json(s->db, s->reply_id);
	if (!reply) {
		/* Deleted (another tab) while it was being written. */
		resp_error(r, 404, "not_found", "the conversation was deleted while the reply was written");
		return;
	}
	json_t *body = json_pack("{s:I,s:I,s:o,s:s}", "conversation_id", (json_int_t)s->conversation_id,
				 "user_message_id", (json_int_t)s->user_message_id, "message", reply,
				 "action", s->action);
	add_extra(s, body);
	if (code && strcmp(status, "error") == 0) {
		json_object_set_new(body, "error", json_pack("{s:s,s:s}", "code", code, "message", message));
		resp_json(r, http_status_for(code, s->trace.none_available), body);
	} else {
		resp_json(r, 200, body);
	}
}

static void finish(struct stream *s, const char *status, const char *code, const char *message,
		   const struct llm_result *res)
{
	struct convo_reply_end e = {
		.content = buf_str(&s->reply), .status = status, .error_code = code,
		.eval_count = res ? res->eval_count : 0, .prompt_eval_count = res ? res->prompt_eval_count : 0,
		.duration_ms = res ? res->total_ms : -1, .first_token_ms = res ? res->first_token_ms : -1,
	};
	struct convo_reply_ref ref = reply_ref(s);
	if (convo_finish_reply(s->db, &ref, &e) < 0)
		fprintf(stderr, "microchat %s: could not store the end of reply %lld\n", s->r->program,
			(long long)s->reply_id);
	/* The request log counts the failure whether it was streamed or not. */
	if (code)
		s->r->error_code = code;
	if (!s->sse) {
		answer_whole(s, status, code, message);
	} else if (code) {
		send_event(s, "error", json_pack("{s:s,s:s,s:I,s:s}", "code", code, "message", message,
			   "message_id", (json_int_t)s->reply_id, "status", status));
	} else {
		send_event(s, "done", json_pack("{s:I,s:s,s:I,s:I,s:I}",
			   "message_id", (json_int_t)s->reply_id, "status", status,
			   "eval_count", (json_int_t)e.eval_count,
			   "duration_ms", (json_int_t)(e.duration_ms < 0 ? 0 : e.duration_ms),
			   "first_token_ms", (json_int_t)e.first_token_ms));
	}
}

void stream_answer(struct stream *s, const char *text, const char *status)
{
	buf_puts(&s->reply, text);
	send_event(s, "token", json_pack("{s:s}", "content", text));
	finish(s, status, NULL, NULL, NULL);
}

void stream_no_model(struct stream *s)
{
	if (s->fallback_answer) {
		stream_answer(s, s->fallback_answer, "fallback");
		return;
	}
	s->trace.none_available = true;
	finish(s, "error", "llm_unavailable", "no model is available: no backend answers", NULL);
}

void stream_ask_model(struct stream *s, json_t *messages)
{
	struct llm_callbacks cb = { .ctx = s, .on_token = on_token, .on_tick = on_tick };
	struct llm_result res;
	size_t before = s->reply.len; /* what a continued reply started with */
	int rc = pool_chat(s->r, s->db, s->model, messages, &s->opt, &cb, &res, &s->trace);
	if (rc < 0) {
		s->trace.none_available = true; /* nothing to try: 503, not 502 */
		finish(s, "error", "llm_unavailable", "no model backend is configured", NULL);
		return;
	}
	if (res.outcome == LLM_DONE) {
		finish(s, "done", NULL, NULL, &res);
	} else if (res.outcome == LLM_STOPPED && s->interrupted) {
		finish(s, "partial", "interrupted", "the server stopped while the reply was written", &res);
	} else if (res.outcome == LLM_STOPPED) {
		finish(s, "stopped", NULL, NULL, &res);
	} else if (res.tokens > 0 || before > 0) {
		/* What came (or what the reply had before) is kept. */
		finish(s, "partial", res.error_code, res.error_message, &res);
	} else if (s->fallback_answer) {
		/* The model is down, but the data can answer. */
		stream_answer(s, s->fallback_answer, "fallback");
	} else {
		const char *code = strcmp(res.error_code, "not_found") == 0 ? "invalid_input" : res.error_code;
		finish(s, "error", code, res.error_message, &res);
	}
}
