/* convo: conversations and their messages in the database: the reply as
 * it grows and when it ends, a stop asked for, listings, and what a user
 * changes of a conversation (title, pin, archive, clear, delete). The rows
 * of a turn are lib/chat/turn's, the tree of versions lib/chat/branch's. */
#include "chat/convo.h"
#include "chat/streams.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/util.h"

#include <string.h>

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

/* The reply, only while it is still streaming in a conversation of its
 * user: ?1 reply, ?2 conversation, ?3 user. */
#define LIVE_REPLY "id = ?1 AND conversation_id = ?2 AND status = 'streaming' AND " \
	"EXISTS (SELECT 1 FROM conversations c WHERE c.id = ?2 AND c.user_id = ?3)"

int convo_save_progress(struct db *db, const struct convo_reply_ref *ref, const char *content)
{
	return db_exec(db, "UPDATE messages SET content = ?4, updated_at = " DB_NOW " WHERE " LIVE_REPLY,
		       "IIIs", ref->id, ref->conversation_id, ref->user_id, content);
}

static int finish_rows(struct db *db, const struct convo_reply_ref *ref, const struct convo_reply_end *e)
{
	/* -1 stands for "unknown" and is stored as NULL. */
	if (db_exec(db, "UPDATE messages SET content = ?4, status = ?5, error_code = ?6, "
			"duration_ms = NULLIF(?7, -1), first_token_ms = NULLIF(?8, -1), "
			"eval_count = ?9, prompt_eval_count = ?10, updated_at = " DB_NOW " WHERE " LIVE_REPLY,
		    "IIIsssIIII", ref->id, ref->conversation_id, ref->user_id, e->content, e->status,
		    e->error_code, e->duration_ms, e->first_token_ms, (int64_t)e->eval_count,
		    (int64_t)e->prompt_eval_count) < 0)
		return -1;
	if (db_changes(db) == 1 &&
	    db_exec(db, "UPDATE conversations SET updated_at = " DB_NOW " WHERE id = ?1 AND user_id = ?2",
		    "II", ref->conversation_id, ref->user_id) < 0)
		return -1;
	return streams_end(db, ref->id);
}

