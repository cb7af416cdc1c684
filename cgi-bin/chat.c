/* chat: one user message in, the model's reply out, streamed as Server-Sent
 * Events or answered as one JSON object. The user's message is stored before
 * the model is called and the reply as it grows, so nothing is ever lost.
 *
 * chat runs as plain CGI even where the other programs are FastCGI workers:
 * a reply can take minutes, and a persistent worker would be tied up for all
 * of it; a process per chat also lets lighttpd's SIGTERM (the browser went
 * away) reach exactly the one reply concerned. */
#define _POSIX_C_SOURCE 200809L
#include "core/app.h"
#include "assistant/assist.h"
#include "chat/assistants.h"
#include "chat/guests.h"
#include "core/auth.h"
#include "core/buf.h"
#include "core/conf.h"
#include "chat/convo.h"
#include "chat/streams.h"
#include "core/db.h"
#include "models/pool.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "core/text.h"
#include "core/util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAT_MAX_MESSAGE 32000
#define CHAT_MAX_REPLY (4 * 1024 * 1024)
#define CHAT_SAVE_EVERY_MS 300
#define CHAT_PING_EVERY_MS 15000

/* Set by SIGTERM, which lighttpd sends when the browser goes away. The reply
 * is still generated to its end and stored; only the writing stops. */
static volatile sig_atomic_t chat_client_gone;
/* Set by SIGINT (Ctrl-C of make run reaches the whole process group): the
 * server is stopping, so the reply stops and is stored as 'partial'. */
static volatile sig_atomic_t chat_shutdown;

static void on_signal(int sig)
{
	if (sig == SIGTERM)
		chat_client_gone = 1;
	else
		chat_shutdown = 1;
}

struct chat {
	struct req *r;
	struct db *db;
	bool sse;
	const char *model;
	struct assistant as;     /* what the conversation talks to */
	const char *lang;        /* the message's language, "es" or "en" */
	bool visitor;            /* no account: the assistant's settings, limits */
	struct convo_turn turn;
	struct assist assist;
	struct llm_options opt;
	struct buf reply;
	size_t saved_len;
	struct pool_trace trace;
	int64_t last_save_ms, last_ping_ms, last_beat_ms;
	pid_t server;       /* the parent that started us (lighttpd) */
	bool interrupted;   /* stopped because the server is stopping */
};

/* ---- input ---- */

static bool wants_stream(struct req *r)
{
	const char *s = req_field(r, "stream", NULL);
	if (s)
		return strcmp(s, "1") == 0 || strcmp(s, "true") == 0;
	return r->accept && strstr(r->accept, "text/event-stream");
}

/* One sampling option: the request's, else the assistant's, else the
 * admin's default, within the setting's own range (lib/core/conf). False
 * once refused. */
static bool read_option(struct chat *c, const char *key, const char *assistant_value, double *out)
{
	struct req *r = c->r;
	const struct conf_key *k = conf_key_find(key);
	double def = assistant_value ? strtod(assistant_value, NULL) : settings_number(c->db, r->conf, &r->arena, key);
	int rc = k->kind == CONF_NUMBER ? req_field_double(r, key, def, k->min, k->max, out) : 0;
	if (k->kind != CONF_NUMBER) {
		int64_t n;
		rc = req_field_int(r, key, (int64_t)def, (int64_t)k->min, (int64_t)k->max, &n);
		*out = (double)n;
	}
	if (rc < 0) {
		char rule[96];
		conf_rule(k, rule, sizeof(rule));
		resp_error(r, 400, "invalid_input", "%s must be %s", key, rule);
		return false;
	}
	return true;
}

static bool read_options(struct chat *c)
{
	double n;
	if (!read_option(c, "temperature", c->as.temperature, &c->opt.temperature) ||
	    !read_option(c, "top_p", c->as.top_p, &c->opt.top_p) ||
	    !read_option(c, "num_predict", c->as.num_predict, &n))
		return false;
	c->opt.num_predict = (long)n;
	c->opt.num_ctx = c->r->conf->context_tokens;
	return true;
}

/* ---- output ---- */

static json_t *meta_json(struct chat *c)
{
	/* A template answer is nobody's model: "model" is null. */
	return json_pack("{s:I,s:I,s:I,s:s?,s:s,s:O?,s:O}",
		"conversation_id", (json_int_t)c->turn.conversation_id,
		"user_message_id", (json_int_t)c->turn.user_message_id,
		"message_id", (json_int_t)c->turn.reply_id,
		"model", c->turn.template_reply ? NULL : c->model, "assistant", c->as.slug,
		"intent", c->assist.intent, "context", c->assist.context);
}

