/* history: list the user's conversations (newest first, search, paging),
 * show one with its messages (replies with what the assistant understood
 * and the cards it showed), and rename, delete or clear one. */
#include "core/app.h"
#include "assistant/assist_history.h"
#include "core/auth.h"
#include "core/cache_req.h"
#include "chat/convo.h"
#include "chat/streams.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

#define HISTORY_DEFAULT_LIMIT 50
#define HISTORY_MAX_LIMIT 200
#define TITLE_MAX 200

static void list(struct req *r, struct db *db)
{
	int64_t limit, before;
	const char *q = req_field(r, "q", NULL);
	if (req_field_int(r, "limit", HISTORY_DEFAULT_LIMIT, 1, HISTORY_MAX_LIMIT, &limit) < 0 ||
	    req_field_int(r, "before", 0, 1, INT64_MAX, &before) < 0 || (q && strlen(q) > 200)) {
		resp_error(r, 400, "invalid_input", "limit must be 1-%d, before a conversation id, q at most 200 bytes",
			   HISTORY_MAX_LIMIT);
		return;
	}
	json_t *items = convo_list_json(db, r->user.id, q, limit, before);
	if (!items) {
		resp_internal(r, "listing conversations failed");
		return;
	}
	json_t *body = json_pack("{s:o}", "conversations", items);
	size_t n = json_array_size(items);
	if ((int64_t)n == limit)
		json_object_set(body, "next_before", json_object_get(json_array_get(items, n - 1), "id"));
	resp_json(r, 200, body);
}

/* A reply still being written changes every few hundred milliseconds:
 * such an answer is not worth keeping in the cache, and a reader polling
 * it must reach the database, which settles it if its process is gone. */
static void keep_only_if_settled(struct req *r, json_t *messages)
{
	json_t *m;
	size_t i;
	json_array_foreach(messages, i, m)
		if (strcmp(json_string_value(json_object_get(m, "status")), "streaming") == 0)
			r->cache_key = NULL;
}

static void show(struct req *r, struct db *db, int64_t id)
{
	json_t *c = convo_json(db, r->user.id, id);
	if (!c) {
		resp_error(r, 404, "not_found", "no such conversation");
		return;
	}
	if (streams_settle(db, id) < 0)
		fprintf(stderr, "microchat history: could not settle the abandoned replies of %lld\n", (long long)id);
	json_t *messages = convo_messages_json(db, id);
	if (!messages || assist_history_attach(db, &r->arena, id, messages) < 0) {
		json_decref(c);
		json_decref(messages);
		resp_internal(r, "loading messages failed");
		return;
	}
	keep_only_if_settled(r, messages);
	resp_json(r, 200, json_pack("{s:o,s:o}", "conversation", c, "messages", messages));
}

/* The conversation as changed; it may be gone already (deleted in another
 * tab between the change and this read): that is a 404 like any other. */
static void answer_changed(struct req *r, struct db *db, int64_t id)
{
	json_t *c = convo_json(db, r->user.id, id);
	if (!c) {
		resp_error(r, 404, "not_found", "no such conversation");
		return;
	}
	resp_json(r, 200, json_pack("{s:b,s:o}", "ok", 1, "conversation", c));
}

static void change(struct req *r, struct db *db)
{
	const char *action = req_field(r, "action", "");
	int64_t id;
	if (req_field_int(r, "id", 0, 1, INT64_MAX, &id) <= 0) {
		resp_error(r, 400, "invalid_input", "id is required");
		return;
	}
	int rc;
	if (strcmp(action, "rename") == 0) {
		const char *title = req_field(r, "title", "");
		size_t n = strlen(title);
		if (n == 0 || n > TITLE_MAX || strspn(title, " \t") == n || strpbrk(title, "\r\n")) {
			resp_error(r, 400, "invalid_input", "title must be 1 to %d bytes on one line", TITLE_MAX);
			return;
		}
		rc = convo_rename(db, r->user.id, id, title);
	} else if (strcmp(action, "delete") == 0) {
		rc = convo_delete(db, r->user.id, id);
		db_forget(db);
	} else if (strcmp(action, "clear") == 0) {
		rc = convo_clear(db, r->user.id, id);
		db_forget(db);
	} else {
		resp_error(r, 400, "invalid_input", "action must be rename, delete or clear");
		return;
	}
	if (rc < 0)
		resp_internal(r, "changing the conversation failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", "no such conversation");
	else if (strcmp(action, "delete") == 0)
		resp_json(r, 200, json_pack("{s:b,s:I}", "ok", 1, "id", (json_int_t)id));
	else
		answer_changed(r, db, id);
}

static void handle(struct req *r)
{
	/* Every GET answer is the user's own: kept until their next change. */
	static const char *const read[] = { "id", "q", "limit", "before", NULL };
	if (app_answer_cached(r, "GET,POST", APP_USER, false, cache_req_fields_key(r, "history", read), 0))
		return;
	struct db *db = app_begin(r, "GET,POST", APP_USER);
	if (!db)
		return;
	if (req_is_post(r)) {
		change(r, db);
		return;
	}
	int64_t id;
	int rc = req_field_int(r, "id", 0, 1, INT64_MAX, &id);
	if (rc < 0)
		resp_error(r, 400, "invalid_input", "id must be a positive integer");
	else if (rc == 0)
		list(r, db);
	else
		show(r, db, id);
}

int main(void)
{
	return app_main("history", handle, APP_KIND);
}
