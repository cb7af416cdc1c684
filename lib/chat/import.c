/* import: a file of conversations into an account, all or nothing (see import.h). */
#include "chat/import.h"
#include "chat/export.h"
#include "chat/import_plan.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

#define IMPORT_MAX_CONVERSATIONS 10000

/* ---- microchat's own export ---- */

static const char *const statuses[] = { "done", "stopped", "partial", "error", "fallback" };

/* A string member that holds no NUL; def when absent or null. */
static bool text_member(json_t *o, const char *key, const char *def, const char **out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		*out = def;
		return true;
	}
	*out = json_string_value(v);
	return *out && json_string_length(v) == strlen(*out);
}

static const char *status_of(const char *s)
{
	if (!s)
		return "done";
	if (strcmp(s, "streaming") == 0)
		return "partial"; /* nothing will write it any more */
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

/* The feedback of a reply: NULL when fine (or absent), else why not. */
static const char *read_feedback(json_t *f, struct import_message *m)
{
	if (!f || json_is_null(f))
		return NULL;
	const char *rating = json_string_value(json_object_get(f, "rating")), *comment;
	if (!rating || (strcmp(rating, "up") != 0 && strcmp(rating, "down") != 0) ||
	    !text_member(f, "comment", "", &comment) || strlen(comment) > 2000 || strcmp(m->role, "assistant") != 0)
		return "feedback must be {\"rating\": \"up\" or \"down\", \"comment\"} on a reply";
	m->rating = rating;
	m->comment = comment;
	return NULL;
}

/* Message j of a conversation; NULL when fine, else why not. ids maps the
 * file's message ids to their index. */
static const char *read_message(struct import_plan *p, struct import_conversation *c, json_t *o,
				json_t *ids, bool linked)
{
	struct import_message *m = &c->messages[c->nmessages];
	memset(m, 0, sizeof(*m));
	const char *role = json_string_value(json_object_get(o, "role"));
	if (!json_is_object(o) || !role || (strcmp(role, "user") != 0 && strcmp(role, "assistant") != 0 &&
					    strcmp(role, "system") != 0))
		return "a message must be an object with role user or assistant";
	if (!text_member(o, "content", NULL, &m->content) || !m->content || strlen(m->content) > IMPORT_CONTENT_MAX)
		return "a message needs its content as text (at most 4 MiB, no NUL)";
	if (!text_member(o, "model", NULL, &m->model) || !text_member(o, "created_at", p->now, &m->created_at) ||
	    !import_time_ok(m->created_at) || !(m->status = status_of(json_string_value(json_object_get(o, "status")))))
		return "a message's model, created_at (2026-11-20T12:34:56Z) or status is not one microchat has";
	if (m->model && !conf_model_name_ok(m->model))
		m->model = NULL;
	m->role = role;
	json_t *parent = json_object_get(o, "parent_id");
	m->parent = linked ? -1 : c->nmessages - 1;
	if (linked && json_is_integer(parent)) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(parent));
		json_t *at = json_object_get(ids, key);
		if (!at)
			return "a message's parent_id names no message before it";
		m->parent = (int)json_integer_value(at);
	} else if (linked && parent && !json_is_null(parent)) {
		return "parent_id must be a message id or null";
	}
	m->selected = !json_is_false(json_object_get(o, "selected"));
	if (strcmp(role, "system") == 0)
		return NULL; /* counted and left out by the caller */
	return read_feedback(json_object_get(o, "feedback"), m);
}

/* Whether the file links its messages (ids and parent_id), or lists one path. */
static bool has_ids(json_t *messages)
{
	json_t *m;
	size_t i;
	json_array_foreach(messages, i, m)
		if (!json_is_integer(json_object_get(m, "id")))
			return false;
	return json_array_size(messages) > 0;
}

static const char *read_messages(struct import_plan *p, struct import_conversation *c, json_t *messages)
{
	bool linked = has_ids(messages);
	json_t *ids = json_object(), *o;
	size_t i;
	const char *why = NULL;
	json_array_foreach(messages, i, o) {
		if ((why = read_message(p, c, o, ids, linked)))
			break;
		struct import_message *m = &c->messages[c->nmessages];
		int index = c->nmessages;
		if (strcmp(m->role, "system") == 0) {
			p->skipped_messages++;
			index = m->parent; /* what follows it follows what it followed */
		} else {
			c->nmessages++;
		}
		if (linked) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(o, "id")));
			json_object_set_new(ids, key, json_integer(index));
		}
	}
	json_decref(ids);
	return why;
}

static void read_conversation(struct import_plan *p, size_t index, json_t *o)
{
	json_t *messages = json_object_get(o, "messages");
	const char *title, *model, *created, *updated;
	if (!json_is_object(o) || !json_is_array(messages) || !text_member(o, "title", "", &title) ||
	    !text_member(o, "model", NULL, &model) || !text_member(o, "created_at", p->now, &created) ||
	    !text_member(o, "updated_at", created, &updated) || !import_time_ok(created) || !import_time_ok(updated)) {
		import_plan_error(p, index, "a conversation must be an object with a title, messages (a list) "
				  "and times such as 2026-11-20T12:34:56Z");
		return;
	}
	struct import_conversation *c = import_plan_add(p, json_array_size(messages));
	const char *why = read_messages(p, c, messages);
	if (why) {
		p->n--; /* not kept */
		import_plan_error(p, index, "%s", why);
		return;
	}
	c->title = import_plan_title(p, title, c->nmessages ? c->messages[0].content : NULL);
	c->model = model && conf_model_name_ok(model) ? model : NULL;
	c->created_at = created;
	c->updated_at = updated;
	c->pinned = json_is_true(json_object_get(o, "pinned"));
	c->archived = json_is_true(json_object_get(o, "archived"));
}

