/* share: read-only links to a conversation (see share.h). */
#include "chat/share.h"
#include "chat/branch.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/db.h"

#include <string.h>

static enum share_result store(struct db *db, int64_t user_id, int64_t conversation_id)
{
	int64_t leaf = 0;
	int rc = branch_leaf(db, conversation_id, &leaf);
	if (rc < 0)
		return SHARE_ERROR;
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_TOKEN_HASH_LEN + 1];
	auth_new_token(token, hash);
	/* The owner is checked in the statement that writes; a conversation
	 * shared before keeps its token and link. */
	if (db_exec(db, "INSERT INTO shares(conversation_id, token, token_hash, upto_message_id) "
			"SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1 AND user_id = ?5) "
			"ON CONFLICT(conversation_id) DO UPDATE SET upto_message_id = excluded.upto_message_id, "
			"updated_at = " DB_NOW,
		    "IssII", conversation_id, token, hash, leaf, user_id) < 0)
		return SHARE_ERROR;
	if (db_changes(db) == 0)
		return SHARE_NOT_FOUND;
	return leaf ? SHARE_OK : SHARE_EMPTY;
}

enum share_result share_create(struct db *db, struct arena *a, int64_t user_id, int64_t conversation_id,
			       const char **token)
{
	if (db_begin(db) < 0)
		return SHARE_ERROR;
	enum share_result rc = store(db, user_id, conversation_id);
	if (rc != SHARE_OK) {
		db_rollback(db);
		return rc;
	}
	if (db_commit(db) < 0)
		return SHARE_ERROR;
	*token = share_token(db, a, user_id, conversation_id);
	return *token ? SHARE_OK : SHARE_ERROR;
}

int share_remove(struct db *db, int64_t user_id, int64_t conversation_id)
{
	int64_t owned = 0;
	if (db_int(db, &owned, "SELECT count(*) FROM conversations WHERE id = ?1 AND user_id = ?2",
		   "II", conversation_id, user_id) < 0)
		return -1;
	if (!owned)
		return 0;
	return db_exec(db, "DELETE FROM shares WHERE conversation_id = (SELECT id FROM conversations "
		       "WHERE id = ?1 AND user_id = ?2)", "II", conversation_id, user_id) < 0 ? -1 : 1;
}

const char *share_token(struct db *db, struct arena *a, int64_t user_id, int64_t conversation_id)
{
	const char *token = NULL;
	if (db_text(db, a, &token, "SELECT s.token FROM shares s JOIN conversations c ON c.id = s.conversation_id "
		    "WHERE s.conversation_id = ?1 AND c.user_id = ?2", "II", conversation_id, user_id) != 1)
		return NULL;
	return token;
}

int share_find(struct db *db, const char *token, int64_t *conversation_id, json_t **out)
{
	*out = NULL;
	if (strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	char hash[AUTH_TOKEN_HASH_LEN + 1];
	auth_token_hash(token, hash);
	sqlite3_stmt *st = db_query(db, "SELECT c.id, c.title, c.created_at, c.updated_at, s.updated_at, "
				    "s.upto_message_id FROM shares s JOIN conversations c ON c.id = s.conversation_id "
				    "WHERE s.token_hash = ?1", "s", hash);
	if (!st)
		return -1;
	int rc = db_step(st);
	json_t *conv = NULL;
	int64_t upto = 0;
	if (rc == SQLITE_ROW) {
		*conversation_id = sqlite3_column_int64(st, 0);
		upto = sqlite3_column_int64(st, 5);
		conv = json_pack("{s:s,s:s,s:s,s:s}", "title", (const char *)sqlite3_column_text(st, 1),
				 "created_at", (const char *)sqlite3_column_text(st, 2),
				 "updated_at", (const char *)sqlite3_column_text(st, 3),
				 "shared_at", (const char *)sqlite3_column_text(st, 4));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	json_t *messages = branch_chain_json(db, *conversation_id, upto);
	if (!conv || !messages) {
		json_decref(conv);
		json_decref(messages);
		return -1;
	}
	*out = json_pack("{s:o,s:o}", "conversation", conv, "messages", messages);
	return *out ? 1 : -1;
}
