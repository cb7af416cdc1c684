/* stats: the figures of GET /cgi-bin/stats (totals, per-bucket series,
 * exact percentiles, models, intents, products, errors, backends), read
 * from the roll-ups of migration 003 so that the cost does not grow with
 * the size of the logs. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "ops/stats.h"
#include "core/jsonx.h"
#include "core/arena.h"
#include "models/backend.h"
#include "core/db.h"
#include "core/db_json.h"
#include "ops/pctl.h"
#include "ops/stats_audience.h"
#include "ops/stats_feedback.h"
#include "core/url.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STATS_LIST_MAX 20
#define STATS_TOP_PRODUCTS 10

static const int stats_ps[3] = { 50, 95, 99 };

struct bucket {
	int64_t requests, errors, messages, calls, failures, tps_tokens, tps_ns;
	int64_t pct[2][3]; /* [metric][p50, p95, p99], -1 = no samples */
};

struct stats {
	struct db *db;
	struct arena *a;
	const struct stats_window *w;
	struct bucket *b;      /* w->nbuckets of them */
	struct bucket total;   /* the whole window */
};

void stats_window(int days, int64_t now_ms, int64_t keep_from, struct stats_window *w)
{
	int64_t now = now_ms / 1000;
	w->days = days;
	w->grain = days == 1 ? 3600 : 86400;
	w->end = (now / w->grain + 1) * w->grain;
	w->start = w->end - (days == 1 ? 24 : days) * w->grain;
	if (w->start < keep_from)
		w->start = (keep_from + w->grain - 1) / w->grain * w->grain;
	if (w->start > w->end)
		w->start = w->end;
	w->nbuckets = (int)((w->end - w->start) / w->grain);
}

/* ---- percentiles ---- */

/* The roll-up rows of one metric, ordered by bucket then bin. */
struct bin_rows {
	int64_t *t;
	struct pctl_count *c;
	size_t n, alloc;
};

static void bin_rows_free(struct bin_rows *r)
{
	free(r->t);
	free(r->c);
}

