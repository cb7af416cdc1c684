/* chat: a message in, the reply out, streamed as Server-Sent Events or
 * answered as one JSON object; and what a user does with a reply already
 * there: stop it, regenerate it, edit the question before it, continue it
 * where it broke off. The conversation talks to an assistant (its prompt,
 * model, sampling, data and instant answers); a visitor uses public ones
 * only, as they are set up, within their limits. Each action that writes a
 * reply checks the quota, stores its rows (lib/chat/turn) before the model
 * is called and the reply as it grows (lib/chat/stream), so nothing is ever
 * lost; the model gets the current path of the conversation only
 * (lib/chat/branch).
 *
 * chat runs as plain CGI even where the other programs are FastCGI workers:
 * a reply can take minutes, and a persistent worker would be tied up for all
 * of it; a process per chat also lets lighttpd's SIGTERM (the browser went
 * away) reach exactly the one reply concerned. */
#define _POSIX_C_SOURCE 200809L
#include "core/app.h"
#include "assistant/assist.h"
#include "chat/assistants.h"
#include "chat/branch.h"
#include "chat/convo.h"
#include "chat/guests.h"
#include "chat/quota.h"
#include "chat/stream.h"
#include "chat/streams.h"
#include "chat/turn.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "core/text.h"
#include "core/util.h"
#include "models/pool.h"

#include <stdlib.h>
#include <string.h>

#define CHAT_MAX_MESSAGE 32000

