/* history: list the user's conversations (pinned first, then the newest;
 * search, paging, the archived ones apart), show one along its current
 * path (versions, feedback, and what the assistant understood and showed),
 * and change one: rename, pin, archive, clear, delete, switch to another
 * version of a message, share it as a read-only link or revoke the link. */
#include "core/app.h"
#include "assistant/assist_history.h"
#include "chat/branch.h"
#include "chat/convo.h"
#include "chat/share.h"
#include "core/auth.h"
#include "core/cache_req.h"
#include "chat/streams.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <stdio.h>
#include <string.h>

#define HISTORY_DEFAULT_LIMIT 50
#define HISTORY_MAX_LIMIT 200
#define TITLE_MAX 200

static void list(struct req *r, struct db *db)
{
	int64_t limit, before, archived;
	const char *q = req_field(r, "q", NULL);
	if (req_field_int(r, "limit", HISTORY_DEFAULT_LIMIT, 1, HISTORY_MAX_LIMIT, &limit) < 0 ||
	    req_field_int(r, "before", 0, 1, INT64_MAX, &before) < 0 ||
	    req_field_int(r, "archived", 0, 0, 1, &archived) < 0 || (q && strlen(q) > 200)) {
		resp_error(r, 400, "invalid_input", "limit must be 1-%d, before a conversation id, archived 0 or 1, "
			   "q at most 200 bytes", HISTORY_MAX_LIMIT);
		return;
	}
	json_t *items = convo_list_json(db, r->user.id, q, limit, before, archived == 1);
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
	json_array_foreach(messages, i, m) {
		const char *status = json_string_value(json_object_get(m, "status"));
		if (status && strcmp(status, "streaming") == 0)
			r->cache_key = NULL;
	}
}

/* The link of a share: the site's address (where /cgi-bin/ lives) and the
 * page that shows it. */
static json_t *share_json(struct req *r, const char *token)
{
	const char *script = r->script_name ? r->script_name : "";
	const char *cgi = strstr(script, "/cgi-bin/");
	int base = cgi ? (int)(cgi - script) : 0;
	const char *url = r->host ? arena_printf(&r->arena, "%s://%s%.*s/shared.html#%s",
						 r->https ? "https" : "http", r->host, base, script, token)
				  : arena_printf(&r->arena, "shared.html#%s", token);
	return json_pack("{s:s,s:s}", "token", token, "url", url);
}

/* The conversation along its current path; NULL is a 404 (not the user's,
 * or deleted meanwhile), *failed a 500. */
static json_t *conversation_json(struct req *r, struct db *db, int64_t id, bool *failed)
{
	*failed = false;
	json_t *c = convo_json(db, r->user.id, id);
	if (!c)
		return NULL;
	if (streams_settle(db, id) < 0)
		fprintf(stderr, "microchat history: could not settle the abandoned replies of %lld\n", (long long)id);
	json_t *messages = branch_path_json(db, id);
	if (!messages || assist_history_attach(db, &r->arena, id, messages) < 0) {
		json_decref(c);
		json_decref(messages);
		*failed = true;
		return NULL;
	}
	const char *token = share_token(db, &r->arena, r->user.id, id);
	json_object_set_new(c, "share", token ? share_json(r, token) : json_null());
	return json_pack("{s:o,s:o}", "conversation", c, "messages", messages);
}