static int load_bins(struct db *db, int metric, int64_t grain, int64_t t0, int64_t t1,
		     struct bin_rows *r)
{
	memset(r, 0, sizeof(*r));
	sqlite3_stmt *st = db_query(db, "SELECT t, bin, n FROM ops_roll_bins WHERE grain = ?1 AND metric = ?2 "
				    "AND t >= ?3 AND t < ?4 ORDER BY t, bin", "IiII", grain, metric, t0, t1);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		int bin = sqlite3_column_int(st, 1);
		if (bin < 0 || bin >= PCTL_NBINS)
			continue;
		if (r->n == r->alloc) {
			r->alloc = r->alloc ? r->alloc * 2 : 256;
			r->t = xrealloc(r->t, r->alloc * sizeof(*r->t));
			r->c = xrealloc(r->c, r->alloc * sizeof(*r->c));
		}
		r->t[r->n] = sqlite3_column_int64(st, 0);
		r->c[r->n].bin = bin;
		r->c[r->n].n = sqlite3_column_int64(st, 2);
		r->n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The value offset places into bin, among the samples of [t0, t1): read
 * from the log's (bin, time, value) index, only that bin's rows. */
static int value_in_bin(struct db *db, int metric, int bin, int64_t offset, int64_t t0, int64_t t1,
			int64_t *out)
{
	int64_t lo, hi;
	pctl_bounds(bin, &lo, &hi);
	if (lo == hi) {
		*out = lo;
		return 0;
	}
	static const char *const sql[2] = {
		"SELECT total_ms FROM ops_llm_calls WHERE lat_bin = ?1 AND at_ms >= ?2 AND at_ms < ?3 "
		"ORDER BY total_ms LIMIT 1 OFFSET ?4",
		"SELECT first_token_ms FROM ops_llm_calls WHERE ft_bin = ?1 AND at_ms >= ?2 AND at_ms < ?3 "
		"ORDER BY first_token_ms LIMIT 1 OFFSET ?4",
	};
	int rc = db_int(db, out, sql[metric], "iIII", bin, t0 * 1000, t1 * 1000, offset);
	if (rc == 0) /* the log lost rows the roll-up still counts (pruning): the bin is the answer */
		*out = lo;
	return rc < 0 ? -1 : 0;
}

static int percentiles_of(struct db *db, int metric, const struct pctl_count *c, int nc,
			  int64_t t0, int64_t t1, int64_t out[3])
{
	int64_t total = 0;
	for (int i = 0; i < nc; i++)
		total += c[i].n;
	for (int i = 0; i < 3; i++) {
		int bin;
		int64_t offset;
		out[i] = -1;
		if (total == 0 || pctl_locate(c, nc, pctl_rank(stats_ps[i], total), &bin, &offset) < 0)
			continue;
		if (value_in_bin(db, metric, bin, offset, t0, t1, &out[i]) < 0)
			return -1;
	}
	return 0;
}

/* The rows of every bucket summed per bin, in bin order, into out
 * (PCTL_NBINS entries); returns how many bins have samples. */
static int merge_bins(const struct bin_rows *r, struct pctl_count *out)
{
	int64_t *sum = xcalloc(PCTL_NBINS, sizeof(*sum));
	for (size_t i = 0; i < r->n; i++)
		sum[r->c[i].bin] += r->c[i].n;
	int n = 0;
	for (int bin = 0; bin < PCTL_NBINS; bin++)
		if (sum[bin])
			out[n++] = (struct pctl_count){ bin, sum[bin] };
	free(sum);
	return n;
}

static int window_percentiles(struct db *db, int metric, const struct bin_rows *r, int64_t t0,
			      int64_t t1, int64_t out[3])
{
	struct pctl_count *merged = xcalloc(PCTL_NBINS, sizeof(*merged));
	int rc = percentiles_of(db, metric, merged, merge_bins(r, merged), t0, t1, out);
	free(merged);
	return rc;
}

int stats_percentiles(struct db *db, int metric, int64_t grain, int64_t t0, int64_t t1,
		      int64_t out[3])
{
	struct bin_rows r;
	int rc = load_bins(db, metric, grain, t0, t1, &r);
	if (rc == 0)
		rc = window_percentiles(db, metric, &r, t0, t1, out);
	bin_rows_free(&r);
	return rc;
}

/* The whole window and each bucket, from one read of the roll-up. */
static int metric_percentiles(struct stats *s, int metric)
{
	const struct stats_window *w = s->w;
	struct bin_rows r;
	int rc = load_bins(s->db, metric, w->grain, w->start, w->end, &r);
	if (rc == 0)
		rc = window_percentiles(s->db, metric, &r, w->start, w->end, s->total.pct[metric]);
	for (size_t i = 0; rc == 0 && i < r.n;) {
		size_t j = i;
		while (j < r.n && r.t[j] == r.t[i])
			j++;
		int k = (int)((r.t[i] - w->start) / w->grain);
		if (k >= 0 && k < w->nbuckets)
			rc = percentiles_of(s->db, metric, r.c + i, (int)(j - i), r.t[i], r.t[i] + w->grain,
					    s->b[k].pct[metric]);
		i = j;
	}
	bin_rows_free(&r);
	return rc;
}

/* ---- counts ---- */

static int load_counts(struct stats *s)
{
	const struct stats_window *w = s->w;
	sqlite3_stmt *st = db_query(s->db, "SELECT t, requests, request_errors, messages, calls, call_failures, "
				    "tps_tokens, tps_ns FROM ops_roll WHERE grain = ?1 AND t >= ?2 AND t < ?3",
				    "III", w->grain, w->start, w->end);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		int64_t k = (sqlite3_column_int64(st, 0) - w->start) / w->grain;
		if (k < 0 || k >= w->nbuckets)
			continue;
		struct bucket *b = &s->b[k];
		int64_t v[7];
		for (int i = 0; i < 7; i++)
			v[i] = sqlite3_column_int64(st, i + 1);
		b->requests = v[0], b->errors = v[1], b->messages = v[2], b->calls = v[3];
		b->failures = v[4], b->tps_tokens = v[5], b->tps_ns = v[6];
		s->total.requests += v[0], s->total.errors += v[1], s->total.messages += v[2];
		s->total.calls += v[3], s->total.failures += v[4];
		s->total.tps_tokens += v[5], s->total.tps_ns += v[6];
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- JSON pieces ---- */

static json_t *ms_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *tps_json(const struct bucket *b)
{
	if (b->tps_ns <= 0 || b->tps_tokens <= 0)
		return json_null();
	return json_real(round((double)b->tps_tokens * 1e10 / (double)b->tps_ns) / 10);
}

static json_t *pct_json(const int64_t p[3])
{
	return json_pack("{s:o,s:o,s:o}", "p50", ms_or_null(p[0]), "p95", ms_or_null(p[1]),
			 "p99", ms_or_null(p[2]));
}

static json_t *series_json(const struct stats *s)
{
	json_t *out = json_array();
	for (int i = 0; i < s->w->nbuckets; i++) {
		const struct bucket *b = &s->b[i];
		char t[21];
		util_iso_time(s->w->start + i * s->w->grain, t);
		json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			"t", t, "messages", (json_int_t)b->messages, "requests", (json_int_t)b->requests,
			"errors", (json_int_t)b->errors, "model_calls", (json_int_t)b->calls,
			"model_failures", (json_int_t)b->failures,
			"latency_p50", ms_or_null(b->pct[0][0]), "latency_p95", ms_or_null(b->pct[0][1]),
			"latency_p99", ms_or_null(b->pct[0][2]), "first_token_p50", ms_or_null(b->pct[1][0]),
			"first_token_p95", ms_or_null(b->pct[1][1]), "first_token_p99", ms_or_null(b->pct[1][2]),
			"tokens_per_second", tps_json(b)));
	}
	return out;
}

