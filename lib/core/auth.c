/* auth: Argon2id passwords, random session tokens stored as hashes, the
 * session cookie and the Origin check (libsodium). */
#include "core/auth.h"
#include "core/cache.h"
#include "core/cache_req.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* OWASP's Argon2id floor (19 MiB, 2 passes): safe, and affordable for a CGI
 * on shared hosting where a login may not use 64 MiB. */
#define AUTH_OPSLIMIT 2
#define AUTH_MEMLIMIT (19u * 1024 * 1024)

/* Checked against when the user does not exist, so that an unknown name
 * costs exactly what a wrong password costs. Its password is unknown. */
static const char auth_dummy_hash[] =
	"$argon2id$v=19$m=19456,t=2,p=1$UHOP7GGa8QEpxotAGTjH7A$"
	"st1CqE4r0SOMlt//RwKYVaEKRV33RciDs5QQbkfVibI";

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int auth_hash_password(const char *password, char out[AUTH_HASH_MAX])
{
	_Static_assert(AUTH_HASH_MAX == crypto_pwhash_STRBYTES, "hash size");
	return crypto_pwhash_str(out, password, strlen(password), AUTH_OPSLIMIT, AUTH_MEMLIMIT);
}

bool auth_verify_password(const char *hash, const char *password)
{
	bool known = hash != NULL;
	int rc = crypto_pwhash_str_verify(known ? hash : auth_dummy_hash, password, strlen(password));
	return known && rc == 0;
}

void auth_token_hash(const char *token, char hash[AUTH_TOKEN_HASH_LEN + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hash, AUTH_TOKEN_HASH_LEN + 1, h, sizeof(h));
}

void auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_TOKEN_HASH_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(token, hash);
}

const char *auth_password_problem(const char *password)
{
	size_t n = strlen(password);
	if (n < 8)
		return "the password must have at least 8 bytes";
	if (n > 1024)
		return "the password must have at most 1024 bytes";
	return NULL;
}

/* ---- sessions ---- */

/* Under HTTPS the cookie is __Host-session: the browser then keeps it only
 * if it is Secure, for Path=/ and without a Domain, so no other site (a
 * sibling subdomain, a plain-HTTP page) can set or overwrite it. */