static void show(struct req *r, struct db *db, int64_t id, bool changed)
{
	bool failed;
	json_t *body = conversation_json(r, db, id, &failed);
	if (failed) {
		resp_internal(r, "loading messages failed");
	} else if (!body) {
		resp_error(r, 404, "not_found", "no such conversation");
	} else {
		if (changed)
			json_object_set_new(body, "ok", json_true());
		keep_only_if_settled(r, json_object_get(body, "messages"));
		resp_json(r, 200, body);
	}
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

/* ---- changes ---- */

static int rename_it(struct req *r, struct db *db, int64_t id)
{
	const char *title = req_field(r, "title", "");
	size_t n = strlen(title);
	if (n == 0 || n > TITLE_MAX || strspn(title, " \t") == n || strpbrk(title, "\r\n")) {
		resp_error(r, 400, "invalid_input", "title must be 1 to %d bytes on one line", TITLE_MAX);
		return -2;
	}
	return convo_rename(db, r->user.id, id, title);
}

static int switch_version(struct req *r, struct db *db, int64_t id)
{
	int64_t message;
	if (req_field_int(r, "message_id", 0, 1, INT64_MAX, &message) <= 0) {
		resp_error(r, 400, "invalid_input", "switch needs message_id (one of the versions)");
		return -2;
	}
	if (db_begin(db) < 0)
		return -1;
	int rc = branch_switch(db, r->user.id, id, message);
	if (rc <= 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) < 0 ? -1 : 1;
}

static void share(struct req *r, struct db *db, int64_t id)
{
	const char *token = NULL;
	/* A public page under the site's name is for members to make. */
	if (strcmp(r->user.role, "guest") == 0) {
		resp_error(r, 403, "forbidden", "visitors cannot share links: log in or register");
		return;
	}
	switch (share_create(db, &r->arena, r->user.id, id, &token)) {
	case SHARE_OK:
		resp_json(r, 200, json_pack("{s:b,s:o}", "ok", 1, "share", share_json(r, token)));
		break;
	case SHARE_NOT_FOUND:
		resp_error(r, 404, "not_found", "no such conversation");
		break;
	case SHARE_EMPTY:
		resp_error(r, 400, "invalid_input", "the conversation has no messages to share yet");
		break;
	default:
		resp_internal(r, "sharing the conversation failed");
	}
}

/* 1 changed, 0 not found, -1 failed, -2 already answered. */
static int apply(struct req *r, struct db *db, const char *action, int64_t id)
{
	int64_t u = r->user.id;
	if (strcmp(action, "rename") == 0)
		return rename_it(r, db, id);
	/* Deleted means gone: the text is checkpointed out of the WAL too. */
	if (strcmp(action, "delete") == 0 || strcmp(action, "clear") == 0) {
		int rc = action[0] == 'd' ? convo_delete(db, u, id) : convo_clear(db, u, id);
		db_forget(db);
		return rc;
	}
	if (strcmp(action, "pin") == 0 || strcmp(action, "unpin") == 0)
		return convo_set_pinned(db, u, id, action[0] == 'p');
	if (strcmp(action, "archive") == 0 || strcmp(action, "unarchive") == 0)
		return convo_set_archived(db, u, id, action[0] == 'a');
	if (strcmp(action, "unshare") == 0)
		return share_remove(db, u, id);
	if (strcmp(action, "switch") == 0)
		return switch_version(r, db, id);
	resp_error(r, 400, "invalid_input", "action must be rename, delete, clear, pin, unpin, archive, "
		   "unarchive, switch, share or unshare");
	return -2;
}

static void change(struct req *r, struct db *db)
{
	const char *action = req_field(r, "action", "");
	int64_t id;
	if (req_field_int(r, "id", 0, 1, INT64_MAX, &id) <= 0) {
		resp_error(r, 400, "invalid_input", "id is required");
		return;
	}
	if (strcmp(action, "share") == 0) {
		share(r, db, id);
		return;
	}
	int rc = apply(r, db, action, id);
	if (rc == -2)
		return;
	if (rc < 0)
		resp_internal(r, "changing the conversation failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", strcmp(action, "switch") == 0 ? "no such message in that conversation"
									       : "no such conversation");
	else if (strcmp(action, "delete") == 0)
		resp_json(r, 200, json_pack("{s:b,s:I}", "ok", 1, "id", (json_int_t)id));
	else if (strcmp(action, "switch") == 0)
		show(r, db, id, true);
	else
		answer_changed(r, db, id);
}

static void handle(struct req *r)
{
	/* Every GET answer is the user's own: kept until their next change. */
	static const char *const read[] = { "id", "q", "limit", "before", "archived", NULL };
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
		show(r, db, id, false);
}

int main(void)
{
	return app_main("history", handle, APP_KIND);
}