/* Per UTC day, also when the buckets are hours. */
static json_t *per_day_json(const struct stats *s)
{
	json_t *out = json_array();
	char last[11] = "";
	for (int i = 0; i < s->w->nbuckets; i++) {
		char t[21];
		util_iso_time(s->w->start + i * s->w->grain, t);
		t[10] = '\0';
		if (strcmp(t, last) != 0) {
			json_array_append_new(out, json_pack("{s:s,s:I}", "day", t, "count", (json_int_t)0));
			memcpy(last, t, sizeof(last));
		}
		json_t *day = json_array_get(out, json_array_size(out) - 1);
		json_int_t n = json_integer_value(json_object_get(day, "count"));
		json_object_set_new(day, "count", json_integer(n + (json_int_t)s->b[i].messages));
	}
	return out;
}

/* Kept by the triggers of migration 003 (ops_totals), not counted. */
static json_t *totals_json(struct stats *s)
{
	sqlite3_stmt *st = db_query(s->db, "SELECT name, n FROM ops_totals", "");
	if (!st)
		return NULL;
	json_t *out = json_pack("{s:I,s:I,s:I}", "users", (json_int_t)0, "conversations", (json_int_t)0,
				"messages", (json_int_t)0);
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW)
		json_object_set_new(out, (const char *)sqlite3_column_text(st, 0),
				    json_integer((json_int_t)sqlite3_column_int64(st, 1)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *period_json(const struct stats *s)
{
	const struct bucket *b = &s->total;
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "messages", (json_int_t)b->messages,
			 "requests", (json_int_t)b->requests, "errors", (json_int_t)b->errors,
			 "model_calls", (json_int_t)b->calls, "model_failures", (json_int_t)b->failures);
}

/* ctx: the name of the text's member. */
static json_t *named_count_row(sqlite3_stmt *st, void *ctx)
{
	return json_pack("{s:s,s:I}", (const char *)ctx, (const char *)sqlite3_column_text(st, 0),
			 "count", (json_int_t)sqlite3_column_int64(st, 1));
}

/* [{name: text, count: n}] from a (text, count) query over the window. */
static json_t *named_counts(struct stats *s, const char *sql, const char *name)
{
	const struct stats_window *w = s->w;
	sqlite3_stmt *st = db_query(s->db, sql, "IIIi", w->grain, w->start, w->end, STATS_LIST_MAX);
	return db_json_rows(st, named_count_row, (void *)name);
}

static json_t *models_json(struct stats *s)
{
	return named_counts(s, "SELECT model, sum(calls) AS c FROM ops_roll_models WHERE grain = ?1 "
			    "AND t >= ?2 AND t < ?3 GROUP BY model ORDER BY c DESC, model LIMIT ?4", "model");
}

static json_t *errors_json(struct stats *s)
{
	return named_counts(s, "SELECT code, sum(n) AS c FROM ops_roll_errors WHERE grain = ?1 "
			    "AND t >= ?2 AND t < ?3 GROUP BY code ORDER BY c DESC, code LIMIT ?4", "code");
}

static json_t *intent_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	return json_pack("{s:s,s:I,s:f}", "intent", (const char *)sqlite3_column_text(st, 0),
			 "count", (json_int_t)sqlite3_column_int64(st, 1),
			 "avg_confidence", round(sqlite3_column_double(st, 2) * 1000) / 1000);
}

