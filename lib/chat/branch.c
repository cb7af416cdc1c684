/* branch: a conversation's messages as a tree: the current path, versions,
 * switching, and the model's history along one path (see branch.h). */
#include "chat/branch.h"
#include "chat/convo.h"
#include "core/db.h"
#include "core/db_json.h"

#include <stdio.h>
#include <string.h>

/* The selected first message, then each selected child of the one before.
 * ?1 is the conversation; the depth orders the path. */
#define PATH_CTE \
	"WITH RECURSIVE path(id, depth) AS (" \
	" SELECT id, 0 FROM messages WHERE conversation_id = ?1 AND parent_id IS NULL AND selected = 1" \
	" UNION ALL" \
	" SELECT m.id, path.depth + 1 FROM path JOIN messages m" \
	"  ON m.conversation_id = ?1 AND m.parent_id = path.id AND m.selected = 1) "

#define ROW_COLUMNS CONVO_MESSAGE_COLUMNS("m.") ", f.rating, f.comment, m.selected"

int branch_leaf(struct db *db, int64_t conversation_id, int64_t *leaf)
{
	*leaf = 0;
	return db_int(db, leaf, PATH_CTE "SELECT id FROM path ORDER BY depth DESC LIMIT 1", "I",
		      conversation_id);
}

/* The message, with its rating when it has one. */
static json_t *message_row(sqlite3_stmt *st)
{
	json_t *m = convo_message_row(st);
	if (m && sqlite3_column_type(st, 8) != SQLITE_NULL)
		json_object_set_new(m, "feedback", json_pack("{s:s,s:s}",
			"rating", (const char *)sqlite3_column_text(st, 8),
			"comment", (const char *)sqlite3_column_text(st, 9)));
	return m;
}

/* ctx: the column of "selected", or NULL when it is not shown. */
static json_t *message_row_selected(sqlite3_stmt *st, void *ctx)
{
	json_t *m = message_row(st);
	const int *selected_col = ctx;
	if (m && selected_col)
		json_object_set_new(m, "selected", json_boolean(sqlite3_column_int(st, *selected_col)));
	return m;
}

/* Rows of st as an array; NULL on error (st is reset). */
static json_t *rows_json(sqlite3_stmt *st, int selected_col)
{
	return db_json_rows(st, message_row_selected, selected_col >= 0 ? &selected_col : NULL);
}

static const char *group_key(char buf[48], json_int_t parent, const char *role)
{
	snprintf(buf, 48, "%lld:%s", (long long)parent, role);
	return buf;
}

