/* chat: a message in, the model's reply out, streamed as Server-Sent Events
 * or answered as one JSON object; and what a user does with a reply already
 * there: stop it, regenerate it, edit the question before it, continue it
 * where it broke off. Each action that writes a reply checks the quota,
 * stores its rows (lib/chat/turn) before the model is called and the reply
 * as it grows (lib/chat/stream), so nothing is ever lost; the model gets
 * the current path of the conversation only (lib/chat/branch).
 *
 * chat runs as plain CGI even where the other programs are FastCGI workers:
 * a reply can take minutes, and a persistent worker would be tied up for all
 * of it; a process per chat also lets lighttpd's SIGTERM (the browser went
 * away) reach exactly the one reply concerned. */
#include "core/app.h"
#include "assistant/assist.h"
#include "chat/branch.h"
#include "chat/convo.h"
#include "chat/quota.h"
#include "chat/stream.h"
#include "chat/turn.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "models/pool.h"

#include <string.h>

#define CHAT_MAX_MESSAGE 32000

struct chat {
	struct req *r;
	struct db *db;
	const char *action;
	const char *question;     /* what the model answers: the user's message */
	const char *prefix;       /* continue: what the reply already says */
	const char *model;
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

/* One sampling option: the request's, else the admin's default, within the
 * setting's own range (lib/core/conf). False once refused. */
static bool read_option(struct chat *c, const char *key, double *out)
{
	struct req *r = c->r;
	const struct conf_key *k = conf_key_find(key);
	double def = settings_number(c->db, r->conf, &r->arena, key);
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
	if (!read_option(c, "temperature", &c->opt.temperature) || !read_option(c, "top_p", &c->opt.top_p) ||
	    !read_option(c, "num_predict", &n))
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

/* send: the conversation named (one of the user's) and its model. */
static bool read_conversation(struct chat *c, const char **conv_model)
{
	struct req *r = c->r;
	int64_t conv = 0;
	if (req_field_int(r, "conversation_id", 0, 1, INT64_MAX, &conv) < 0) {
		resp_error(r, 400, "invalid_input", "conversation_id must be a positive integer");
		return false;
	}
	c->turn.conversation_id = conv;
	if (!conv)
		return true;
	int own = convo_owned(c->db, &r->arena, r->user.id, conv, conv_model);
	if (own <= 0) {
		if (own < 0)
			resp_internal(r, "loading the conversation failed");
		else
			resp_error(r, 404, "not_found", "no such conversation");
		return false;
	}
	return true;
}

/* The model asked for, else the conversation's, else the default. An
 * empty model field is no model named, as in the settings. */
static bool choose_model(struct chat *c, const char *conv_model)
{
	struct req *r = c->r;
	c->model = req_field(r, "model", NULL);
	if (c->model && *c->model && !conf_model_name_ok(c->model)) {
		resp_error(r, 400, "invalid_input", "model must be a model name such as llama3.2:1b");
		return false;
	}
	if (!c->model || !*c->model)
		c->model = conv_model && *conv_model ? conv_model : NULL;
	if (!c->model && !c->assist.direct_answer)
		c->model = pool_default_model(r, c->db);
	return true;
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

/* ---- the rows ---- */

static bool write_turn(struct chat *c)
{
	struct req *r = c->r;
	int64_t user = r->user.id;
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
	else
		resp_internal(r, "storing the message failed");
	return false;
}

/* ---- the model ---- */

/* The system message (with what the data found), the current path before
 * the question, the question, and for continue the reply so far. */
static json_t *model_messages(struct chat *c)
{
	struct req *r = c->r;
	const char *prompt = settings_get(c->db, r->conf, &r->arena, "system_prompt");
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
	json_t *extra = json_pack("{s:O,s:O}", "intent", c->assist.intent, "context", c->assist.context);
	stream_init(&s, c->r, c->db, wants_stream(c->r), c->prefix);
	s.action = c->action;
	s.model = c->model;
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
	const char *conv_model = NULL;
	if (!read_action(&c) || !read_options(&c))
		return;
	if (strcmp(action, "send") != 0)
		conv_model = c.target.conversation_model;
	else if (!read_conversation(&c, &conv_model))
		return;
	if (!within_quota(&c))
		return;
	if (assist_prepare(r, db, c.question, &c.assist) < 0) {
		resp_internal(r, "understanding the message failed");
		return;
	}
	if (choose_model(&c, conv_model) && write_turn(&c)) {
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
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(action, writers[i]) == 0) {
			write_reply(r, db, writers[i]);
			return;
		}
	resp_error(r, 400, "invalid_input", "action must be send, stop, regenerate, edit or continue");
}

int main(void)
{
	stream_catch_sigterm();
	return app_main("chat", handle, APP_KIND);
}
