/* stats_feedback: ratings of replies for the dashboard (see stats_feedback.h). */
#include "ops/stats_feedback.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/util.h"

#define FEEDBACK_GROUPS_MAX 20
#define FEEDBACK_LATEST_DOWN 20
#define FEEDBACK_TEXT_SHOWN 300 /* characters of a question or reply in the list */

/* The intent detected for a reply's question (the NLU log, by reply id). */
#define INTENT_OF "coalesce((SELECT l.intent FROM nlu_log l WHERE l.message_id = f.message_id " \
	"ORDER BY l.id DESC LIMIT 1), 'general')"

/* The assistant a reply's conversation talks to (NULL: none, or deleted). */
#define ASSISTANT_OF "(SELECT a.slug FROM conversations c JOIN assistants a ON a.id = c.assistant_id " \
	"WHERE c.id = m.conversation_id)"

/* The ratings of the window, each with what it is grouped by. */
#define RATED(group) "SELECT " group " AS g, f.rating AS rating FROM feedback f " \
	"JOIN messages m ON m.id = f.message_id WHERE f.updated_at >= ?1 AND f.updated_at < ?2"

/* ctx: the name of the group's member (model, intent, assistant). */
static json_t *group_row(sqlite3_stmt *st, void *ctx)
{
	return json_pack("{s:s?,s:I,s:I}", (const char *)ctx, (const char *)sqlite3_column_text(st, 0),
			 "up", (json_int_t)sqlite3_column_int64(st, 1), "down", (json_int_t)sqlite3_column_int64(st, 2));
}

static json_t *grouped(struct db *db, const char *sql, const char *name, const char *t0, const char *t1)
{
	sqlite3_stmt *st = db_query(db, sql, "ssi", t0, t1, FEEDBACK_GROUPS_MAX);
	return db_json_rows(st, group_row, (void *)name);
}

#define GROUP_BY(group) "SELECT g, sum(rating = 'up'), sum(rating = 'down') FROM (" RATED(group) ") " \
	"GROUP BY g ORDER BY count(*) DESC, g LIMIT ?3"

static json_t *down_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	return json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s,s:s,s:s,s:s,s:s?}",
		"message_id", (json_int_t)sqlite3_column_int64(st, 0),
		"conversation_id", (json_int_t)sqlite3_column_int64(st, 8),
		"at", (const char *)sqlite3_column_text(st, 1),
		"user", (const char *)sqlite3_column_text(st, 2),
		"model", (const char *)sqlite3_column_text(st, 3),
		"intent", (const char *)sqlite3_column_text(st, 4),
		"question", sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) : "",
		"reply", (const char *)sqlite3_column_text(st, 6),
		"comment", (const char *)sqlite3_column_text(st, 7),
		"assistant", (const char *)sqlite3_column_text(st, 9));
}

static json_t *latest_down(struct db *db, const char *t0, const char *t1)
{
	sqlite3_stmt *st = db_query(db,
		"SELECT f.message_id, f.updated_at, u.username, m.model, " INTENT_OF ", "
		"substr(q.content, 1, ?3), substr(m.content, 1, ?3), f.comment, m.conversation_id, " ASSISTANT_OF " "
		"FROM feedback f JOIN messages m ON m.id = f.message_id JOIN users u ON u.id = f.user_id "
		"LEFT JOIN messages q ON q.id = m.parent_id "
		"WHERE f.rating = 'down' AND f.updated_at >= ?1 AND f.updated_at < ?2 "
		"ORDER BY f.updated_at DESC, f.message_id DESC LIMIT ?4",
		"ssii", t0, t1, FEEDBACK_TEXT_SHOWN, FEEDBACK_LATEST_DOWN);
	return db_json_rows(st, down_row, NULL);
}

static int totals(struct db *db, const char *t0, const char *t1, int64_t *up, int64_t *down)
{
	sqlite3_stmt *st = db_query(db, "SELECT coalesce(sum(rating = 'up'), 0), coalesce(sum(rating = 'down'), 0) "
				    "FROM feedback WHERE updated_at >= ?1 AND updated_at < ?2", "ss", t0, t1);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		*up = sqlite3_column_int64(st, 0);
		*down = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

json_t *stats_feedback_json(struct db *db, int64_t t0, int64_t t1)
{
	char from[21], to[21];
	util_iso_time(t0, from);
	util_iso_time(t1, to);
	int64_t up = 0, down = 0;
	if (totals(db, from, to, &up, &down) < 0)
		return NULL;
	json_t *by_model = grouped(db, GROUP_BY("m.model"), "model", from, to);
	json_t *by_intent = grouped(db, GROUP_BY(INTENT_OF), "intent", from, to);
	json_t *by_assistant = grouped(db, GROUP_BY(ASSISTANT_OF), "assistant", from, to);
	json_t *latest = latest_down(db, from, to);
	if (!by_model || !by_intent || !by_assistant || !latest) {
		json_decref(by_model);
		json_decref(by_intent);
		json_decref(by_assistant);
		json_decref(latest);
		return NULL;
	}
	return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o}", "up", (json_int_t)up, "down", (json_int_t)down,
			 "by_model", by_model, "by_intent", by_intent, "by_assistant", by_assistant,
			 "latest_down", latest);
}
