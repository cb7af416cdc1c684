/* backend: the shared state of each model backend, kept in SQLite so every
 * CGI process sees it: cached model lists, requests in flight (leases),
 * failures, smoothed latency and the circuit breaker. */
#define _POSIX_C_SOURCE 200809L
#include "models/backend.h"
#include "core/jsonx.h"
#include "core/db.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define BACKEND_FAILURES_KEPT_MS (3600 * 1000)
#define BACKEND_RECENT_MS (300 * 1000)
#define BACKEND_FORCED_REFRESH_MS 1000
/* Weight of a new first-token time in the smoothed latency. */
#define BACKEND_LATENCY_ALPHA 0.2

int backend_register(struct db *db, const char *const *urls, int n)
{
	for (int i = 0; i < n; i++) {
		int64_t one;
		int rc = db_int(db, &one, "SELECT 1 FROM backends WHERE url = ?1", "s", urls[i]);
		if (rc < 0)
			return -1;
		if (rc == 0 && db_exec(db, "INSERT OR IGNORE INTO backends(url) VALUES (?1)", "s", urls[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---- leases ---- */

/* Leases of processes that died (killed, crashed) stop counting at once;
 * the others when they outlive every time limit. */
static void leases_prune(struct db *db, int64_t now)
{
	db_exec(db, "DELETE FROM backend_leases WHERE expires_ms <= ?1", "I", now);
	int64_t dead[64];
	int ndead = 0;
	sqlite3_stmt *st = db_query(db, "SELECT id, pid FROM backend_leases", "");
	while (st && ndead < (int)MC_ARRAY_LEN(dead) && db_step(st) == SQLITE_ROW) {
		pid_t pid = (pid_t)sqlite3_column_int64(st, 1);
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
			dead[ndead++] = sqlite3_column_int64(st, 0);
	}
	if (st)
		sqlite3_reset(st);
	for (int i = 0; i < ndead; i++)
		db_exec(db, "DELETE FROM backend_leases WHERE id = ?1", "I", dead[i]);
}

/* ---- picking ---- */

struct candidate {
	bool serves;
	bool allowed;
	int64_t in_flight;
	int64_t last_pick;
	int64_t opened_at;
};

static bool breaker_allows(const char *breaker, int64_t opened_at, int64_t in_flight,
			   const struct backend_policy *p, int64_t now)
{
	if (strcmp(breaker, "closed") == 0)
		return true;
	/* Past the cool-down, one request at a time finds out (half-open). */
	return now - opened_at >= p->breaker_cooldown_ms && in_flight == 0;
}

static int candidate_load(struct db *db, const struct backend_policy *p, const char *url,
			  const char *model, int64_t now, struct candidate *c)
{
	sqlite3_stmt *st = db_query(db,
		"SELECT breaker, opened_at_ms, last_pick, models_known, "
		"(SELECT count(*) FROM backend_leases l WHERE l.url = b.url), "
		"EXISTS (SELECT 1 FROM backend_models m WHERE m.url = b.url "
		"        AND (m.name = ?2 OR m.name = ?2 || ':latest')) "
		"FROM backends b WHERE url = ?1", "ss", url, model);
	if (!st || db_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return -1;
	}
	char breaker[16];
	snprintf(breaker, sizeof(breaker), "%s", (const char *)sqlite3_column_text(st, 0));
	int64_t opened_at = sqlite3_column_int64(st, 1);
	c->opened_at = opened_at;
	c->last_pick = sqlite3_column_int64(st, 2);
	c->in_flight = sqlite3_column_int64(st, 4);
	c->serves = sqlite3_column_int(st, 3) == 0 || sqlite3_column_int(st, 5) == 1;
	sqlite3_reset(st);
	c->allowed = breaker_allows(breaker, opened_at, c->in_flight, p, now);
	return 0;
}

/* probe: the breaker let this request through after its cool-down (it
 * turns half-open); a request sent in panic leaves the breaker as it is. */
static int lease_take(struct db *db, const struct backend_policy *p, const char *url,
		      int64_t now, bool probe, int64_t *lease)
{
	if (db_exec(db, "UPDATE backends SET requests = requests + 1, "
			"last_pick = (SELECT max(last_pick) + 1 FROM backends), "
			"breaker = CASE WHEN breaker = 'closed' OR NOT ?2 THEN breaker ELSE 'half_open' END "
			"WHERE url = ?1", "si", url, probe ? 1 : 0) < 0 ||
	    db_exec(db, "INSERT INTO backend_leases(url, pid, started_ms, expires_ms) "
			"VALUES (?1, ?2, ?3, ?4)", "sIII", url, (int64_t)getpid(), now,
		    now + p->lease_ms) < 0)
		return -1;
	*lease = db_last_id(db);
	return 0;
}

/* The best of the loaded candidates, or -1; *any_serves says whether
 * some backend lists the model at all. */
static int candidate_best(const struct candidate *c, int n, const bool *skip, bool *any_serves)
{
	int best = -1;
	*any_serves = false;
	for (int i = 0; i < n; i++) {
		if (skip[i] || !c[i].serves)
			continue;
		*any_serves = true;
		if (!c[i].allowed)
			continue;
		if (best < 0 || c[i].in_flight < c[best].in_flight ||
		    (c[i].in_flight == c[best].in_flight && c[i].last_pick < c[best].last_pick))
			best = i;
	}
	return best;
}

/* Panic, as Envoy's load balancer below its panic threshold: every backend
 * that serves the model is kept away by its breaker. Refusing everyone
 * would let one user's failures close the model for all, and would never
 * notice a backend that is back; so the one whose breaker opened first
 * (the likeliest to have recovered) is tried anyway. */
static int candidate_panic(const struct candidate *c, int n, const bool *skip)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (!skip[i] && c[i].serves && (best < 0 || c[i].opened_at < c[best].opened_at))
			best = i;
	return best;
}

enum backend_pick backend_pick(struct db *db, const struct backend_policy *p,
			       const char *const *urls, int n, const bool *skip,
			       const char *model, int *chosen, int64_t *lease)
{
	struct candidate c[BACKEND_MAX];
	if (n > BACKEND_MAX)
		n = BACKEND_MAX;
	if (db_begin(db) < 0)
		return BACKEND_DB_ERROR;
	int64_t now = util_now_ms();
	leases_prune(db, now);
	for (int i = 0; i < n; i++)
		if (!skip[i] && candidate_load(db, p, urls[i], model, now, &c[i]) < 0)
			goto fail;
	bool any_serves;
	int best = candidate_best(c, n, skip, &any_serves);
	bool panic = best < 0 && any_serves;
	if (panic)
		best = candidate_panic(c, n, skip);
	if (best < 0) {
		db_rollback(db);
		return BACKEND_NONE_SERVES;
	}
	if (lease_take(db, p, urls[best], now, !panic, lease) < 0 || db_commit(db) < 0)
		goto fail;
	*chosen = best;
	return BACKEND_PICKED;
fail:
	db_rollback(db);
	return BACKEND_DB_ERROR;
}

/* ---- outcomes ---- */

static void record_failure(struct db *db, const struct backend_policy *p, const char *url,
			   const char *what, const char *code, const char *message, int64_t now)
{
	/* The right-hand sides all see the row as it was before. */
	db_exec(db, "UPDATE backends SET "
		"failures = failures + (?2 = 'chat'), "
		"consecutive_failures = consecutive_failures + 1, "
		"last_error = ?3, last_error_at_ms = ?4, "
		"opened_at_ms = CASE WHEN breaker != 'closed' OR consecutive_failures + 1 >= ?5 "
		"               THEN ?4 ELSE opened_at_ms END, "
		"breaker = CASE WHEN breaker != 'closed' OR consecutive_failures + 1 >= ?5 "
		"          THEN 'open' ELSE 'closed' END "
		"WHERE url = ?1", "sssII", url, what, message, now, (int64_t)p->breaker_failures);
	db_exec(db, "INSERT INTO backend_failures(url, at_ms, what, code, message) "
		    "VALUES (?1, ?2, ?3, ?4, ?5)", "sIsss", url, now, what, code, message);
	db_exec(db, "DELETE FROM backend_failures WHERE at_ms < ?1", "I", now - BACKEND_FAILURES_KEPT_MS);
}

static void record_success(struct db *db, const char *url, int64_t first_token_ms, int64_t now)
{
	db_exec(db, "UPDATE backends SET breaker = 'closed', consecutive_failures = 0, "
		"last_ok_at_ms = ?2, latency_ms = CASE WHEN ?3 < 0 THEN latency_ms "
		"WHEN latency_ms IS NULL THEN ?3 ELSE latency_ms * (1 - ?4) + ?3 * ?4 END "
		"WHERE url = ?1", "sIId", url, now, first_token_ms, BACKEND_LATENCY_ALPHA);
}

void backend_release(struct db *db, const struct backend_policy *p, const char *url,
		     int64_t lease, enum backend_verdict v, int64_t first_token_ms,
		     const char *code, const char *message)
{
	if (db_begin(db) < 0)
		return;
	int64_t now = util_now_ms();
	db_exec(db, "DELETE FROM backend_leases WHERE id = ?1", "I", lease);
	if (v == BACKEND_OK)
		record_success(db, url, first_token_ms, now);
	else if (v == BACKEND_FAILED)
		record_failure(db, p, url, "chat", code, message, now);
	if (db_commit(db) < 0)
		fprintf(stderr, "microchat backend: could not record the outcome on %s\n", url);
}

/* ---- model lists ---- */

static bool refresh_due(struct db *db, const struct backend_policy *p, const char *url,
			enum backend_refresh mode, int64_t now)
{
	sqlite3_stmt *st = db_query(db, "SELECT models_checked_ms, breaker, opened_at_ms, models_known "
				    "FROM backends WHERE url = ?1", "s", url);
	if (!st || db_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return false;
	}
	int64_t checked = sqlite3_column_int64(st, 0);
	bool closed = strcmp((const char *)sqlite3_column_text(st, 1), "closed") == 0;
	int64_t opened_at = sqlite3_column_int64(st, 2);
	bool known = sqlite3_column_int(st, 3) == 1;
	sqlite3_reset(st);
	if (!closed && now - opened_at < p->breaker_cooldown_ms)
		return false; /* kept away by its breaker */
	if (mode == BACKEND_REFRESH_UNKNOWN)
		return !known;
	int64_t ttl = p->models_ttl_ms;
	if (mode == BACKEND_REFRESH_FORCE && ttl > BACKEND_FORCED_REFRESH_MS)
		ttl = BACKEND_FORCED_REFRESH_MS;
	return now - checked >= ttl;
}

int backend_refresh_due(struct db *db, const struct backend_policy *p, const char *const *urls, int n,
			enum backend_refresh mode)
{
	int64_t now = util_now_ms();
	int due = 0;
	for (int i = 0; i < n; i++)
		due += refresh_due(db, p, urls[i], mode, now);
	return due;
}

int backend_claim_refresh(struct db *db, const struct backend_policy *p,
			  const char *const *urls, int n, enum backend_refresh mode, bool *need)
{
	for (int i = 0; i < n; i++)
		need[i] = false;
	if (backend_refresh_due(db, p, urls, n, mode) == 0 || db_begin(db) < 0)
		return 0; /* the usual case: every list is fresh, nothing written */
	/* Again inside the transaction: another process may have claimed it. */
	int claimed = 0;
	int64_t now = util_now_ms();
	for (int i = 0; i < n; i++) {
		need[i] = refresh_due(db, p, urls[i], mode, now);
		if (need[i] && db_exec(db, "UPDATE backends SET models_checked_ms = ?2 WHERE url = ?1",
				       "sI", urls[i], now) == 0)
			claimed++;
	}
	if (db_commit(db) < 0) {
		for (int i = 0; i < n; i++)
			need[i] = false;
		return 0;
	}
	return claimed;
}

/* Inside a write transaction: the fetched list replaces the cached one. */
static void models_store_rows(struct db *db, const char *url, json_t *models, int64_t latency_ms)
{
	db_exec(db, "DELETE FROM backend_models WHERE url = ?1", "s", url);
	json_t *m;
	size_t i;
	json_array_foreach(models, i, m) {
		char *info = json_dumps(m, JSON_COMPACT);
		db_exec(db, "INSERT OR IGNORE INTO backend_models(url, name, info, position) "
			    "VALUES (?1, ?2, ?3, ?4)", "sssI", url,
			json_string_value(json_object_get(m, "name")), info, (int64_t)i);
		free(info);
	}
	db_exec(db, "UPDATE backends SET models_known = 1, models_checked_ms = ?2, "
		    "models_latency_ms = ?3 WHERE url = ?1", "sII", url, util_now_ms(), latency_ms);
}

void backend_models_store(struct db *db, const char *url, json_t *models, int64_t latency_ms)
{
	if (db_begin(db) < 0)
		return;
	models_store_rows(db, url, models, latency_ms);
	if (db_commit(db) < 0)
		fprintf(stderr, "microchat backend: could not store the model list of %s\n", url);
}

/* ---- health probes ---- */

static bool probe_due(struct db *db, const char *url, int64_t every_ms, int64_t now)
{
	int64_t at = 0;
	return db_int(db, &at, "SELECT probe_at_ms FROM backends WHERE url = ?1", "s", url) == 1 &&
	       now - at >= every_ms;
}

int backend_claim_probes(struct db *db, const char *const *urls, int n, int64_t every_ms, bool *need)
{
	int64_t now = util_now_ms();
	int due = 0, claimed = 0;
	for (int i = 0; i < n; i++)
		due += need[i] = probe_due(db, urls[i], every_ms, now);
	if (due == 0 || db_begin(db) < 0)
		return 0; /* the usual case: a recent probe answers, nothing written */
	for (int i = 0; i < n; i++) {
		/* Again inside the transaction: another process may have claimed it. */
		need[i] = need[i] && db_exec(db, "UPDATE backends SET probe_at_ms = ?2 WHERE url = ?1 "
						 "AND probe_at_ms <= ?2 - ?3", "sII", urls[i], now, every_ms) == 0 &&
			  db_changes(db) == 1;
		claimed += need[i];
	}
	if (db_commit(db) < 0) {
		for (int i = 0; i < n; i++)
			need[i] = false;
		return 0;
	}
	return claimed;
}

void backend_probe_record(struct db *db, const struct backend_policy *p, const char *url,
			  json_t *models, int64_t latency_ms, const char *error)
{
	if (db_begin(db) < 0)
		return;
	if (models)
		models_store_rows(db, url, models, latency_ms);
	else
		record_failure(db, p, url, "models", "llm_unavailable", error, util_now_ms());
	db_exec(db, "UPDATE backends SET probe_ok = ?2, probe_latency_ms = ?3, probe_error = ?4 WHERE url = ?1",
		"siIs", url, models ? 1 : 0, latency_ms, models ? NULL : error);
	if (db_commit(db) < 0)
		fprintf(stderr, "microchat backend: could not record the probe of %s\n", url);
}

json_t *backend_probe_json(struct db *db, const char *url)
{
	sqlite3_stmt *st = db_query(db, "SELECT probe_ok, probe_latency_ms, probe_error, probe_at_ms "
				    "FROM backends WHERE url = ?1", "s", url);
	json_t *o = json_pack("{s:b,s:n,s:n}", "ok", 0, "latency_ms", "checked_at");
	if (st && db_step(st) == SQLITE_ROW) {
		json_object_set_new(o, "ok", json_boolean(sqlite3_column_int(st, 0) == 1));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			json_object_set_new(o, "latency_ms", json_integer((json_int_t)sqlite3_column_int64(st, 1)));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			json_object_set_new(o, "error", json_string((const char *)sqlite3_column_text(st, 2)));
		char iso[21];
		util_iso_time(sqlite3_column_int64(st, 3) / 1000, iso);
		if (sqlite3_column_int64(st, 3) > 0)
			json_object_set_new(o, "checked_at", json_string(iso));
	}
	if (st)
		sqlite3_reset(st);
	return o;
}

void backend_models_failed(struct db *db, const struct backend_policy *p, const char *url,
			   const char *message)
{
	if (db_begin(db) < 0)
		return;
	record_failure(db, p, url, "models", "llm_unavailable", message, util_now_ms());
	db_commit(db);
}

void backend_model_missing(struct db *db, const char *url, const char *model)
{
	db_exec(db, "DELETE FROM backend_models WHERE url = ?1 AND (name = ?2 OR name = ?2 || ':latest')",
		"ss", url, model);
}

static void merge_one(json_t *merged, const char *url, const char *info, bool allowed)
{
	json_t *m = json_loads(info, 0, NULL);
	const char *name = json_string_value(json_object_get(m, "name"));
	if (!name) {
		json_decref(m);
		return;
	}
	json_t *have = jsonx_find(merged, "name", name);
	if (!have) {
		json_object_set_new(m, "backends", json_array());
		json_object_set_new(m, "available", json_false());
		json_array_append(merged, m);
		have = m;
	}
	json_array_append_new(json_object_get(have, "backends"), json_string(url));
	if (allowed)
		json_object_set_new(have, "available", json_true());
	json_decref(m);
}

/* Whether the breaker lets requests through now, and whether the list is known. */
static bool backend_usable(struct db *db, const struct backend_policy *p, const char *url,
			   bool *known)
{
	sqlite3_stmt *st = db_query(db, "SELECT breaker, opened_at_ms, models_known "
				    "FROM backends WHERE url = ?1", "s", url);
	*known = false;
	if (!st || db_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return false;
	}
	bool closed = strcmp((const char *)sqlite3_column_text(st, 0), "closed") == 0;
	bool cooled = util_now_ms() - sqlite3_column_int64(st, 1) >= p->breaker_cooldown_ms;
	*known = sqlite3_column_int(st, 2) == 1;
	sqlite3_reset(st);
	return closed || cooled;
}

json_t *backend_models_merged(struct db *db, const struct backend_policy *p,
			      const char *const *urls, int n, int *usable)
{
	bool allowed[BACKEND_MAX], known[BACKEND_MAX];
	int listed = 0;
	*usable = 0;
	if (n > BACKEND_MAX)
		n = BACKEND_MAX;
	for (int i = 0; i < n; i++) {
		allowed[i] = backend_usable(db, p, urls[i], &known[i]);
		*usable += allowed[i] && known[i];
		listed += known[i];
	}
	/* Panic (see candidate_panic): with every breaker open, the models are
	 * still offered, as a chat for them is still tried. */
	for (int i = 0; i < n && *usable == 0 && listed > 0; i++)
		allowed[i] = known[i];
	if (*usable == 0)
		*usable = listed;
	json_t *merged = json_array();
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = db_query(db, "SELECT info FROM backend_models WHERE url = ?1 "
					    "ORDER BY position", "s", urls[i]);
		while (st && db_step(st) == SQLITE_ROW)
			merge_one(merged, urls[i], (const char *)sqlite3_column_text(st, 0), allowed[i]);
		if (st)
			sqlite3_reset(st);
	}
	return merged;
}

json_t *backend_state_json(struct db *db, const char *url)
{
	int64_t now = util_now_ms();
	sqlite3_stmt *st = db_query(db,
		"SELECT breaker, requests, failures, latency_ms, last_error, "
		"(SELECT count(*) FROM backend_leases l WHERE l.url = b.url AND l.expires_ms > ?2), "
		"(SELECT count(*) FROM backend_failures f WHERE f.url = b.url AND f.at_ms >= ?3), "
		"(SELECT count(*) FROM backend_models m WHERE m.url = b.url), consecutive_failures "
		"FROM backends b WHERE url = ?1", "sII", url, now, now - BACKEND_RECENT_MS);
	if (!st || db_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return json_object();
	}
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s?}",
		"state", (const char *)sqlite3_column_text(st, 0),
		"in_flight", (json_int_t)sqlite3_column_int64(st, 5),
		"requests", (json_int_t)sqlite3_column_int64(st, 1),
		"failures", (json_int_t)sqlite3_column_int64(st, 2),
		"consecutive_failures", (json_int_t)sqlite3_column_int64(st, 8),
		"recent_failures", (json_int_t)sqlite3_column_int64(st, 6),
		"models", (json_int_t)sqlite3_column_int64(st, 7),
		"last_error", (const char *)sqlite3_column_text(st, 4));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		json_object_set_new(o, "avg_first_token_ms",
				    json_integer((json_int_t)(sqlite3_column_double(st, 3) + 0.5)));
	else
		json_object_set_new(o, "avg_first_token_ms", json_null());
	sqlite3_reset(st);
	return o;
}
