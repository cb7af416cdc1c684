/* streams: the replies being generated right now, one row each in
 * reply_streams while its chat process runs. They count the replies a user
 * has in flight (max_streams_per_user, decided inside the write transaction
 * that starts a reply, so concurrent starts cannot all slip through); the
 * process renews a heartbeat; and a reply whose process is gone (killed,
 * crashed, or silent past STREAMS_STALE_MS) is settled as 'partial', with
 * what was saved, by whoever reads it next. */
#ifndef MC_STREAMS_H
#define MC_STREAMS_H

#include <stdint.h>

struct db;

/* How often a generating process renews its heartbeat, and how old a
 * heartbeat may get before its reply counts as abandoned. The process
 * ticks every 100 ms; the margin covers a slow model list fetch or a
 * busy database, and a process that died is seen at once anyway. */
#define STREAMS_HEARTBEAT_MS 2000
#define STREAMS_STALE_MS 30000

/* Inside the caller's write transaction: settle the user's abandoned
 * replies, then 1 when fewer than max are live (max <= 0: no limit),
 * 0 when the user has max already, -1 on a database error. */
int streams_room(struct db *db, int64_t user_id, long max);
/* Inside the same transaction: the row of a reply this process starts. */
int streams_add(struct db *db, int64_t message_id, int64_t user_id);
/* The generating process is still there (makes the row if it is missing). */
int streams_heartbeat(struct db *db, int64_t message_id, int64_t user_id);
/* Inside the transaction that ends the reply: its row goes. */
int streams_end(struct db *db, int64_t message_id);

/* Settle the abandoned replies of one conversation (before it is read),
 * or of every conversation (conversation_id 0: microchat-admin settle).
 * A write happens only when there is one. How many, or -1. */
int streams_settle(struct db *db, int64_t conversation_id);

#endif
