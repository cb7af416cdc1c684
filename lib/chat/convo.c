/* convo: conversations and their messages in the database: a turn's rows,
 * the reply as it grows and when it ends, listings and the prompt history. */
#include "chat/convo.h"
#include "chat/streams.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/util.h"

#include <string.h>

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

int convo_owned(struct db *db, struct arena *a, int64_t user_id, int64_t id, const char **model)
{
	sqlite3_stmt *st = db_query(db, "SELECT model FROM conversations WHERE id = ?1 AND user_id = ?2",
				    "II", id, user_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW && model)
		*model = db_col_text(a, st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int convo_assistant(struct db *db, int64_t conversation_id, int64_t *assistant_id)
{
	*assistant_id = 0;
	return db_int(db, assistant_id, "SELECT coalesce(assistant_id, 0) FROM conversations WHERE id = ?1",
		      "I", conversation_id) < 0 ? -1 : 0;
}

char *convo_title_from(struct arena *a, const char *text)
{
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	size_t n = strcspn(text, "\r\n");
	if (n > 60) {
		size_t cut = 60;
		while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut--; /* never inside a UTF-8 sequence */
		size_t space = cut;
		while (space > 30 && text[space] != ' ')
			space--;
		n = text[space] == ' ' ? space : cut;
		return arena_printf(a, "%.*s…", (int)n, text);
	}
	return n ? arena_strndup(a, text, n) : arena_strdup(a, "…");
}

static int insert_message(struct db *db, int64_t conv, const char *role, const char *content,
			  const char *model, const char *status, int64_t *id)
{
	if (db_exec(db, "INSERT INTO messages(conversation_id, role, content, model, status) "
			"VALUES (?1, ?2, ?3, ?4, ?5)", "Issss", conv, role, content, model, status) < 0)
		return -1;
	*id = db_last_id(db);
	return 0;
}

/* The conversation the turn goes to: a new one, or the user's own (its
 * model remembered). 0, or a CONVO_ code. */
static int turn_conversation(struct db *db, struct arena *a, const char *model, const char *text,
			     struct convo_turn *t)
{
	if (t->conversation_id == 0) {
		if (db_exec(db, "INSERT INTO conversations(user_id, title, model, assistant_id) "
			    "VALUES (?1, ?2, ?3, nullif(?4, 0))",
			    "IssI", t->user_id, convo_title_from(a, text), model, t->assistant_id) < 0)
			return CONVO_ERROR;
		t->conversation_id = db_last_id(db);
		t->created = true;
		return 0;
	}
	if (db_exec(db, "UPDATE conversations SET model = coalesce(?2, model), updated_at = " NOW
			" WHERE id = ?1 AND user_id = ?3", "IsI", t->conversation_id, model, t->user_id) < 0)
		return CONVO_ERROR;
	return db_changes(db) == 1 ? 0 : CONVO_GONE;
}

static int turn_rows(struct db *db, struct arena *a, const char *model, const char *text,
		     struct convo_turn *t)
{
	int room = streams_room(db, t->user_id, t->max_streams);
	if (room <= 0)
		return room < 0 ? CONVO_ERROR : CONVO_BUSY;
	int rc = turn_conversation(db, a, model, text, t);
	if (rc < 0)
		return rc;
	if (insert_message(db, t->conversation_id, "user", text, NULL, "done", &t->user_message_id) < 0 ||
	    insert_message(db, t->conversation_id, "assistant", "", t->template_reply ? NULL : model, "streaming",
			   &t->reply_id) < 0 ||
	    streams_add(db, t->reply_id, t->user_id) < 0)
		return CONVO_ERROR;
	return 0;
}

int convo_start_turn(struct db *db, int64_t user_id, const char *model,
		     const char *text, struct convo_turn *t)
{
	struct arena a;
	arena_init(&a);
	t->user_id = user_id;
	int rc = db_begin(db) < 0 ? CONVO_ERROR : turn_rows(db, &a, model, text, t);
	if (rc == 0 && db_commit(db) < 0)
		rc = CONVO_ERROR;
	if (rc < 0)
		db_rollback(db);
	arena_free(&a);
	return rc;
}

/* The turn's reply, only while it is still streaming in a conversation of
 * the turn's user: ?1 reply, ?2 conversation, ?3 user. */
#define TURN_REPLY "id = ?1 AND conversation_id = ?2 AND status = 'streaming' AND " \
	"EXISTS (SELECT 1 FROM conversations c WHERE c.id = ?2 AND c.user_id = ?3)"

int convo_save_progress(struct db *db, const struct convo_turn *t, const char *content)
{
	return db_exec(db, "UPDATE messages SET content = ?4, updated_at = " NOW " WHERE " TURN_REPLY,
		       "IIIs", t->reply_id, t->conversation_id, t->user_id, content);
}

static int finish_rows(struct db *db, const struct convo_turn *t, const struct convo_reply_end *e)
{
	/* -1 stands for "unknown" and is stored as NULL. */
	if (db_exec(db, "UPDATE messages SET content = ?4, status = ?5, error_code = ?6, "
			"duration_ms = NULLIF(?7, -1), first_token_ms = NULLIF(?8, -1), "
			"eval_count = ?9, prompt_eval_count = ?10, updated_at = " NOW " WHERE " TURN_REPLY,
		    "IIIsssIIII", t->reply_id, t->conversation_id, t->user_id, e->content, e->status,
		    e->error_code, e->duration_ms, e->first_token_ms, (int64_t)e->eval_count,
		    (int64_t)e->prompt_eval_count) < 0)
		return -1;
	if (db_changes(db) == 1 &&
	    db_exec(db, "UPDATE conversations SET updated_at = " NOW " WHERE id = ?1 AND user_id = ?2",
		    "II", t->conversation_id, t->user_id) < 0)
		return -1;
	return streams_end(db, t->reply_id);
}

int convo_finish_reply(struct db *db, const struct convo_turn *t, const struct convo_reply_end *e)
{
	if (db_begin(db) < 0)
		return -1;
	if (finish_rows(db, t, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

bool convo_cancel_requested(struct db *db, const struct convo_turn *t)
{
	int64_t v = 0;
	int rc = db_int(db, &v, "SELECT cancel_requested FROM messages WHERE " TURN_REPLY,
			"III", t->reply_id, t->conversation_id, t->user_id);
	return rc == 0 || (rc == 1 && v);
}

int convo_request_cancel(struct db *db, struct arena *a, int64_t user_id,
			 int64_t message_id, const char **status)
{
	int rc = db_text(db, a, status,
		"SELECT m.status FROM messages m JOIN conversations c ON c.id = m.conversation_id "
		"WHERE m.id = ?1 AND c.user_id = ?2 AND m.role = 'assistant'", "II", message_id, user_id);
	if (rc <= 0)
		return rc;
	if (db_exec(db, "UPDATE messages SET cancel_requested = 1 WHERE id = ?1 AND conversation_id IN "
			"(SELECT id FROM conversations WHERE user_id = ?2)", "II", message_id, user_id) < 0)
		return -1;
	return 1;
}

json_t *convo_prompt_history(struct db *db, int64_t conversation_id,
			     int64_t before_id, size_t budget_bytes)
{
	json_t *newest_first = json_array();
	sqlite3_stmt *st = db_query(db,
		"SELECT role, content FROM messages WHERE conversation_id = ?1 AND id < ?2 "
		"AND content != '' AND status != 'error' ORDER BY id DESC LIMIT 200",
		"II", conversation_id, before_id);
	size_t used = 0;
	while (st && db_step(st) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (used + len > budget_bytes)
			break;
		used += len;
		json_array_append_new(newest_first, json_pack("{s:s,s:s}",
			"role", (const char *)sqlite3_column_text(st, 0),
			"content", (const char *)sqlite3_column_text(st, 1)));
	}
	if (st)
		sqlite3_reset(st);
	json_t *out = json_array();
	for (size_t i = json_array_size(newest_first); i-- > 0;)
		json_array_append(out, json_array_get(newest_first, i));
	json_decref(newest_first);
	return out;
}

static json_t *message_row(sqlite3_stmt *st)
{
	json_t *m = json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s}",
		"id", (json_int_t)sqlite3_column_int64(st, 0),
		"role", (const char *)sqlite3_column_text(st, 1),
		"content", (const char *)sqlite3_column_text(st, 2),
		"model", (const char *)sqlite3_column_text(st, 3),
		"status", (const char *)sqlite3_column_text(st, 4),
		"created_at", (const char *)sqlite3_column_text(st, 5));
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		json_object_set_new(m, "error_code", json_string((const char *)sqlite3_column_text(st, 6)));
	return m;
}

#define MESSAGE_COLUMNS "id, role, content, model, status, created_at, error_code"

json_t *convo_message_json(struct db *db, int64_t message_id)
{
	sqlite3_stmt *st = db_query(db, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?1",
				    "I", message_id);
	json_t *m = NULL;
	if (st && db_step(st) == SQLITE_ROW)
		m = message_row(st);
	if (st)
		sqlite3_reset(st);
	return m;
}

json_t *convo_messages_json(struct db *db, int64_t conversation_id)
{
	json_t *out = json_array();
	sqlite3_stmt *st = db_query(db, "SELECT " MESSAGE_COLUMNS " FROM messages "
				    "WHERE conversation_id = ?1 ORDER BY id", "I", conversation_id);
	int rc;
	while (st && (rc = db_step(st)) == SQLITE_ROW)
		json_array_append_new(out, message_row(st));
	if (!st || rc < 0) {
		json_decref(out);
		return NULL;
	}
	sqlite3_reset(st);
	return out;
}

#define CONVO_COLUMNS "c.id, c.title, c.model, c.created_at, c.updated_at, " \
	"(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), " \
	"(SELECT slug FROM assistants a WHERE a.id = c.assistant_id)"

static json_t *convo_row(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:I,s:s?}",
		"id", (json_int_t)sqlite3_column_int64(st, 0),
		"title", (const char *)sqlite3_column_text(st, 1),
		"model", (const char *)sqlite3_column_text(st, 2),
		"created_at", (const char *)sqlite3_column_text(st, 3),
		"updated_at", (const char *)sqlite3_column_text(st, 4),
		"message_count", (json_int_t)sqlite3_column_int64(st, 5),
		"assistant", (const char *)sqlite3_column_text(st, 6));
}

/* q as a LIKE pattern with its own % and _ taken literally. */
static char *like_pattern(struct arena *a, const char *q)
{
	char *p = arena_alloc(a, strlen(q) * 2 + 3), *o = p;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

json_t *convo_list_json(struct db *db, int64_t user_id, const char *q,
			int64_t limit, int64_t before)
{
	struct arena a;
	arena_init(&a);
	const char *pattern = q && *q ? like_pattern(&a, q) : NULL;
	sqlite3_stmt *st = db_query(db,
		"SELECT " CONVO_COLUMNS " FROM conversations c WHERE c.user_id = ?1 "
		"AND (?2 IS NULL OR c.title LIKE ?2 ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m "
		"     WHERE m.conversation_id = c.id AND m.content LIKE ?2 ESCAPE '\\')) "
		"AND (?3 = 0 OR (c.updated_at, c.id) < (SELECT updated_at, id FROM conversations "
		"     WHERE id = ?3 AND user_id = ?1)) "
		"ORDER BY c.updated_at DESC, c.id DESC LIMIT ?4",
		"IsII", user_id, pattern, before, limit);
	json_t *out = json_array();
	int rc = -1;
	while (st && (rc = db_step(st)) == SQLITE_ROW)
		json_array_append_new(out, convo_row(st));
	if (st)
		sqlite3_reset(st);
	arena_free(&a);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *convo_json(struct db *db, int64_t user_id, int64_t id)
{
	sqlite3_stmt *st = db_query(db, "SELECT " CONVO_COLUMNS " FROM conversations c "
				    "WHERE c.id = ?1 AND c.user_id = ?2", "II", id, user_id);
	json_t *c = NULL;
	if (st && db_step(st) == SQLITE_ROW)
		c = convo_row(st);
	if (st)
		sqlite3_reset(st);
	return c;
}

static int changed(int rc, struct db *db)
{
	return rc < 0 ? -1 : db_changes(db) > 0 ? 1 : 0;
}

int convo_rename(struct db *db, int64_t user_id, int64_t id, const char *title)
{
	int rc = db_exec(db, "UPDATE conversations SET title = ?3, updated_at = " NOW
			     " WHERE id = ?1 AND user_id = ?2", "IIs", id, user_id, title);
	return changed(rc, db);
}

int convo_delete(struct db *db, int64_t user_id, int64_t id)
{
	int rc = db_exec(db, "DELETE FROM conversations WHERE id = ?1 AND user_id = ?2", "II", id, user_id);
	return changed(rc, db);
}

int convo_clear(struct db *db, int64_t user_id, int64_t id)
{
	if (db_begin(db) < 0)
		return -1;
	int64_t owned = 0;
	if (db_int(db, &owned, "SELECT count(*) FROM conversations WHERE id = ?1 AND user_id = ?2",
		   "II", id, user_id) < 0 ||
	    (owned && db_exec(db, "DELETE FROM messages WHERE conversation_id = ?1 AND EXISTS "
				  "(SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?2)", "II", id, user_id) < 0) ||
	    (owned && db_exec(db, "UPDATE conversations SET updated_at = " NOW " WHERE id = ?1 AND user_id = ?2",
			      "II", id, user_id) < 0)) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) < 0)
		return -1;
	return owned ? 1 : 0;
}
