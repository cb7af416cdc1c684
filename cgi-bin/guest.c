/* guest: a visitor session for someone without an account (a shop's
 * customer, a citizen), to chat with the public assistants: a row that is
 * not an account, a random token stored hashed like a login's, limited per
 * address; visitors unseen for guest_days are purged here, where a write
 * happens anyway. */
#include "chat/assistants.h"
#include "chat/guests.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"
#include "core/util.h"

#include <string.h>

/* Visitors purged per new session: a bounded share of the work. */
#define GUEST_PURGE_PER_CALL 20

/* The assistant named, if any, must be one a visitor may use. */
static bool assistant_ok(struct req *r, struct db *db)
{
	const char *slug = req_field(r, "assistant", NULL);
	if (!slug || !*slug)
		return true;
	if (!assistants_slug_valid(slug)) {
		resp_error(r, 400, "invalid_input", "assistant must be 1 to %d of a-z 0-9 -", ASSISTANT_SLUG_MAX);
		return false;
	}
	struct assistant as;
	struct req_user nobody = { 0 };
	int found = assistants_by_slug(db, &r->arena, slug, &as);
	int refusal = found > 0 ? assistants_refusal(&as, &nobody) : 404;
	if (found < 0)
		resp_internal(r, "loading the assistant failed");
	else if (refusal == 404)
		resp_error(r, 404, "not_found", "no such assistant, or it is disabled");
	else if (refusal == 403)
		resp_error(r, 403, "forbidden", "this assistant is for members: log in or register to use it");
	return found >= 0 && refusal == 0;
}

/* Sessions one address may open in an hour; counted when allowed. */
static int64_t address_wait(struct req *r, struct db *db)
{
	long per_address = (long)settings_number(db, r->conf, &r->arena, "guest_sessions_per_hour_per_address");
	const char *address = r->remote_addr ? r->remote_addr : "";
	int64_t wait = guests_wait(db, GUESTS_SESSION, 0, address, 0, per_address);
	if (wait == 0 && guests_note(db, GUESTS_SESSION, 0, address) < 0)
		wait = -1;
	return wait;
}

/* The visitor's row and session, in one transaction with the address's
 * count. A browser already logged in to an account keeps its cookie: the
 * widget's frame on the site's own pages uses the token it is given. */
static const char *open_session(struct req *r, struct db *db, long days, int64_t *wait)
{
	const char *token = NULL;
	bool member = auth_load_user(r, db) == 1 && strcmp(r->user.role, "guest") != 0;
	memset(&r->user, 0, sizeof(r->user));
	if (db_begin(db) < 0)
		return NULL;
	*wait = address_wait(r, db);
	if (*wait == 0 && guests_create(db, &r->arena, &r->user) == 0)
		token = auth_session_open(r, db, r->user.id, days, !member);
	if (!token || db_commit(db) < 0) {
		db_rollback(db);
		return NULL;
	}
	return token;
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "POST", APP_ANYONE);
	if (!db || !assistant_ok(r, db))
		return;
	long days = (long)settings_number(db, r->conf, &r->arena, "guest_days");
	if (guests_purge(db, r->conf, days, GUEST_PURGE_PER_CALL) < 0)
		fprintf(stderr, "microchat guest: purging old visitors failed (tried again next time)\n");
	int64_t wait = 0;
	const char *token = open_session(r, db, days, &wait);
	if (wait > 0) {
		resp_retry_later(r, wait, "too many visitor sessions from this address");
		return;
	}
	if (!token) {
		resp_internal(r, "creating the visitor session failed");
		return;
	}
	char expires[21];
	util_iso_time(util_now_ms() / 1000 + (int64_t)days * 86400, expires);
	resp_json(r, 201, json_pack("{s:s,s:s,s:{s:I,s:s,s:s,s:s}}", "token", token, "expires_at", expires,
				    "user", "id", (json_int_t)r->user.id, "username", r->user.username,
				    "role", "guest", "created_at", r->user.created_at));
}

int main(void)
{
	return app_main("guest", handle, APP_KIND);
}