struct chat {
	struct req *r;
	struct db *db;
	const char *action;
	const char *question;     /* what the model answers: the user's message */
	const char *prefix;       /* continue: what the reply already says */
	const char *model;
	struct assistant as;      /* what the conversation talks to */
	const char *lang;         /* the message's language, "es" or "en" */
	bool visitor;             /* no account: the assistant's settings, limits */
	struct turn_target target; /* the message regenerate, edit or continue names */
	struct quota quota;
	struct llm_options opt;
	struct assist assist;
	struct turn turn;
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

/* The user's text: 1 to CHAT_MAX_MESSAGE bytes, not only blanks. */
static const char *read_message(struct req *r)
{
	const char *text = req_field(r, "message", "");
	size_t len = strlen(text);
	if (len == 0 || strspn(text, " \t\r\n") == len || len > CHAT_MAX_MESSAGE) {
		resp_error(r, 400, "invalid_input", "message must be 1 to %d bytes of text", CHAT_MAX_MESSAGE);
		return NULL;
	}
	return text;
}

/* The message an action names, of one of the user's conversations (404
 * otherwise, as for one that does not exist), with the role it needs. */
static bool load_target(struct chat *c, const char *role)
{
	struct req *r = c->r;
	int64_t id;
	if (req_field_int(r, "message_id", 0, 1, INT64_MAX, &id) <= 0) {
		resp_error(r, 400, "invalid_input", "message_id is required");
		return false;
	}
	int rc = turn_target_load(c->db, &r->arena, r->user.id, id, &c->target);
	if (rc <= 0) {
		if (rc < 0)
			resp_internal(r, "loading the message failed");
		else
			resp_error(r, 404, "not_found", "no such message");
		return false;
	}
	if (strcmp(c->target.role, role) != 0) {
		resp_error(r, 400, "invalid_input", "%s works on %s", c->action,
			   strcmp(role, "user") == 0 ? "a question (use regenerate for a reply)"
						     : "a reply (use edit for a question)");
		return false;
	}
	if (strcmp(c->target.status, "streaming") == 0) {
		resp_error(r, 409, "conflict", "that reply is still being written: stop it first");
		return false;
	}
	return true;
}

/* A reply to regenerate or continue, and the question it answers. */
static bool load_reply(struct chat *c)
{
	if (!load_target(c, "assistant"))
		return false;
	if (!c->target.question_id || !c->target.question) {
		resp_error(c->r, 400, "invalid_input", "that reply answers no question of yours");
		return false;
	}
	c->question = c->target.question;
	return true;
}

static bool read_action(struct chat *c)
{
	if (strcmp(c->action, "send") == 0)
		return (c->question = read_message(c->r)) != NULL;
	if (strcmp(c->action, "regenerate") == 0)
		return load_reply(c);
	if (strcmp(c->action, "edit") == 0)
		return (c->question = read_message(c->r)) != NULL && load_target(c, "user");
	if (!load_reply(c))
		return false;
	if (strcmp(c->target.status, "partial") != 0 && strcmp(c->target.status, "stopped") != 0) {
		resp_error(c->r, 400, "invalid_input", "only a partial or stopped reply can be continued");
		return false;
	}
	c->prefix = c->target.content;
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
		resp_retry_later(r, wait, "too many messages for now");
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

/* The conversation: for send the one named (the user's own) or a new one;
 * for the other actions the target's. Then its assistant. */
static bool open_conversation(struct chat *c, const char **conv_model)
{
	struct req *r = c->r;
	int64_t conv = c->target.conversation_id;
	*conv_model = c->target.conversation_model;
	if (strcmp(c->action, "send") == 0) {
		*conv_model = NULL;
		if (req_field_int(r, "conversation_id", 0, 1, INT64_MAX, &conv) < 0) {
			resp_error(r, 400, "invalid_input", "conversation_id must be a positive integer");
			return false;
		}
		int own = conv ? convo_owned(c->db, &r->arena, r->user.id, conv, conv_model) : 1;
		/* Its replies left by a process that is gone are settled first. */
		if (own > 0 && conv && streams_settle(c->db, conv) < 0)
			own = -1;
		if (own <= 0) {
			if (own < 0)
				resp_internal(r, "loading the conversation failed");
			else
				resp_error(r, 404, "not_found", "no such conversation");
			return false;
		}
	}
	c->turn.conversation_id = conv;
	return choose_assistant(c, conv);
}

/* ---- the quota ---- */

/* Before any work: a user over today's quota is refused (429). */
static bool within_quota(struct chat *c)
{
	struct req *r = c->r;
	if (quota_read(c->db, r->conf, &r->arena, &r->user, &c->quota) < 0) {
		resp_internal(r, "reading the quota failed");
		return false;
	}
	if (!quota_allows(&c->quota)) {
		quota_refuse(r, &c->quota);
		return false;
	}
	/* A reply never goes past the tokens left today. */
	int64_t left = quota_tokens_left(&c->quota);
	if (left > 0 && (c->opt.num_predict <= 0 || c->opt.num_predict > left))
		c->opt.num_predict = (long)left;
	return true;
}

/* What the assistant's data and instant answers make of the message. */
static bool understand(struct chat *c)
{
	const struct assist_policy policy = {
		.catalog = c->as.sources & ASSISTANT_CATALOG, .directory = c->as.sources & ASSISTANT_DIRECTORY,
		.instant_answers = c->as.instant_answers, .assistant_id = c->as.id,
		.greeting = assistants_text(c->as.greeting, c->as.greeting_en, c->lang),
	};
	if (assist_prepare(c->r, c->db, c->question, &policy, &c->assist) < 0) {
		resp_internal(c->r, "understanding the message failed");
		return false;
	}
	return true;
}

/* Everything checked before anything is stored or asked of a model. */
static bool accept_action(struct chat *c)
{
	const char *conv_model = NULL;
	if (!read_action(c))
		return false;
	c->lang = message_lang(c->r, c->question);
	return visitor_fields_ok(c) && open_conversation(c, &conv_model) && read_options(c) &&
	       choose_model(c, conv_model) && within_quota(c) && visitor_within_limits(c) && understand(c);
}

/* ---- the rows ---- */

static bool write_turn(struct chat *c)
{
	struct req *r = c->r;
	int64_t user = r->user.id;
	c->turn.template_reply = c->assist.direct_answer != NULL;
	if (!c->model && !c->turn.template_reply)
		c->model = pool_default_model(r, c->db);
	c->turn.assistant_id = c->as.id;
	c->turn.max_streams = r->conf->max_streams_per_user;
	enum turn_result rc;
	if (strcmp(c->action, "send") == 0)
		rc = turn_send(c->db, &r->arena, user, c->model, c->question, &c->quota, &c->turn);
	else if (strcmp(c->action, "regenerate") == 0)
		rc = turn_regenerate(c->db, user, &c->target, c->model, &c->quota, &c->turn);
	else if (strcmp(c->action, "edit") == 0)
		rc = turn_edit(c->db, user, &c->target, c->question, c->model, &c->quota, &c->turn);
	else
		rc = turn_continue(c->db, user, &c->target, c->model, &c->quota, &c->turn);
	if (rc == TURN_OK)
		return true;
	if (rc == TURN_NOT_FOUND)
		resp_error(r, 404, "not_found", "no such conversation or message");
	else if (rc == TURN_QUOTA)
		quota_refuse(r, &c->quota);
	else if (rc == TURN_BUSY)
		resp_error(r, 429, "too_many_streams", "%ld of your replies are being written; wait for one "
			   "to end, or stop one", c->turn.max_streams);
	else
		resp_internal(r, "storing the message failed");
	return false;
}

/* ---- the model ---- */

/* The system message (the assistant's prompt, with what the data found),
 * the current path before the question, the question, and for continue
 * the reply so far. */
static json_t *model_messages(struct chat *c)
{
	struct req *r = c->r;
	const char *prompt = assistants_text(c->as.system_prompt, c->as.system_prompt_en, c->lang);
	if (!*prompt)
		prompt = r->conf->system_prompt; /* an assistant without a prompt of its own */
	const char *ctx = c->assist.model_context;
	const char *system = ctx && *ctx ? arena_printf(&r->arena, "%s\n\n%s", prompt, ctx) : prompt;
	const char *prefix = c->prefix ? c->prefix : "";
	/* Roughly 4 bytes a token: what is left of the window after the
	 * system message, this message and room for the reply. */
	long budget = r->conf->context_tokens * 4 - (long)strlen(system) - (long)strlen(c->question) -
		      (long)strlen(prefix) - c->opt.num_predict * 4;
	json_t *msgs = json_array();
	if (*system)
		json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "system", "content", system));
	json_t *history = branch_history(c->db, c->turn.history_id, budget > 0 ? (size_t)budget : 0);
	json_array_extend(msgs, history);
	json_decref(history);
	json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "user", "content", c->question));
	if (*prefix)
		json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "assistant", "content", prefix));
	return msgs;
}

