/* streams: the replies being generated right now (see streams.h). */
#define _POSIX_C_SOURCE 200809L
#include "chat/streams.h"
#include "core/db.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

/* Abandoned replies found in one pass; more wait for the next reader. */
#define STREAMS_SETTLE_MAX 64

static bool process_gone(int64_t pid)
{
	return pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH);
}

/* The streaming replies (of one user, one conversation, or all: who = 0)
 * whose process is gone or silent, and those without a row at all (left
 * by an older version) once they are as old as a stale heartbeat. */
static int find_abandoned(struct db *db, const char *where, int64_t who, int64_t *ids, int max)
{
	int64_t now = util_now_ms();
	int n = 0;
	sqlite3_stmt *st = db_query(db, where, "I", who);
	while (st && n < max && db_step(st) == SQLITE_ROW) {
		bool has_row = sqlite3_column_type(st, 1) != SQLITE_NULL;
		if (!has_row || process_gone(sqlite3_column_int64(st, 1)) ||
		    now - sqlite3_column_int64(st, 2) > STREAMS_STALE_MS)
			ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (!st)
		return -1;
	sqlite3_reset(st);
	return n;
}

#define STREAMING_ROWS(filter) \
	"SELECT m.id, s.pid, s.heartbeat_ms FROM messages m " \
	"LEFT JOIN reply_streams s ON s.message_id = m.id " \
	"WHERE m.status = 'streaming' AND " filter " AND (s.message_id IS NOT NULL OR " \
	"m.updated_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-30 seconds'))"
_Static_assert(STREAMS_STALE_MS == 30000, "the orphan rule above says 30 seconds");

enum { BY_CONVERSATION, BY_USER, EVERYWHERE };
static const char *const abandoned_sql[] = {
	[BY_CONVERSATION] = STREAMING_ROWS("m.conversation_id = ?1"),
	/* Those that count against a user's limit: the ones with a row. */
	[BY_USER] = "SELECT message_id, pid, heartbeat_ms FROM reply_streams WHERE user_id = ?1",
	[EVERYWHERE] = STREAMING_ROWS("?1 = 0"),
};

/* What was saved stays; the reply says it was cut off. */
static int settle_ids(struct db *db, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (db_exec(db, "UPDATE messages SET status = 'partial', "
				"error_code = coalesce(error_code, 'interrupted'), "
				"updated_at = " DB_NOW " "
				"WHERE id = ?1 AND status = 'streaming'", "I", ids[i]) < 0 ||
		    db_exec(db, "DELETE FROM reply_streams WHERE message_id = ?1", "I", ids[i]) < 0)
			return -1;
	return n;
}

int streams_room(struct db *db, int64_t user_id, long max)
{
	int64_t ids[STREAMS_SETTLE_MAX], live = 0;
	int n = find_abandoned(db, abandoned_sql[BY_USER], user_id, ids, STREAMS_SETTLE_MAX);
	if (n < 0 || settle_ids(db, ids, n) < 0)
		return -1;
	if (max <= 0)
		return 1;
	if (db_int(db, &live, "SELECT count(*) FROM reply_streams WHERE user_id = ?1", "I", user_id) < 0)
		return -1;
	return live < max ? 1 : 0;
}

int streams_add(struct db *db, int64_t message_id, int64_t user_id)
{
	int64_t now = util_now_ms();
	return db_exec(db, "INSERT INTO reply_streams(message_id, user_id, pid, started_ms, heartbeat_ms) "
			   "VALUES (?1, ?2, ?3, ?4, ?4)", "IIII", message_id, user_id,
		       (int64_t)getpid(), now);
}

int streams_heartbeat(struct db *db, int64_t message_id, int64_t user_id)
{
	/* Only while the reply is still streaming: a settled or deleted one
	 * gets no row back. */
	int64_t now = util_now_ms();
	return db_exec(db, "INSERT INTO reply_streams(message_id, user_id, pid, started_ms, heartbeat_ms) "
			   "SELECT ?1, ?2, ?3, ?4, ?4 FROM messages WHERE id = ?1 AND status = 'streaming' "
			   "ON CONFLICT (message_id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, "
			   "pid = excluded.pid", "IIII", message_id, user_id, (int64_t)getpid(), now);
}

int streams_end(struct db *db, int64_t message_id)
{
	return db_exec(db, "DELETE FROM reply_streams WHERE message_id = ?1", "I", message_id);
}

int streams_settle(struct db *db, int64_t conversation_id)
{
	int64_t ids[STREAMS_SETTLE_MAX];
	const char *sql = abandoned_sql[conversation_id ? BY_CONVERSATION : EVERYWHERE];
	int n = find_abandoned(db, sql, conversation_id, ids, STREAMS_SETTLE_MAX);
	if (n <= 0)
		return n; /* the usual case: nothing to write */
	if (db_begin(db) < 0)
		return -1;
	/* Again inside the transaction: the reply may have ended meanwhile
	 * (settle_ids only touches rows still streaming). */
	n = find_abandoned(db, sql, conversation_id, ids, STREAMS_SETTLE_MAX);
	if (n < 0 || settle_ids(db, ids, n) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return n;
}
