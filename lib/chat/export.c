/* export: conversations as microchat's JSON or one as Markdown (see export.h). */
#include "chat/export.h"
#include "chat/branch.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/util.h"

#include <string.h>

#define CONVERSATION_COLUMNS "id, title, model, created_at, updated_at, pinned, archived"

/* One conversation of the export: its fields and every message. */
static json_t *conversation(sqlite3_stmt *st, void *db)
{
	json_t *messages = branch_all_json(db, sqlite3_column_int64(st, 0));
	if (!messages)
		return NULL;
	return json_pack("{s:s,s:s?,s:s,s:s,s:b,s:b,s:o}",
		"title", (const char *)sqlite3_column_text(st, 1),
		"model", (const char *)sqlite3_column_text(st, 2),
		"created_at", (const char *)sqlite3_column_text(st, 3),
		"updated_at", (const char *)sqlite3_column_text(st, 4),
		"pinned", sqlite3_column_int(st, 5), "archived", sqlite3_column_int(st, 6),
		"messages", messages);
}

static json_t *conversations(struct db *db, int64_t user_id, int64_t id)
{
	/* The messages are read with statements of their own while this one
	 * steps through the conversations. */
	sqlite3_stmt *st = db_query(db, "SELECT " CONVERSATION_COLUMNS " FROM conversations "
				    "WHERE user_id = ?1 AND (?2 = 0 OR id = ?2) ORDER BY updated_at DESC, id DESC",
				    "II", user_id, id);
	return db_json_rows(st, conversation, db);
}

int export_json(struct db *db, int64_t user_id, int64_t id, json_t **out)
{
	*out = NULL;
	/* One read transaction: every conversation from the same moment. */
	if (db_exec(db, "BEGIN", "") < 0)
		return -1;
	json_t *list = conversations(db, user_id, id);
	db_exec(db, "COMMIT", "");
	if (!list)
		return -1;
	if (id && json_array_size(list) == 0) {
		json_decref(list);
		return 0;
	}
	char now[21];
	util_iso_time(util_now_ms() / 1000, now);
	*out = json_pack("{s:s,s:i,s:s,s:o}", "format", EXPORT_FORMAT, "version", EXPORT_VERSION,
			 "exported_at", now, "conversations", list);
	return *out ? 1 : -1;
}

/* ---- Markdown ---- */

struct labels {
	const char *you, *assistant, *exported, *model, *status;
};

static const struct labels labels_es = { "Tú", "Asistente", "Exportada de microchat el", "modelo", "estado" };
static const struct labels labels_en = { "You", "Assistant", "Exported from microchat on", "model", "status" };

static void markdown_message(struct buf *out, const struct labels *l, json_t *m)
{
	const char *role = json_string_value(json_object_get(m, "role"));
	const char *model = json_string_value(json_object_get(m, "model"));
	const char *status = json_string_value(json_object_get(m, "status"));
	bool reply = role && strcmp(role, "assistant") == 0;
	buf_printf(out, "### %s", reply ? l->assistant : l->you);
	if (reply && model)
		buf_printf(out, " (%s)", model);
	buf_printf(out, " · %s", json_string_value(json_object_get(m, "created_at")));
	if (reply && status && strcmp(status, "done") != 0)
		buf_printf(out, " · %s: %s", l->status, status);
	buf_printf(out, "\n\n%s\n\n", json_string_value(json_object_get(m, "content")));
}

int export_markdown(struct db *db, struct arena *a, int64_t user_id, int64_t id, const char *lang,
		    struct buf *out, const char **title)
{
	const struct labels *l = lang && strcmp(lang, "en") == 0 ? &labels_en : &labels_es;
	const char *model = NULL;
	sqlite3_stmt *st = db_query(db, "SELECT title, model FROM conversations WHERE id = ?1 AND user_id = ?2",
				    "II", id, user_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		*title = db_col_text(a, st, 0);
		model = db_col_text(a, st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	json_t *messages = branch_path_json(db, id);
	if (!messages)
		return -1;
	char now[21];
	util_iso_time(util_now_ms() / 1000, now);
	buf_printf(out, "# %s\n\n*%s %s", *title, l->exported, now);
	if (model)
		buf_printf(out, " · %s %s", l->model, model);
	buf_puts(out, "*\n\n---\n\n");
	json_t *m;
	size_t i;
	json_array_foreach(messages, i, m)
		markdown_message(out, l, m);
	json_decref(messages);
	return 1;
}