static void set_cookie(struct req *r, const char *value, long max_age)
{
	resp_header(r, arena_printf(&r->arena,
		"Set-Cookie: %s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		r->https ? "__Host-session" : "session", value, max_age, r->https ? "; Secure" : ""));
}

const char *auth_session_start(struct req *r, struct db *db, int64_t user_id)
{
	return auth_session_open(r, db, user_id, r->conf->session_days, true);
}

const char *auth_session_open(struct req *r, struct db *db, int64_t user_id, long days, bool cookie)
{
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_TOKEN_HASH_LEN + 1];
	auth_new_token(token, hash);
	int64_t expires = util_now_ms() / 1000 + (int64_t)days * 86400;
	/* Where it was opened from, for the account page and the visitor log;
	 * bounded, as every header kept is. */
	const char *ua = r->user_agent ? r->user_agent : "";
	if (db_exec(db, "INSERT INTO sessions(user_id, token_hash, expires_at, user_agent, address, last_seen_at) "
			"VALUES (?1, ?2, ?3, substr(?4, 1, 300), substr(?5, 1, 64), "
			DB_NOW ")",
		    "IsIss", user_id, hash, expires, ua, r->remote_addr ? r->remote_addr : "") < 0)
		return NULL;
	/* Expired sessions are swept here, where a write happens anyway. */
	db_exec(db, "DELETE FROM sessions WHERE expires_at < ?1", "I", util_now_ms() / 1000);
	if (cookie)
		set_cookie(r, token, days * 86400);
	return arena_strdup(&r->arena, token);
}

int auth_session_end(struct req *r, struct db *db)
{
	set_cookie(r, "", 0);
	if (r->https) /* a cookie of an earlier version, too */
		resp_header(r, "Set-Cookie: session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
	if (!r->user.session_id)
		return 0;
	if (r->user.token) {
		char hash[AUTH_TOKEN_HASH_LEN + 1];
		auth_token_hash(r->user.token, hash);
		cache_token_forget(r->conf, hash);
	}
	/* The commit renews the user's cache scope (app), so the session's
	 * snapshot is never read again. */
	return db_exec(db, "DELETE FROM sessions WHERE id = ?1", "I", r->user.session_id);
}

static const char *request_token(struct req *r)
{
	const char *a = r->authorization;
	if (a && strncasecmp(a, "Bearer ", 7) == 0) {
		a += 7;
		while (*a == ' ')
			a++;
		return *a ? a : NULL;
	}
	const char *host_cookie = req_cookie(r, "__Host-session");
	return host_cookie ? host_cookie : req_cookie(r, "session");
}

/* A session's last use, to the nearest five minutes: a write at most that
 * often per session (a read answered from the cache writes nothing). */
static void note_seen(struct db *db, int64_t session_id)
{
	db_exec(db, "UPDATE sessions SET last_seen_at = " DB_NOW " "
		    "WHERE id = ?1 AND (last_seen_at IS NULL OR "
		    "last_seen_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-300 seconds'))", "I", session_id);
}

int auth_load_user(struct req *r, struct db *db)
{
	if (r->user.id)
		return 1;
	const char *token = request_token(r);
	if (!token || strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	char hash[AUTH_TOKEN_HASH_LEN + 1];
	auth_token_hash(token, hash);
	if (cache_req_user(r, hash) == 1) {
		r->user.token = arena_strdup(&r->arena, token);
		return 1;
	}
	if (!db)
		return 0;
	sqlite3_stmt *st = db_query(db,
		"SELECT s.id, s.token_hash, u.id, u.username, u.role, u.created_at, s.expires_at, u.guest "
		"FROM sessions s JOIN users u ON u.id = s.user_id "
		"WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
		"sI", hash, util_now_ms() / 1000);
	if (!st)
		return -1;
	int rc = db_step(st);
	int64_t expires = 0;
	if (rc == SQLITE_ROW) {
		const char *stored = (const char *)sqlite3_column_text(st, 1);
		/* The lookup is by hash; the compare is constant-time anyway. */
		if (stored && strlen(stored) == AUTH_TOKEN_HASH_LEN &&
		    sodium_memcmp(stored, hash, AUTH_TOKEN_HASH_LEN) == 0) {
			r->user.session_id = sqlite3_column_int64(st, 0);
			r->user.id = sqlite3_column_int64(st, 2);
			r->user.username = db_col_text(&r->arena, st, 3);
			/* A visitor's row is not an account: its role is "guest"
			 * wherever it shows (and in the cached snapshot). */
			r->user.role = sqlite3_column_int(st, 7) ? "guest" : db_col_text(&r->arena, st, 4);
			r->user.created_at = db_col_text(&r->arena, st, 5);
			r->user.token = arena_strdup(&r->arena, token);
			expires = sqlite3_column_int64(st, 6);
		}
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	if (r->user.id) {
		note_seen(db, r->user.session_id);
		cache_req_user_store(r, hash, expires);
	}
	return r->user.id ? 1 : 0;
}

bool auth_require_user(struct req *r, struct db *db)
{
	int rc = auth_load_user(r, db);
	if (rc < 0) {
		resp_internal(r, "loading the session failed");
		return false;
	}
	if (rc == 0) {
		resp_error(r, 401, "unauthorized", "log in first (cookie 'session' or Authorization: Bearer)");
		return false;
	}
	return true;
}

bool auth_require_member(struct req *r, struct db *db)
{
	if (!auth_require_user(r, db))
		return false;
	if (strcmp(r->user.role, "guest") == 0) {
		resp_error(r, 403, "forbidden", "visitors cannot use this: log in or register");
		return false;
	}
	return true;
}

bool auth_require_admin(struct req *r, struct db *db)
{
	if (!auth_require_user(r, db))
		return false;
	if (strcmp(r->user.role, "admin") != 0) {
		resp_error(r, 403, "forbidden", "this needs an administrator");
		return false;
	}
	return true;
}

struct json_t *auth_user_json(const struct req *r)
{
	return json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)r->user.id,
			 "username", r->user.username, "role", r->user.role,
			 "created_at", r->user.created_at);
}

/* ---- Origin ---- */

/* The host[:port] part of an origin such as "https://example.org:8080". */
static size_t origin_host(const char *origin, const char **host)
{
	const char *p = strstr(origin, "://");
	*host = p ? p + 3 : origin;
	const char *slash = strchr(*host, '/');
	return slash ? (size_t)(slash - *host) : strlen(*host);
}

bool auth_origin_ok(const struct req *r)
{
	if (!r->origin || !*r->origin)
		return true; /* curl and other non-browser clients send none */
	if (!r->host)
		return false;
	const char *host;
	size_t n = origin_host(r->origin, &host);
	return n == strlen(r->host) && strncasecmp(host, r->host, n) == 0;
}