static void send_event(struct chat *c, const char *event, json_t *data)
{
	if (chat_client_gone)
		c->r->client_gone = true;
	if (c->sse && !c->r->client_gone) {
		resp_sse_event(c->r, event, data);
		c->last_ping_ms = util_mono_ms();
	} else {
		json_decref(data);
	}
}

/* ---- while the model talks ---- */

static int on_token(void *ctx, const char *text, size_t len)
{
	struct chat *c = ctx;
	if (buf_append(&c->reply, text, len) < 0)
		return 1; /* the reply outgrew its cap: stop it there */
	send_event(c, "token", json_pack("{s:s%}", "content", text, len));
	return 0;
}

/* The server is stopping: SIGINT, or our parent (lighttpd, which sends
 * SIGTERM also when only the browser went away) has exited. */
static bool server_stopping(struct chat *c)
{
	return chat_shutdown || getppid() != c->server;
}

/* Every few saves, the reply's row says this process still writes it. */
static void heartbeat(struct chat *c, int64_t now)
{
	if (now - c->last_beat_ms < STREAMS_HEARTBEAT_MS)
		return;
	c->last_beat_ms = now;
	streams_heartbeat(c->db, c->turn.reply_id, c->turn.user_id);
}

static int on_tick(void *ctx)
{
	struct chat *c = ctx;
	int64_t now = util_mono_ms();
	if (server_stopping(c)) {
		c->interrupted = true;
		return 1;
	}
	if (now - c->last_save_ms < CHAT_SAVE_EVERY_MS)
		return 0;
	c->last_save_ms = now;
	if (c->reply.len != c->saved_len) {
		convo_save_progress(c->db, &c->turn, buf_str(&c->reply));
		c->saved_len = c->reply.len;
	}
	heartbeat(c, now);
	if (c->sse && !c->r->client_gone && now - c->last_ping_ms > CHAT_PING_EVERY_MS) {
		resp_sse_ping(c->r);
		c->last_ping_ms = now;
	}
	if (chat_client_gone)
		c->r->client_gone = true;
	return convo_cancel_requested(c->db, &c->turn);
}

static json_t *model_messages(struct chat *c, const char *text)
{
	struct req *r = c->r;
	const char *prompt = assistants_text(c->as.system_prompt, c->as.system_prompt_en, c->lang);
	if (!*prompt)
		prompt = r->conf->system_prompt; /* an assistant without a prompt of its own */
	const char *ctx = c->assist.model_context;
	const char *system = ctx && *ctx ? arena_printf(&r->arena, "%s\n\n%s", prompt, ctx) : prompt;
	/* Roughly 4 bytes a token: what is left of the window after the
	 * system message, this message and room for the reply. */
	long budget = r->conf->context_tokens * 4 - (long)strlen(system) -
		      (long)strlen(text) - c->opt.num_predict * 4;
	json_t *msgs = json_array();
	if (*system)
		json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "system", "content", system));
	json_t *history = convo_prompt_history(c->db, c->turn.conversation_id, c->turn.user_message_id,
					       budget > 0 ? (size_t)budget : 0);
	json_array_extend(msgs, history);
	json_decref(history);
	json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "user", "content", text));
	return msgs;
}

/* ---- the ending ---- */

static int http_status_for(const char *code, bool none_available)
{
	if (strcmp(code, "llm_timeout") == 0)
		return 504;
	if (strcmp(code, "invalid_input") == 0)
		return 400;
	/* 503 when no backend could even be tried (all kept away by their
	 * breakers), 502 when the ones tried failed. */
	return none_available ? 503 : 502;
}

