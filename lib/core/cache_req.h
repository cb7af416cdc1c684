/* cache_req: one request's use of the cache (lib/core/cache): the session
 * snapshot that stands in for the sessions table, answers served from their
 * entries, and answers stored for the next request. */
#ifndef MC_CACHE_REQ_H
#define MC_CACHE_REQ_H

#include <stdbool.h>
#include <stdint.h>

struct req;

/* Fill r->user from the snapshot of the session with this token hash: 1,
 * or 0 (ask the database). Remembers the user's scope for what follows. */
int cache_req_user(struct req *r, const char *token_hash);
/* After the database confirmed the session: keep its snapshot. */
void cache_req_user_store(struct req *r, const char *token_hash, int64_t expires_at);

/* For a GET, with the cache on (app_answer_cached makes sure of both),
 * whose answer depends on the user (shared = false) or on nobody
 * (shared = true) and on key: true when it was answered from the cache
 * (only if serve: the caller knows the request may see it). Otherwise the
 * 200 answer the program sends is stored (cache_req_store). */
bool cache_req_answer(struct req *r, bool shared, const char *key, int64_t ttl_ms, bool serve);
/* After the handler: store the answer cache_req_answer asked for. */
void cache_req_store(struct req *r);

/* A key for an answer that depends on the query string: built from the
 * fields the program reads (a NULL-terminated list) and nothing else, so
 * that a field it ignores (?n=1, ?n=2...) never makes a new entry. NULL
 * (nothing is kept) for a request with a body or a query that does not
 * parse. */
const char *cache_req_fields_key(struct req *r, const char *prefix, const char *const *fields);

#endif
