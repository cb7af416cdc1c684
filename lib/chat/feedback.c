/* feedback: thumbs up or down on a reply, with an optional comment. */
#include "chat/feedback.h"
#include "core/db.h"

/* Why nothing was written: the message is not the user's, or it is a question. */
static enum feedback_result why_not(struct db *db, int64_t user_id, int64_t message_id)
{
	const char *sql = "SELECT m.role = 'assistant' FROM messages m JOIN conversations c "
			  "ON c.id = m.conversation_id WHERE m.id = ?1 AND c.user_id = ?2";
	int64_t reply = 0;
	int rc = db_int(db, &reply, sql, "II", message_id, user_id);
	if (rc < 0)
		return FEEDBACK_ERROR;
	if (rc == 0)
		return FEEDBACK_NOT_FOUND;
	return reply ? FEEDBACK_OK : FEEDBACK_NOT_A_REPLY;
}

enum feedback_result feedback_set(struct db *db, int64_t user_id, int64_t message_id, const char *rating,
				  const char *comment)
{
	int rc;
	if (rating) {
		rc = db_exec(db, "INSERT INTO feedback(message_id, user_id, rating, comment) "
			     "SELECT m.id, c.user_id, ?3, ?4 FROM messages m JOIN conversations c "
			     "ON c.id = m.conversation_id WHERE m.id = ?1 AND c.user_id = ?2 AND m.role = 'assistant' "
			     "ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, "
			     "updated_at = " DB_NOW,
			     "IIss", message_id, user_id, rating, comment ? comment : "");
	} else {
		rc = db_exec(db, "DELETE FROM feedback WHERE message_id = ?1 AND message_id IN (SELECT m.id "
			     "FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.user_id = ?2)",
			     "II", message_id, user_id);
	}
	if (rc < 0)
		return FEEDBACK_ERROR;
	/* Nothing written: say why (taking back a rating never given is fine). */
	if (db_changes(db) == 0)
		return why_not(db, user_id, message_id);
	return FEEDBACK_OK;
}