static void finish(struct chat *c, const char *status, const char *code, const char *message,
		   const struct llm_result *res)
{
	struct convo_reply_end e = {
		.content = buf_str(&c->reply), .status = status, .error_code = code,
		.eval_count = res ? res->eval_count : 0, .prompt_eval_count = res ? res->prompt_eval_count : 0,
		.duration_ms = res ? res->total_ms : -1, .first_token_ms = res ? res->first_token_ms : -1,
	};
	if (convo_finish_reply(c->db, &c->turn, &e) < 0)
		fprintf(stderr, "microchat chat: could not store the end of reply %lld\n",
			(long long)c->turn.reply_id);
	struct req *r = c->r;
	/* The request log counts the failure whether it was streamed or not. */
	if (code)
		r->error_code = code;
	if (c->sse) {
		if (code)
			send_event(c, "error", json_pack("{s:s,s:s,s:I,s:s}", "code", code, "message", message,
				   "message_id", (json_int_t)c->turn.reply_id, "status", status));
		else
			send_event(c, "done", json_pack("{s:I,s:s,s:I,s:I,s:I}",
				   "message_id", (json_int_t)c->turn.reply_id, "status", status,
				   "eval_count", (json_int_t)e.eval_count,
				   "duration_ms", (json_int_t)(e.duration_ms < 0 ? 0 : e.duration_ms),
				   "first_token_ms", (json_int_t)e.first_token_ms));
		return;
	}
	json_t *reply = convo_message_json(c->db, c->turn.reply_id);
	if (!reply) {
		/* Deleted (another tab) while it was being written. */
		resp_error(r, 404, "not_found", "the conversation was deleted while the reply was written");
		return;
	}
	json_t *body = json_pack("{s:I,s:o,s:s,s:O?,s:O}", "conversation_id", (json_int_t)c->turn.conversation_id,
				 "message", reply, "assistant", c->as.slug, "intent", c->assist.intent,
				 "context", c->assist.context);
	if (code && strcmp(status, "error") == 0) {
		json_object_set_new(body, "error", json_pack("{s:s,s:s}", "code", code, "message", message));
		resp_json(r, http_status_for(code, c->trace.none_available), body);
	} else {
		resp_json(r, 200, body);
	}
}

static void answer_without_model(struct chat *c, const char *text, const char *status)
{
	buf_puts(&c->reply, text);
	send_event(c, "token", json_pack("{s:s}", "content", text));
	finish(c, status, NULL, NULL, NULL);
}

static void ask_model(struct chat *c, const char *text)
{
	json_t *msgs = model_messages(c, text);
	struct llm_callbacks cb = { .ctx = c, .on_token = on_token, .on_tick = on_tick };
	struct llm_result res;
	int rc = pool_chat(c->r, c->db, c->model, msgs, &c->opt, &cb, &res, &c->trace);
	json_decref(msgs);
	if (rc < 0) {
		finish(c, "error", "llm_unavailable", "no model backend is configured", NULL);
		return;
	}
	if (res.outcome == LLM_DONE) {
		finish(c, "done", NULL, NULL, &res);
	} else if (res.outcome == LLM_STOPPED && c->interrupted) {
		finish(c, "partial", "interrupted", "the server stopped while the reply was written", &res);
	} else if (res.outcome == LLM_STOPPED) {
		finish(c, "stopped", NULL, NULL, &res);
	} else if (res.tokens > 0) {
		finish(c, "partial", res.error_code, res.error_message, &res);
	} else if (c->assist.fallback_answer) {
		/* The model is down, but the data can answer. */
		answer_without_model(c, c->assist.fallback_answer, "fallback");
	} else {
		const char *code = strcmp(res.error_code, "not_found") == 0 ? "invalid_input" : res.error_code;
		finish(c, "error", code, res.error_message, &res);
	}
}

static void no_model(struct chat *c)
{
	c->trace.none_available = true;
	finish(c, "error", "llm_unavailable", "no model is available: no backend answers", NULL);
}

/* ---- the two actions ---- */

static void stop_reply(struct req *r, struct db *db)
{
	int64_t id;
	if (req_field_int(r, "message_id", 0, 1, INT64_MAX, &id) <= 0) {
		resp_error(r, 400, "invalid_input", "message_id is required");
		return;
	}
	const char *status = NULL;
	int rc = convo_request_cancel(db, &r->arena, r->user.id, id, &status);
	if (rc < 0)
		resp_internal(r, "marking the reply for cancellation failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", "no such message");
	else
		resp_json(r, 200, json_pack("{s:b,s:I,s:s}", "ok", 1, "message_id", (json_int_t)id,
					     "status", status));
}

/* ---- the assistant, the visitor, the model ---- */

/* The conversation's assistant: the one it keeps, or for a new one the
 * assistant asked for, else the default; 404 when unknown or disabled,
 * 403 when a visitor asks for one that is for members. */