static void import_microchat(struct import_plan *p, struct import_report *rep, json_t *root)
{
	json_t *list = json_object_get(root, "conversations"), *o;
	size_t i;
	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != EXPORT_VERSION || !json_is_array(list)) {
		rep->problem = "a microchat export of another version, or without its list of conversations";
		return;
	}
	json_array_foreach(list, i, o)
		read_conversation(p, i, o);
}

/* ---- which format ---- */

static void read_file(struct import_plan *p, struct import_report *rep, json_t *root)
{
	const char *format = json_string_value(json_object_get(root, "format"));
	json_t *list = root;
	if (json_is_object(root) && format && strcmp(format, EXPORT_FORMAT) == 0) {
		rep->format = "microchat";
		import_microchat(p, rep, root);
		return;
	}
	if (json_is_object(root) && json_is_object(json_object_get(root, "mapping")))
		list = json_pack("[O]", root); /* one ChatGPT conversation alone */
	else if (json_is_array(root))
		json_incref(root);
	else
		list = NULL;
	if (!list || json_array_size(list) == 0 || !json_is_object(json_array_get(list, 0))) {
		rep->problem = "this is neither microchat's export nor a ChatGPT conversations.json";
	} else {
		rep->format = "chatgpt";
		import_chatgpt(p, list);
	}
	json_decref(list);
}

/* ---- storing it ---- */

static int store_message(struct db *db, int64_t conv, const struct import_message *m, const int64_t *ids)
{
	if (db_exec(db, "INSERT INTO messages(conversation_id, parent_id, role, content, model, status, "
			"created_at, updated_at, selected, imported) "
			"VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?7, ?8, 1)", "IIsssssi", conv,
		    m->parent >= 0 ? ids[m->parent] : (int64_t)0, m->role, m->content, m->model, m->status,
		    m->created_at, m->selected ? 1 : 0) < 0)
		return -1;
	if (m->rating && db_exec(db, "INSERT INTO feedback(message_id, user_id, rating, comment) "
				 "SELECT ?1, user_id, ?2, ?3 FROM conversations WHERE id = ?4",
				 "IssI", db_last_id(db), m->rating, m->comment, conv) < 0)
		return -1;
	return 0;
}

static int store_conversation(struct db *db, struct arena *a, int64_t user_id,
			      const struct import_conversation *c, struct import_report *rep)
{
	if (db_exec(db, "INSERT INTO conversations(user_id, title, model, created_at, updated_at, pinned, archived) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "Issssii", user_id, c->title, c->model,
		    c->created_at, c->updated_at, c->pinned ? 1 : 0, c->archived ? 1 : 0) < 0)
		return -1;
	int64_t conv = db_last_id(db);
	int64_t *ids = arena_alloc(a, (size_t)(c->nmessages ? c->nmessages : 1) * sizeof(*ids));
	for (int i = 0; i < c->nmessages; i++) {
		if (store_message(db, conv, &c->messages[i], ids) < 0)
			return -1;
		ids[i] = db_last_id(db);
	}
	rep->messages += c->nmessages;
	json_array_append_new(rep->conversations, json_pack("{s:I,s:s}", "id", (json_int_t)conv, "title", c->title));
	return 0;
}

static enum import_result store(struct db *db, struct import_plan *p, int64_t user_id, struct import_report *rep)
{
	if (db_begin(db) < 0)
		return IMPORT_ERROR;
	for (int i = 0; i < p->n; i++) {
		import_plan_select(p, &p->items[i]);
		if (store_conversation(db, p->a, user_id, &p->items[i], rep) < 0) {
			db_rollback(db);
			return IMPORT_ERROR;
		}
	}
	return db_commit(db) < 0 ? IMPORT_ERROR : IMPORT_OK;
}

enum import_result import_text(struct db *db, struct arena *a, int64_t user_id, const char *text, size_t len,
			       struct import_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->errors = json_array();
	rep->conversations = json_array();
	char *now = arena_alloc(a, 21);
	util_iso_time(util_now_ms() / 1000, now);
	struct import_plan plan = { .a = a, .errors = rep->errors, .now = now };
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		rep->problem = arena_printf(a, "not JSON (line %d column %d: %s)", err.line, err.column, err.text);
	else
		read_file(&plan, rep, root);
	if (!rep->problem && plan.n + (int)json_array_size(rep->errors) > IMPORT_MAX_CONVERSATIONS)
		rep->problem = "more conversations than one import takes (10000)";
	enum import_result rc = IMPORT_UNREADABLE;
	if (!rep->problem && json_array_size(rep->errors) == 0) {
		rep->skipped_messages = plan.skipped_messages;
		rep->skipped_attachments = plan.skipped_attachments;
		rc = store(db, &plan, user_id, rep);
	} else if (!rep->problem) {
		rep->problem = "some conversations cannot be read: nothing was imported";
	}
	json_decref(root);
	return rc;
}

void import_report_free(struct import_report *rep)
{
	json_decref(rep->errors);
	json_decref(rep->conversations);
	rep->errors = rep->conversations = NULL;
}
