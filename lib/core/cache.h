/* cache: answers and session snapshots kept as small files, so that a read
 * can be answered without opening SQLite (which costs a plain CGI more than
 * the rest of its work: docs/PERFORMANCE.md).
 *
 * The database stays the only truth. Every entry belongs to a scope, one
 * user's or the shared one, whose generation is a random value kept in the
 * scope's file "gen". An entry is filed under the generation read *before*
 * the database was asked, and every change commits first and then gives the
 * scope a new generation. So a reader that sees the new generation asks the
 * database, which already has the change; one that saw the old generation
 * began before the change. Entries also expire (cache_max_age_s), which
 * bounds what a change made behind the programs' back (the sqlite3 shell, a
 * restored file) can leave visible. */
#ifndef MC_CACHE_H
#define MC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct conf;

#define CACHE_PATH_MAX 1024
#define CACHE_ROOT_MAX (CACHE_PATH_MAX - 256) /* room for what goes below it */
#define CACHE_GEN_LEN 16

struct cache_scope {
	char dir[CACHE_PATH_MAX];
	char gen[CACHE_GEN_LEN + 1];
};

/* False when cache_max_age_s is 0 (the cache is off). */
bool cache_on(const struct conf *c);
/* Whether the cache folder can be trusted (another local user must not be
 * able to plant a session snapshot or an answer): it belongs to this user
 * and no one else may write in it, nor in the folder that holds it (unless
 * that one is sticky, as /tmp is). When not, the reason goes to stderr and
 * the process runs without a cache (c->cache_max_age_s = 0). Once per
 * configuration read (lib/core/app, microchat-admin). */
void cache_check(struct conf *c);
/* The directory of the cache: cache_dir, or the database path + "-cache". */
int cache_root(const struct conf *c, char out[CACHE_ROOT_MAX]);

/* Open a user's scope (user_id > 0) or the shared one (0): its generation,
 * created when missing. 0, or -1 when the cache is off or unusable. */
int cache_scope_open(const struct conf *c, int64_t user_id, struct cache_scope *s);

/* An entry's body (NUL-terminated, in a), or NULL when there is none under
 * the scope's generation or it has expired. key: [A-Za-z0-9_.-], short. */
char *cache_get(const struct conf *c, const struct cache_scope *s, const char *key,
		struct arena *a, size_t *len);
/* File body under key; kept at most ttl_ms (and never past cache_max_age_s),
 * and only while the entries stay within cache_max_mb (lib/core/cache_usage). */
void cache_put(const struct conf *c, const struct cache_scope *s, const char *key,
	       const char *body, size_t len, int64_t ttl_ms);

/* After a commit that changed what a scope's entries say: a new generation,
 * and the entries of older ones removed. user_id 0: the shared scope. */
void cache_bump(const struct conf *c, int64_t user_id);

/* What the cache knows of a session token (by its stored hash): whose it is
 * (which scope to look in; never proof of a session by itself) and, when
 * gen is set, a snapshot of the session taken under that generation of the
 * user's scope, which holds only while the scope is still at it. */
struct cache_token {
	int64_t user_id;
	char gen[CACHE_GEN_LEN + 1]; /* "" when there is no snapshot */
	char *snapshot;
};
/* 1 known (out filled), 0 not. */
int cache_token_read(const struct conf *c, const char *token_hash, struct arena *a,
		     struct cache_token *out);
/* gen and snapshot NULL: only whose the token is. */
void cache_token_write(const struct conf *c, const char *token_hash, int64_t user_id,
		       const char *gen, const char *snapshot, int64_t expires_ms);
void cache_token_forget(const struct conf *c, const char *token_hash);

/* Remove the whole cache (a new or replaced database). 0 or -1. */
int cache_clear(const struct conf *c);

#endif