static bool choose_assistant(struct chat *c, int64_t conv)
{
	struct req *r = c->r;
	const char *asked = req_field(r, "assistant", NULL);
	int64_t kept = 0;
	int found;
	if (asked && !assistants_slug_valid(asked)) {
		resp_error(r, 400, "invalid_input", "assistant must be 1 to %d of a-z 0-9 -", ASSISTANT_SLUG_MAX);
		return false;
	}
	if (conv && convo_assistant(c->db, conv, &kept) < 0)
		found = -1;
	else if (kept)
		found = assistants_by_id(c->db, &r->arena, kept, &c->as);
	else
		found = assistants_by_slug(c->db, &r->arena, asked ? asked
					   : settings_get(c->db, r->conf, &r->arena, "default_assistant"), &c->as);
	if (found < 0) {
		resp_internal(r, "loading the assistant failed");
		return false;
	}
	if (found && kept && asked && strcmp(asked, c->as.slug) != 0) {
		resp_error(r, 400, "invalid_input", "this conversation talks to '%s'; start a new one for another assistant",
			   c->as.slug);
		return false;
	}
	int refusal = found ? assistants_refusal(&c->as, &r->user) : 404;
	if (refusal == 404)
		resp_error(r, 404, "not_found", "no such assistant, or it is disabled");
	else if (refusal == 403)
		resp_error(r, 403, "forbidden", "this assistant is for members: log in or register to use it");
	return refusal == 0;
}

/* A visitor talks to the assistant as an administrator set it up: no
 * model or sampling of their own. */
static bool visitor_fields_ok(struct chat *c)
{
	static const char *const own[] = { "model", "temperature", "top_p", "num_predict" };
	for (size_t i = 0; c->visitor && i < MC_ARRAY_LEN(own); i++) {
		const char *v = req_field(c->r, own[i], NULL);
		if (v && *v) {
			resp_error(c->r, 403, "forbidden", "visitors use the assistant's model and settings (%s)", own[i]);
			return false;
		}
	}
	return true;
}

/* A visitor's messages per hour, per session and per address, counted
 * (when within them) in the same transaction as the check. */
static bool visitor_within_limits(struct chat *c)
{
	struct req *r = c->r;
	if (!c->visitor)
		return true;
	long per_session = (long)settings_number(c->db, r->conf, &r->arena, "guest_messages_per_hour");
	long per_address = (long)settings_number(c->db, r->conf, &r->arena, "guest_messages_per_hour_per_address");
	const char *address = r->remote_addr ? r->remote_addr : "";
	int64_t wait = -1;
	if (db_begin(c->db) == 0) {
		wait = guests_wait(c->db, GUESTS_MESSAGE, r->user.id, address, per_session, per_address);
		if (wait != 0 || guests_note(c->db, GUESTS_MESSAGE, r->user.id, address) < 0 || db_commit(c->db) < 0) {
			db_rollback(c->db);
			wait = wait ? wait : -1;
		}
	}
	if (wait < 0) {
		resp_internal(r, "counting the visitor's messages failed");
		return false;
	}
	if (wait > 0) {
		resp_header(r, arena_printf(&r->arena, "Retry-After: %lld", (long long)wait));
		resp_error(r, 429, "rate_limited", "too many messages for now; try again in %lld seconds",
			   (long long)wait);
		return false;
	}
	return true;
}

/* The model: the assistant's own when it has one (a request may not name
 * another), else the request's, the conversation's or the default. An
 * empty model field is no model named, as in the settings. */
static bool choose_model(struct chat *c, const char *conv_model)
{
	struct req *r = c->r;
	const char *asked = req_field(r, "model", NULL);
	if (asked && *asked && !conf_model_name_ok(asked)) {
		resp_error(r, 400, "invalid_input", "model must be a model name such as llama3.2:1b");
		return false;
	}
	if (*c->as.model && asked && *asked && strcmp(asked, c->as.model) != 0) {
		resp_error(r, 400, "invalid_input", "the assistant '%s' always answers with %s", c->as.slug,
			   c->as.model);
		return false;
	}
	c->model = *c->as.model ? c->as.model : asked && *asked ? asked : conv_model && *conv_model ? conv_model : NULL;
	return true;
}

/* The message's language: the page's when it says, else a guess. */
static const char *message_lang(struct req *r, const char *text)
{
	const char *lang = req_field(r, "lang", NULL);
	if (lang && (strcmp(lang, "es") == 0 || strcmp(lang, "en") == 0))
		return lang;
	struct text_toks toks;
	text_fold_tokens(&r->arena, text, &toks);
	return text_lang(&toks, text);
}