/* {"<parent>:<role>": [ids oldest first]} for every group of two or more. */
static json_t *version_groups(struct db *db, int64_t conversation_id)
{
	sqlite3_stmt *st = db_query(db,
		"SELECT coalesce(parent_id, 0), role, id FROM messages WHERE conversation_id = ?1 "
		"AND (coalesce(parent_id, 0), role) IN (SELECT coalesce(parent_id, 0), role FROM messages "
		"  WHERE conversation_id = ?1 GROUP BY 1, 2 HAVING count(*) > 1) "
		"ORDER BY 1, 2, 3", "I", conversation_id);
	if (!st)
		return NULL;
	json_t *groups = json_object();
	int rc;
	char key[48];
	while ((rc = db_step(st)) == SQLITE_ROW) {
		group_key(key, (json_int_t)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
		json_t *ids = json_object_get(groups, key);
		if (!ids) {
			ids = json_array();
			json_object_set_new(groups, key, ids);
		}
		json_array_append_new(ids, json_integer((json_int_t)sqlite3_column_int64(st, 2)));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(groups);
		return NULL;
	}
	return groups;
}

static void add_versions(json_t *messages, json_t *groups)
{
	json_t *m;
	size_t i;
	char key[48];
	json_array_foreach(messages, i, m) {
		json_t *parent = json_object_get(m, "parent_id");
		json_t *ids = json_object_get(groups, group_key(key, json_is_integer(parent) ?
			json_integer_value(parent) : 0, json_string_value(json_object_get(m, "role"))));
		if (!ids)
			continue;
		json_int_t id = json_integer_value(json_object_get(m, "id"));
		size_t k;
		json_t *v;
		json_array_foreach(ids, k, v)
			if (json_integer_value(v) == id)
				break;
		json_object_set(m, "versions", ids);
		json_object_set_new(m, "version_index", json_integer((json_int_t)k));
	}
}

json_t *branch_path_json(struct db *db, int64_t conversation_id)
{
	json_t *messages = rows_json(db_query(db, PATH_CTE
		"SELECT " ROW_COLUMNS " FROM path JOIN messages m ON m.id = path.id "
		"LEFT JOIN feedback f ON f.message_id = m.id ORDER BY path.depth", "I", conversation_id), -1);
	json_t *groups = messages ? version_groups(db, conversation_id) : NULL;
	if (!groups) {
		json_decref(messages);
		return NULL;
	}
	add_versions(messages, groups);
	json_decref(groups);
	return messages;
}

json_t *branch_chain_json(struct db *db, int64_t conversation_id, int64_t last_id)
{
	return rows_json(db_query(db,
		"WITH RECURSIVE up(id, parent, depth) AS ("
		" SELECT id, parent_id, 0 FROM messages WHERE id = ?2 AND conversation_id = ?1"
		" UNION ALL"
		" SELECT m.id, m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.parent) "
		"SELECT " ROW_COLUMNS " FROM up JOIN messages m ON m.id = up.id "
		"LEFT JOIN feedback f ON f.message_id = m.id ORDER BY up.depth DESC",
		"II", conversation_id, last_id), -1);
}

json_t *branch_all_json(struct db *db, int64_t conversation_id)
{
	return rows_json(db_query(db, "SELECT " ROW_COLUMNS " FROM messages m "
				  "LEFT JOIN feedback f ON f.message_id = m.id "
				  "WHERE m.conversation_id = ?1 ORDER BY m.id", "I", conversation_id), 10);
}

int branch_select(struct db *db, int64_t message_id)
{
	return db_exec(db, "UPDATE messages SET selected = (id = ?1) WHERE (conversation_id, "
		       "coalesce(parent_id, 0), role) = (SELECT conversation_id, coalesce(parent_id, 0), role "
		       "FROM messages WHERE id = ?1)", "I", message_id);
}

int branch_switch(struct db *db, int64_t user_id, int64_t conversation_id, int64_t message_id)
{
	/* up: the message (if it is in a conversation of the user's) and
	 * every one before it; each becomes the selected one of its group. */
	int rc = db_exec(db,
		"WITH RECURSIVE up(id, parent, role) AS ("
		" SELECT m.id, m.parent_id, m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id"
		"  WHERE m.id = ?3 AND m.conversation_id = ?2 AND c.user_id = ?1"
		" UNION ALL"
		" SELECT m.id, m.parent_id, m.role FROM messages m JOIN up ON m.id = up.parent) "
		"UPDATE messages SET selected = (id IN (SELECT id FROM up)) WHERE conversation_id = ?2 "
		"AND (coalesce(parent_id, 0), role) IN (SELECT coalesce(parent, 0), role FROM up)",
		"III", user_id, conversation_id, message_id);
	return rc < 0 ? -1 : db_changes(db) > 0 ? 1 : 0;
}

json_t *branch_history(struct db *db, int64_t last_id, size_t budget_bytes)
{
	json_t *newest_first = json_array();
	/* Walk up from last_id; at most 400 steps, of which the usable ones
	 * are kept while they fit. */
	sqlite3_stmt *st = db_query(db,
		"WITH RECURSIVE up(id, parent, depth) AS ("
		" SELECT id, parent_id, 0 FROM messages WHERE id = ?1"
		" UNION ALL"
		" SELECT m.id, m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.parent"
		" WHERE up.depth < 400) "
		"SELECT m.role, m.content FROM up JOIN messages m ON m.id = up.id "
		"WHERE m.content != '' AND m.status != 'error' AND m.role IN ('user', 'assistant') "
		"ORDER BY up.depth", "I", last_id);
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
