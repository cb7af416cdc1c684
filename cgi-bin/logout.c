/* logout: revoke the token the request came with and clear the cookie. */
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "POST", APP_ANYONE);
	if (!db)
		return;
	if (auth_load_user(r, db) < 0) {
		resp_internal(r, "loading the session failed");
		return;
	}
	/* Logging out twice, or without a session, is not an error. */
	if (auth_session_end(r, db) < 0) {
		resp_internal(r, "revoking the session failed");
		return;
	}
	resp_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int main(void)
{
	return app_main("logout", handle, APP_KIND);
}