static json_t *intents_json(struct stats *s)
{
	const struct stats_window *w = s->w;
	sqlite3_stmt *st = db_query(s->db, "SELECT intent, sum(n) AS c, sum(confidence_sum) / sum(n) "
				    "FROM ops_roll_intents WHERE grain = ?1 AND t >= ?2 AND t < ?3 "
				    "GROUP BY intent ORDER BY c DESC, intent", "III", w->grain, w->start, w->end);
	return db_json_rows(st, intent_row, NULL);
}

/* A product gone from the catalog since keeps its count, with no name. */
static json_t *product_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	const char *name = (const char *)sqlite3_column_text(st, 1);
	return json_pack("{s:I,s:s,s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0), "name", name ? name : "",
			 "count", (json_int_t)sqlite3_column_int64(st, 2));
}

static json_t *products_json(struct stats *s)
{
	const struct stats_window *w = s->w;
	sqlite3_stmt *st = db_query(s->db,
		"SELECT r.product_id, p.name, r.c FROM (SELECT product_id, sum(n) AS c FROM ops_roll_products "
		"WHERE grain = ?1 AND t >= ?2 AND t < ?3 GROUP BY product_id ORDER BY c DESC, product_id "
		"LIMIT ?4) r LEFT JOIN products p ON p.id = r.product_id ORDER BY r.c DESC, r.product_id",
		"IIIi", w->grain, w->start, w->end, STATS_TOP_PRODUCTS);
	return db_json_rows(st, product_row, NULL);
}

/* ---- backends ---- */

/* What lib/models/backend knows now: the breaker ("closed", "open", "half_open";
 * "unknown" for a backend never used), requests in flight, the last error. */
static void add_live_state(struct db *db, json_t *b)
{
	json_t *live = backend_state_json(db, json_string_value(json_object_get(b, "url")));
	json_t *state = json_object_get(live, "state");
	json_object_set_new(b, "state", state ? json_incref(state) : json_string("unknown"));
	static const char *const copied[] = { "in_flight", "consecutive_failures", "last_error" };
	for (size_t i = 0; i < MC_ARRAY_LEN(copied); i++) {
		json_t *v = json_object_get(live, copied[i]);
		json_object_set_new(b, copied[i], v ? json_incref(v) : json_null());
	}
	json_decref(live);
}

static json_t *add_backend(json_t *list, const char *url)
{
	json_t *b = jsonx_find(list, "url", url);
	if (!b) {
		b = json_pack("{s:s,s:s,s:I,s:I,s:n}", "url", url, "state", "unknown",
			      "requests", (json_int_t)0, "failures", (json_int_t)0, "avg_ms");
		json_array_append_new(list, b);
	}
	return b;
}

/* The configured pool first, in its order (as lib/models/pool.c splits it). */
static void add_configured(struct arena *a, json_t *list, const char *configured)
{
	char *copy = arena_strdup(a, configured ? configured : "");
	for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		size_t len = strlen(tok);
		while (len && tok[len - 1] == '/')
			tok[--len] = '\0';
		if (len)
			add_backend(list, url_public(a, tok)); /* never its user:password@ */
	}
}

