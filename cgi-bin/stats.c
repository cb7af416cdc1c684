/* stats: what the dashboard draws, for administrators: totals, messages per
 * day, latency and time-to-first-token percentiles, tokens per second,
 * models, intents, top products, errors and backends over 1, 7 or 30 days. */
#include "core/app.h"
#include "core/auth.h"
#include "core/conf.h"
#include "core/metrics.h"
#include "core/req.h"
#include "core/resp.h"
#include "ops/stats.h"
#include "core/util.h"

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_ADMIN);
	if (!db)
		return;
	/* Requests answered from the cache wait in the spool: count them too. */
	metrics_fold(r, db);
	int64_t days;
	if (req_field_int(r, "days", 7, 1, 30, &days) < 0 || (days != 1 && days != 7 && days != 30)) {
		resp_error(r, 400, "invalid_input", "days must be 1, 7 or 30");
		return;
	}
	const struct conf *c = r->conf;
	int64_t now = util_now_ms();
	struct stats_window w;
	stats_window((int)days, now, metrics_keep_from(c, now), &w);
	json_t *body = stats_json(db, &r->arena, &w, c->ollama_url);
	if (!body) {
		resp_internal(r, "reading the statistics failed");
		return;
	}
	json_object_set_new(body, "took_ms", json_integer((json_int_t)(util_mono_ms() - r->started_ms)));
	resp_json(r, 200, body);
}

int main(void)
{
	return app_main("stats", handle, APP_KIND);
}
