/* models: the models every backend serves, merged, and the default. The
 * lists come from the pool's cache (lib/models/pool), so a page load never
 * waits on a backend known to be dead.
 *
 * Built fully static, this program cannot load libcurl: when a list is due
 * it hands the request to its twin (the Makefile's TWIN_PROGRAMS), the same
 * program linked with the shared C library, which fetches it. */
#include "core/app.h"
#include "core/auth.h"
#include "core/conf.h"
#include "core/db.h"
#include "models/pool.h"
#include "core/req.h"
#include "core/resp.h"

static void handle(struct req *r)
{
	/* The same list for everybody, kept half as long as the lists it merges
	 * are trusted (a list kept at the end of their time is never older than
	 * one and a half times that). */
	int64_t ttl = r->conf->models_ttl_ms / 2;
	if (ttl > 0 && app_answer_cached(r, "GET", APP_MEMBER, true, "models", ttl))
		return;
	/* Visitors talk to an assistant's model; they choose none. */
	struct db *db = app_begin(r, "GET", APP_MEMBER);
	if (!db)
		return;
	bool fetch_due = false;
	json_t *models = pool_models(r, db, &fetch_due);
	if (fetch_due && !llm_can_fetch()) {
		json_decref(models);
		app_exec_twin(r); /* returns only when the twin could not run */
		models = pool_models(r, db, NULL);
	}
	if (!models) {
		resp_error(r, 503, "llm_unavailable", "no model backend answers");
		return;
	}
	const char *def = pool_default_model(r, db);
	resp_json(r, 200, json_pack("{s:o,s:s?}", "models", models, "default", def));
}

int main(void)
{
	return app_main("models", handle, APP_KIND);
}