static json_t *backends_json(struct stats *s, const char *configured)
{
	const struct stats_window *w = s->w;
	json_t *out = json_array();
	add_configured(s->a, out, configured);
	sqlite3_stmt *st = db_query(s->db, "SELECT backend, sum(calls), sum(failures), sum(total_ms) "
				    "FROM ops_roll_backends WHERE grain = ?1 AND t >= ?2 AND t < ?3 "
				    "GROUP BY backend ORDER BY backend", "III", w->grain, w->start, w->end);
	int rc = st ? SQLITE_DONE : -1;
	while (st && (rc = db_step(st)) == SQLITE_ROW) {
		json_t *b = add_backend(out, (const char *)sqlite3_column_text(st, 0));
		int64_t calls = sqlite3_column_int64(st, 1);
		json_object_set_new(b, "requests", json_integer((json_int_t)calls));
		json_object_set_new(b, "failures", json_integer((json_int_t)sqlite3_column_int64(st, 2)));
		if (calls > 0)
			json_object_set_new(b, "avg_ms", json_integer((json_int_t)llround(
				(double)sqlite3_column_int64(st, 3) / (double)calls)));
	}
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	json_t *b;
	size_t i;
	json_array_foreach(out, i, b)
		add_live_state(s->db, b);
	return out;
}

/* ---- the answer ---- */

static int set_part(json_t *body, const char *key, json_t *part)
{
	if (!part)
		return -1;
	json_object_set_new(body, key, part);
	return 0;
}

static json_t *build(struct stats *s, const char *backends)
{
	const struct stats_window *w = s->w;
	const struct stats_span span = { w->grain, w->start, w->end };
	char since[21], until[21];
	util_iso_time(w->start, since);
	util_iso_time(w->end, until);
	json_t *body = json_pack("{s:i,s:s,s:s,s:s}", "days", w->days,
				 "bucket", w->grain == 3600 ? "hour" : "day", "since", since, "until", until);
	if (set_part(body, "totals", totals_json(s)) < 0 ||
	    set_part(body, "period", period_json(s)) < 0 ||
	    set_part(body, "messages_per_day", per_day_json(s)) < 0 ||
	    set_part(body, "latency_ms", pct_json(s->total.pct[0])) < 0 ||
	    set_part(body, "first_token_ms", pct_json(s->total.pct[1])) < 0 ||
	    set_part(body, "tokens_per_second", tps_json(&s->total)) < 0 ||
	    set_part(body, "series", series_json(s)) < 0 ||
	    set_part(body, "models", models_json(s)) < 0 ||
	    set_part(body, "intents", intents_json(s)) < 0 ||
	    set_part(body, "top_products", products_json(s)) < 0 ||
	    set_part(body, "errors", errors_json(s)) < 0 ||
	    set_part(body, "backends", backends_json(s, backends)) < 0 ||
	    set_part(body, "assistants", stats_assistants_json(s->db, s->a, &span)) < 0 ||
	    set_part(body, "visitors", stats_audience_json(s->db, &span, 1)) < 0 ||
	    set_part(body, "members", stats_audience_json(s->db, &span, 0)) < 0 ||
	    set_part(body, "feedback", stats_feedback_json(s->db, w->start, w->end)) < 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static void no_samples(struct bucket *b)
{
	for (int m = 0; m < 2; m++)
		for (int i = 0; i < 3; i++)
			b->pct[m][i] = -1;
}

json_t *stats_json(struct db *db, struct arena *a, const struct stats_window *w,
		   const char *backends)
{
	struct stats s = { .db = db, .a = a, .w = w };
	size_t n = (size_t)(w->nbuckets > 0 ? w->nbuckets : 1);
	s.b = arena_alloc(a, n * sizeof(*s.b));
	memset(s.b, 0, n * sizeof(*s.b));
	for (size_t i = 0; i < n; i++)
		no_samples(&s.b[i]);
	no_samples(&s.total);
	/* One read transaction: every figure from the same snapshot. */
	if (db_exec(db, "BEGIN", "") < 0)
		return NULL;
	json_t *body = NULL;
	if (load_counts(&s) == 0 && metric_percentiles(&s, 0) == 0 && metric_percentiles(&s, 1) == 0)
		body = build(&s, backends);
	db_exec(db, "COMMIT", "");
	return body;
}