int convo_finish_reply(struct db *db, const struct convo_reply_ref *ref, const struct convo_reply_end *e)
{
	if (db_begin(db) < 0)
		return -1;
	if (finish_rows(db, ref, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

bool convo_cancel_requested(struct db *db, const struct convo_reply_ref *ref)
{
	int64_t v = 0;
	int rc = db_int(db, &v, "SELECT cancel_requested FROM messages WHERE " LIVE_REPLY,
			"III", ref->id, ref->conversation_id, ref->user_id);
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

json_t *convo_message_row(sqlite3_stmt *st)
{
	json_t *m = json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s}",
		"id", (json_int_t)sqlite3_column_int64(st, 0),
		"role", (const char *)sqlite3_column_text(st, 1),
		"content", (const char *)sqlite3_column_text(st, 2),
		"model", (const char *)sqlite3_column_text(st, 3),
		"status", (const char *)sqlite3_column_text(st, 4),
		"created_at", (const char *)sqlite3_column_text(st, 5));
	if (!m)
		return NULL;
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		json_object_set_new(m, "error_code", json_string((const char *)sqlite3_column_text(st, 6)));
	json_object_set_new(m, "parent_id", sqlite3_column_type(st, 7) == SQLITE_NULL ? json_null()
				: json_integer((json_int_t)sqlite3_column_int64(st, 7)));
	return m;
}

json_t *convo_message_json(struct db *db, int64_t message_id)
{
	sqlite3_stmt *st = db_query(db, "SELECT " CONVO_MESSAGE_COLUMNS(" ") " FROM messages WHERE id = ?1",
				    "I", message_id);
	json_t *m = NULL;
	if (st && db_step(st) == SQLITE_ROW)
		m = convo_message_row(st);
	if (st)
		sqlite3_reset(st);
	return m;
}

/* message_count counts every version of every message. */
#define CONVO_COLUMNS "c.id, c.title, c.model, c.created_at, c.updated_at, " \
	"(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), c.pinned, c.archived, " \
	"EXISTS (SELECT 1 FROM shares s WHERE s.conversation_id = c.id), " \
	"(SELECT slug FROM assistants a WHERE a.id = c.assistant_id)"

static json_t *convo_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:I,s:b,s:b,s:b,s:s?}",
		"id", (json_int_t)sqlite3_column_int64(st, 0),
		"title", (const char *)sqlite3_column_text(st, 1),
		"model", (const char *)sqlite3_column_text(st, 2),
		"created_at", (const char *)sqlite3_column_text(st, 3),
		"updated_at", (const char *)sqlite3_column_text(st, 4),
		"message_count", (json_int_t)sqlite3_column_int64(st, 5),
		"pinned", sqlite3_column_int(st, 6), "archived", sqlite3_column_int(st, 7),
		"shared", sqlite3_column_int(st, 8), "assistant", (const char *)sqlite3_column_text(st, 9));
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
			int64_t limit, int64_t before, bool archived)
{
	struct arena a;
	arena_init(&a);
	const char *pattern = q && *q ? like_pattern(&a, q) : NULL;
	sqlite3_stmt *st = db_query(db,
		"SELECT " CONVO_COLUMNS " FROM conversations c WHERE c.user_id = ?1 AND c.archived = ?5 "
		"AND (?2 IS NULL OR c.title LIKE ?2 ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m "
		"     WHERE m.conversation_id = c.id AND m.content LIKE ?2 ESCAPE '\\')) "
		"AND (?3 = 0 OR (c.pinned, c.updated_at, c.id) < (SELECT pinned, updated_at, id "
		"     FROM conversations WHERE id = ?3 AND user_id = ?1)) "
		"ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?4",
		"IsIIi", user_id, pattern, before, limit, archived ? 1 : 0);
	json_t *out = db_json_rows(st, convo_row, NULL); /* pattern stays bound until then */
	arena_free(&a);
	return out;
}

json_t *convo_json(struct db *db, int64_t user_id, int64_t id)
{
	sqlite3_stmt *st = db_query(db, "SELECT " CONVO_COLUMNS " FROM conversations c "
				    "WHERE c.id = ?1 AND c.user_id = ?2", "II", id, user_id);
	json_t *c = NULL;
	if (st && db_step(st) == SQLITE_ROW)
		c = convo_row(st, NULL);
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
	int rc = db_exec(db, "UPDATE conversations SET title = ?3, updated_at = " DB_NOW
			     " WHERE id = ?1 AND user_id = ?2", "IIs", id, user_id, title);
	return changed(rc, db);
}

int convo_set_pinned(struct db *db, int64_t user_id, int64_t id, bool pinned)
{
	int rc = db_exec(db, "UPDATE conversations SET pinned = ?3 WHERE id = ?1 AND user_id = ?2",
			 "IIi", id, user_id, pinned ? 1 : 0);
	return changed(rc, db);
}

int convo_set_archived(struct db *db, int64_t user_id, int64_t id, bool archived)
{
	int rc = db_exec(db, "UPDATE conversations SET archived = ?3 WHERE id = ?1 AND user_id = ?2",
			 "IIi", id, user_id, archived ? 1 : 0);
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
	    /* A link to what is gone would show an empty shell: it goes too. */
	    (owned && db_exec(db, "DELETE FROM shares WHERE conversation_id = ?1 AND EXISTS "
				  "(SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?2)", "II", id, user_id) < 0) ||
	    (owned && db_exec(db, "UPDATE conversations SET updated_at = " DB_NOW " WHERE id = ?1 AND user_id = ?2",
			      "II", id, user_id) < 0)) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) < 0)
		return -1;
	return owned ? 1 : 0;
}