static void reply(struct chat *c)
{
	struct stream s;
	json_t *extra = json_pack("{s:s,s:O?,s:O}", "assistant", c->as.slug, "intent", c->assist.intent,
				  "context", c->assist.context);
	stream_init(&s, c->r, c->db, wants_stream(c->r), c->prefix);
	s.action = c->action;
	/* A template answer is nobody's model: "model" is null. */
	s.model = c->turn.template_reply ? NULL : c->model;
	s.conversation_id = c->turn.conversation_id;
	s.user_message_id = c->turn.user_message_id;
	s.reply_id = c->turn.reply_id;
	s.extra = extra;
	s.fallback_answer = c->assist.fallback_answer;
	s.opt = c->opt;
	stream_start(&s);
	if (c->assist.direct_answer) {
		stream_answer(&s, c->assist.direct_answer, "done");
	} else if (!c->model) {
		stream_no_model(&s);
	} else {
		json_t *msgs = model_messages(c);
		stream_ask_model(&s, msgs);
		json_decref(msgs);
	}
	stream_free(&s);
	json_decref(extra);
}

/* send, regenerate, edit, continue: refused early when they must be, then
 * the data looked up, the rows written and the reply streamed. */
static void write_reply(struct req *r, struct db *db, const char *action)
{
	struct chat c = { .r = r, .db = db, .action = action };
	c.visitor = assistants_audience_of(&r->user) == ASSISTANTS_VISITOR;
	if (accept_action(&c) && write_turn(&c)) {
		assist_log(r, db, &c.assist, c.question, (long long)c.turn.reply_id);
		reply(&c);
	}
	assist_release(&c.assist);
}

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

static void handle(struct req *r)
{
	static const char *const writers[] = { "send", "regenerate", "edit", "continue" };
	struct db *db = app_begin(r, "POST", APP_USER);
	if (!db)
		return;
	const char *action = req_field(r, "action", "send");
	if (strcmp(action, "stop") == 0) {
		stop_reply(r, db);
		return;
	}
	for (size_t i = 0; i < MC_ARRAY_LEN(writers); i++)
		if (strcmp(action, writers[i]) == 0) {
			write_reply(r, db, writers[i]);
			return;
		}
	resp_error(r, 400, "invalid_input", "action must be send, stop, regenerate, edit or continue");
}

int main(void)
{
	stream_catch_signals();
	return app_main("chat", handle, APP_KIND);
}
