/* turn: the rows of one chat action, owner-checked in the statements that
 * write them, in one short transaction (see turn.h). */
#include "chat/turn.h"
#include "chat/branch.h"
#include "chat/convo.h"
#include "chat/quota.h"
#include "chat/streams.h"
#include "core/arena.h"
#include "core/db.h"

int turn_target_load(struct db *db, struct arena *a, int64_t user_id, int64_t message_id,
		     struct turn_target *t)
{
	sqlite3_stmt *st = db_query(db,
		"SELECT m.conversation_id, coalesce(m.parent_id, 0), m.role, m.status, m.content, c.model, "
		"coalesce(q.id, 0), coalesce(q.parent_id, 0), q.content "
		"FROM messages m JOIN conversations c ON c.id = m.conversation_id "
		"LEFT JOIN messages q ON q.id = m.parent_id AND q.role = 'user' "
		"WHERE m.id = ?1 AND c.user_id = ?2", "II", message_id, user_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		t->id = message_id;
		t->conversation_id = sqlite3_column_int64(st, 0);
		t->parent_id = sqlite3_column_int64(st, 1);
		t->role = db_col_text(a, st, 2);
		t->status = db_col_text(a, st, 3);
		t->content = db_col_text(a, st, 4);
		t->conversation_model = db_col_text(a, st, 5);
		t->question_id = sqlite3_column_int64(st, 6);
		t->question_parent_id = sqlite3_column_int64(st, 7);
		t->question = db_col_text(a, st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A message of user_id's conversation conv after parent (0: its first):
 * nothing is written when the conversation is not the user's or the
 * parent not in it. 1 written, 0 not, -1 error. */
static int insert_message(struct db *db, int64_t user_id, int64_t conv, int64_t parent, const char *role,
			  const char *content, const char *model, const char *status, int64_t *id)
{
	if (db_exec(db, "INSERT INTO messages(conversation_id, parent_id, role, content, model, status) "
			"SELECT ?1, nullif(?2, 0), ?3, ?4, ?5, ?6 "
			"WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?7) "
			"AND (?2 = 0 OR EXISTS (SELECT 1 FROM messages WHERE id = ?2 AND conversation_id = ?1))",
		    "IIssssI", conv, parent, role, content, model, status, user_id) < 0)
		return -1;
	if (db_changes(db) == 0)
		return 0;
	*id = db_last_id(db);
	return 1;
}

/* The conversation moves to the top of the list, out of the archive, and
 * remembers the model. */
static int touch(struct db *db, int64_t user_id, int64_t conv, const char *model)
{
	return db_exec(db, "UPDATE conversations SET model = coalesce(?3, model), updated_at = " DB_NOW ", "
		       "archived = 0 WHERE id = ?1 AND user_id = ?2", "IIs", conv, user_id, model);
}

/* The limits are decided inside the write, so two chats sent at once
 * cannot both take the last message of the day or the last stream. */
static enum turn_result limits(struct db *db, int64_t user_id, struct quota *q, const struct turn *t)
{
	if (q && q->limited) {
		if (quota_recount(db, q) < 0)
			return TURN_ERROR;
		if (!quota_allows(q))
			return TURN_QUOTA;
	}
	int room = streams_room(db, user_id, t->max_streams);
	return room < 0 ? TURN_ERROR : room == 0 ? TURN_BUSY : TURN_OK;
}

static enum turn_result begin(struct db *db, int64_t user_id, struct quota *q, const struct turn *t)
{
	if (db_begin(db) < 0)
		return TURN_ERROR;
	enum turn_result rc = limits(db, user_id, q, t);
	if (rc != TURN_OK)
		db_rollback(db);
	return rc;
}

static enum turn_result end(struct db *db, enum turn_result rc)
{
	if (rc != TURN_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) < 0 ? TURN_ERROR : TURN_OK;
}

/* -1 error, 0 not found, 1 written: as a turn_result. */
static enum turn_result written(int rc)
{
	return rc < 0 ? TURN_ERROR : rc == 0 ? TURN_NOT_FOUND : TURN_OK;
}

/* The reply to question, made the current version, and the conversation touched. */
static enum turn_result add_reply(struct db *db, int64_t user_id, struct turn *t, const char *content,
				  const char *model)
{
	/* A template answer is nobody's model: stored with model NULL. */
	enum turn_result rc = written(insert_message(db, user_id, t->conversation_id, t->user_message_id,
						     "assistant", content, t->template_reply ? NULL : model,
						     "streaming", &t->reply_id));
	if (rc == TURN_OK && (streams_add(db, t->reply_id, user_id) < 0 ||
			      branch_switch(db, user_id, t->conversation_id, t->reply_id) < 0 ||
			      touch(db, user_id, t->conversation_id, model) < 0))
		rc = TURN_ERROR;
	return rc;
}

static enum turn_result new_conversation(struct db *db, struct arena *a, int64_t user_id,
					 const char *model, const char *text, struct turn *t)
{
	if (db_exec(db, "INSERT INTO conversations(user_id, title, model, assistant_id) "
			"VALUES (?1, ?2, ?3, nullif(?4, 0))", "IssI", user_id, convo_title_from(a, text), model,
		    t->assistant_id) < 0)
		return TURN_ERROR;
	t->conversation_id = db_last_id(db);
	t->created = true;
	return TURN_OK;
}

enum turn_result turn_send(struct db *db, struct arena *a, int64_t user_id, const char *model,
			   const char *text, struct quota *q, struct turn *t)
{
	enum turn_result rc = begin(db, user_id, q, t);
	if (rc != TURN_OK)
		return rc;
	t->history_id = 0;
	if (t->conversation_id == 0)
		rc = new_conversation(db, a, user_id, model, text, t);
	else if (branch_leaf(db, t->conversation_id, &t->history_id) < 0)
		rc = TURN_ERROR;
	if (rc == TURN_OK)
		rc = written(insert_message(db, user_id, t->conversation_id, t->history_id, "user", text, NULL,
					    "done", &t->user_message_id));
	if (rc == TURN_OK)
		rc = add_reply(db, user_id, t, "", model);
	return end(db, rc);
}

/* Another version of a reply to the same question: empty (regenerate) or
 * starting with the reply's text (continue). */
static enum turn_result another_reply(struct db *db, int64_t user_id, const struct turn_target *reply,
				      const char *content, const char *model, struct quota *q, struct turn *t)
{
	enum turn_result rc = begin(db, user_id, q, t);
	if (rc != TURN_OK)
		return rc;
	t->conversation_id = reply->conversation_id;
	t->user_message_id = reply->question_id;
	t->history_id = reply->question_parent_id;
	return end(db, add_reply(db, user_id, t, content, model));
}

enum turn_result turn_regenerate(struct db *db, int64_t user_id, const struct turn_target *reply,
				 const char *model, struct quota *q, struct turn *t)
{
	return another_reply(db, user_id, reply, "", model, q, t);
}

enum turn_result turn_continue(struct db *db, int64_t user_id, const struct turn_target *reply,
			       const char *model, struct quota *q, struct turn *t)
{
	return another_reply(db, user_id, reply, reply->content, model, q, t);
}

enum turn_result turn_edit(struct db *db, int64_t user_id, const struct turn_target *question,
			   const char *text, const char *model, struct quota *q, struct turn *t)
{
	enum turn_result rc = begin(db, user_id, q, t);
	if (rc != TURN_OK)
		return rc;
	t->conversation_id = question->conversation_id;
	t->history_id = question->parent_id;
	rc = written(insert_message(db, user_id, t->conversation_id, question->parent_id, "user", text, NULL,
				    "done", &t->user_message_id));
	if (rc == TURN_OK)
		rc = add_reply(db, user_id, t, "", model);
	return end(db, rc);
}
