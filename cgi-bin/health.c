/* health: is the database reachable, and which model backends answer and
 * what their breakers say. "ok" only when every backend answers with its
 * breaker closed. No login, so it must stay cheap: it answers from what was
 * recorded, probing a backend at most once per health_probe_ms, and writes
 * nothing else (its own request record goes to the spool). Never reveals
 * secrets or paths (backend URLs are shown without user:password@). */
#include "core/app.h"
#include "core/db.h"
#include "models/pool.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_ANYONE);
	if (!db)
		return;
	int64_t one = 0;
	bool db_ok = db_int(db, &one, "SELECT 1", "") == 1 && one == 1;
	json_t *backends = pool_health(r, db);
	bool all_ok = db_ok;
	json_t *b;
	size_t i;
	json_array_foreach(backends, i, b) {
		const char *state = json_string_value(json_object_get(b, "state"));
		all_ok = all_ok && json_is_true(json_object_get(b, "ok")) && state &&
			 strcmp(state, "closed") == 0;
	}
	/* Only read: the request is recorded through the spool (lib/core/app),
	 * not with a write transaction of its own. */
	r->db_used = false;
	/* Degraded is still an answer: 200, so monitors can read the detail. */
	resp_json(r, db_ok ? 200 : 503, json_pack("{s:s,s:s,s:o}",
		"status", all_ok ? "ok" : "degraded", "db", db_ok ? "ok" : "error",
		"backends", backends));
}

int main(void)
{
	return app_main("health", handle, APP_KIND | APP_NO_DB_CHECK);
}