/* The conversation (when one is named) and its assistant. */
static bool open_conversation(struct chat *c, int64_t *conv, const char **conv_model)
{
	struct req *r = c->r;
	*conv = 0;
	*conv_model = NULL;
	if (req_field_int(r, "conversation_id", 0, 1, INT64_MAX, conv) < 0) {
		resp_error(r, 400, "invalid_input", "conversation_id must be a positive integer");
		return false;
	}
	if (*conv) {
		/* Its replies left by a process that is gone are settled first. */
		int own = convo_owned(c->db, &r->arena, r->user.id, *conv, conv_model);
		if (own > 0 && streams_settle(c->db, *conv) < 0)
			own = -1;
		if (own <= 0) {
			if (own < 0)
				resp_internal(r, "loading the conversation failed");
			else
				resp_error(r, 404, "not_found", "no such conversation");
			return false;
		}
	}
	return choose_assistant(c, *conv);
}

/* What the assistant's data and instant answers make of the message. */
static bool understand(struct chat *c, const char *text)
{
	const struct assist_policy policy = {
		.catalog = c->as.sources & ASSISTANT_CATALOG, .directory = c->as.sources & ASSISTANT_DIRECTORY,
		.instant_answers = c->as.instant_answers, .assistant_id = c->as.id,
		.greeting = assistants_text(c->as.greeting, c->as.greeting_en, c->lang),
	};
	if (assist_prepare(c->r, c->db, text, &policy, &c->assist) < 0) {
		resp_internal(c->r, "understanding the message failed");
		return false;
	}
	return true;
}

static bool start_turn(struct chat *c, int64_t conv, const char *text)
{
	struct req *r = c->r;
	c->turn.template_reply = c->assist.direct_answer != NULL;
	if (!c->model && !c->turn.template_reply)
		c->model = pool_default_model(r, c->db);
	c->turn.conversation_id = conv;
	c->turn.assistant_id = c->as.id;
	c->turn.max_streams = r->conf->max_streams_per_user;
	int rc = convo_start_turn(c->db, r->user.id, c->model, text, &c->turn);
	if (rc == CONVO_BUSY)
		resp_error(r, 429, "too_many_streams", "%ld of your replies are being written; wait for one "
			   "to end, or stop one", c->turn.max_streams);
	else if (rc == CONVO_GONE)
		resp_error(r, 404, "not_found", "no such conversation");
	else if (rc < 0)
		resp_internal(r, "storing the message failed");
	return rc == 0;
}

/* Everything checked before anything is stored or asked of a model. */
static bool accept_message(struct chat *c, const char *text, int64_t *conv)
{
	struct req *r = c->r;
	size_t len = strlen(text);
	const char *conv_model;
	if (len == 0 || strspn(text, " \t\r\n") == len || len > CHAT_MAX_MESSAGE) {
		resp_error(r, 400, "invalid_input", "message must be 1 to %d bytes of text", CHAT_MAX_MESSAGE);
		return false;
	}
	c->lang = message_lang(r, text);
	return visitor_fields_ok(c) && open_conversation(c, conv, &conv_model) && read_options(c) &&
	       choose_model(c, conv_model) && visitor_within_limits(c) && understand(c, text);
}

static void answer(struct chat *c, const char *text)
{
	if (c->assist.direct_answer)
		answer_without_model(c, c->assist.direct_answer, "done");
	else if (!c->model && c->assist.fallback_answer)
		answer_without_model(c, c->assist.fallback_answer, "fallback");
	else if (!c->model)
		no_model(c);
	else
		ask_model(c, text);
}

static void send_message(struct req *r, struct db *db)
{
	struct chat c = { .r = r, .db = db, .sse = wants_stream(r), .server = getppid() };
	c.visitor = assistants_audience_of(&r->user) == ASSISTANTS_VISITOR;
	const char *text = req_field(r, "message", "");
	int64_t conv = 0;
	buf_init(&c.reply, CHAT_MAX_REPLY);
	if (accept_message(&c, text, &conv) && start_turn(&c, conv, text)) {
		assist_log(r, db, &c.assist, text, (long long)c.turn.reply_id);
		c.last_save_ms = c.last_ping_ms = c.last_beat_ms = util_mono_ms();
		if (c.sse) {
			resp_sse_begin(r);
			send_event(&c, "meta", meta_json(&c));
		}
		answer(&c, text);
	}
	buf_free(&c.reply);
	assist_release(&c.assist);
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "POST", APP_USER);
	if (!db)
		return;
	const char *action = req_field(r, "action", "send");
	if (strcmp(action, "stop") == 0)
		stop_reply(r, db);
	else if (strcmp(action, "send") == 0)
		send_message(r, db);
	else
		resp_error(r, 400, "invalid_input", "action must be send or stop");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return app_main("chat", handle, APP_KIND);
}
