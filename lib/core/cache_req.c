/* cache_req: one request's use of the cache (see cache_req.h). */
#include "core/cache_req.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct cache_scope *scope_in(struct req *r, int64_t user_id)
{
	struct cache_scope *s = arena_alloc(&r->arena, sizeof(*s));
	return cache_scope_open(r->conf, user_id, s) == 0 ? s : NULL;
}

/* "session_id \t user_id \t expires_at \t role \t username \t created_at" */
static bool snapshot_parse(struct req *r, char *body, int64_t user_id)
{
	char *f[6];
	int n = 0;
	for (char *p = body; n < 6; n++) {
		f[n] = p;
		p = strpbrk(p, n < 5 ? "\t" : "\n");
		if (!p)
			return false;
		*p++ = '\0';
	}
	int64_t session_id = strtoll(f[0], NULL, 10), uid = strtoll(f[1], NULL, 10);
	int64_t expires = strtoll(f[2], NULL, 10);
	if (session_id <= 0 || uid != user_id || expires <= util_now_ms() / 1000 || !*f[4])
		return false;
	r->user.session_id = session_id;
	r->user.id = uid;
	r->user.role = f[3];
	r->user.username = f[4];
	r->user.created_at = f[5];
	return true;
}

int cache_req_user(struct req *r, const char *token_hash)
{
	const struct conf *c = r->conf;
	if (r->cache_user_tried || !cache_on(c))
		return 0;
	r->cache_user_tried = true;
	struct cache_token t;
	if (cache_token_read(c, token_hash, &r->arena, &t) == 0 || !(r->cache_user = scope_in(r, t.user_id)))
		return 0;
	r->cache_user_id = t.user_id;
	return t.snapshot && strcmp(t.gen, r->cache_user->gen) == 0 &&
	       snapshot_parse(r, t.snapshot, t.user_id) ? 1 : 0;
}

void cache_req_user_store(struct req *r, const char *token_hash, int64_t expires_at)
{
	const struct conf *c = r->conf;
	if (!cache_on(c))
		return;
	/* A snapshot needs a generation read before the database was asked;
	 * without one, the token only learns whose scope to look in. */
	if (r->cache_user_id != r->user.id || !r->cache_user) {
		cache_token_write(c, token_hash, r->user.id, NULL, NULL, 0);
		return;
	}
	char *snap = arena_printf(&r->arena, "%lld\t%lld\t%lld\t%s\t%s\t%s\n", (long long)r->user.session_id,
				  (long long)r->user.id, (long long)expires_at, r->user.role,
				  r->user.username, r->user.created_at ? r->user.created_at : "");
	int64_t max = (int64_t)c->cache_max_age_s * 1000, now = util_now_ms();
	int64_t until = expires_at * 1000 < now + max ? expires_at * 1000 : now + max;
	cache_token_write(c, token_hash, r->user.id, r->cache_user->gen, snap, until);
}

bool cache_req_answer(struct req *r, bool shared, const char *key, int64_t ttl_ms, bool serve)
{
	/* The key names the query string; a GET that also sends a body (whose
	 * fields count too) is answered from the database and not kept. */
	if (!key || r->content_length > 0)
		return false;
	if (shared && !(r->cache_shared = scope_in(r, 0)))
		return false;
	r->cache_key = key;
	r->cache_ttl_ms = ttl_ms;
	if (!serve)
		return false;
	struct cache_scope *s = shared ? r->cache_shared : r->user.id ? r->cache_user : NULL;
	size_t len;
	char *body = s ? cache_get(r->conf, s, key, &r->arena, &len) : NULL;
	if (!body)
		return false;
	resp_json_text(r, 200, body, len);
	return true;
}

void cache_req_store(struct req *r)
{
	if (!r->cache_key || !r->answer || r->status != 200)
		return;
	struct cache_scope *s = r->cache_shared;
	if (!s && r->user.id && r->user.id == r->cache_user_id)
		s = r->cache_user;
	if (s)
		cache_put(r->conf, s, r->cache_key, r->answer, r->answer_len, r->cache_ttl_ms);
}

const char *cache_req_fields_key(struct req *r, const char *prefix, const char *const *fields)
{
	struct req_error err;
	/* A body's fields would count too; a query that does not parse is
	 * refused by app_accept. Neither is kept. */
	if (r->content_length > 0 || req_parse(r, &err) < 0)
		return NULL;
	crypto_generichash_state st;
	unsigned char h[16];
	char hex[sizeof(h) * 2 + 1];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (const char *const *f = fields; *f; f++) {
		const char *v = req_field(r, *f, NULL);
		/* "name=value" and a NUL, or "name" and \1 when absent. */
		crypto_generichash_update(&st, (const unsigned char *)*f, strlen(*f));
		crypto_generichash_update(&st, (const unsigned char *)(v ? "=" : "\1"), 1);
		if (v)
			crypto_generichash_update(&st, (const unsigned char *)v, strlen(v) + 1);
	}
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_printf(&r->arena, "%s-%s", prefix, hex);
}
