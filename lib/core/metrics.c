/* metrics: measurements of every request and model call, written in one
 * short transaction when the request ends; a failure never breaks the answer. */
#define _POSIX_C_SOURCE 200809L
#include "core/metrics.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/spool.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The ops tables arrive with migration 003. */
#define METRICS_SCHEMA 3
/* Old rows are deleted a batch at a time, so that no request pays for a
 * long backlog at once. */
#define METRICS_PRUNE_BATCH 2000

struct metrics_call {
	struct metrics_call *next;
	struct metrics_llm_call c;
};

struct metrics {
	struct metrics_call *head, **tail;
	struct metrics_call *last;
	bool spooled; /* the request's record is in the spool already */
};

/* A request that finds the spool this big folds it into the tables. */
#define METRICS_SPOOL_FOLD_BYTES (32 * 1024)

static struct metrics *metrics_of(struct req *r)
{
	struct metrics *m = r->metrics;
	if (!m) {
		m = arena_alloc(&r->arena, sizeof(*m));
		memset(m, 0, sizeof(*m));
		m->tail = &m->head;
		r->metrics = m;
	}
	return m;
}

void metrics_request_begin(struct req *r)
{
	metrics_of(r);
}

static const char *copy(struct req *r, const char *s)
{
	return s ? arena_strdup(&r->arena, s) : NULL;
}

void metrics_llm_call(struct req *r, const struct metrics_llm_call *call)
{
	struct metrics *m = metrics_of(r);
	struct metrics_call *mc = arena_alloc(&r->arena, sizeof(*mc));
	mc->next = NULL;
	mc->c = *call;
	mc->c.backend = copy(r, call->backend ? call->backend : "");
	mc->c.model = copy(r, call->model ? call->model : "");
	mc->c.outcome = copy(r, call->outcome ? call->outcome : "error");
	mc->c.error_code = copy(r, call->error_code);
	*m->tail = mc;
	m->tail = &mc->next;
	m->last = mc;
}

/* What the user saw go wrong: the API error answered, else, for a reply the
 * model broke off (streamed answers keep status 200), the model's error. */
static const char *request_error(struct req *r)
{
	if (r->error_code)
		return r->error_code;
	struct metrics *m = r->metrics;
	if (m && m->last && m->last->c.error_code &&
	    (strcmp(m->last->c.outcome, "error") == 0 || strcmp(m->last->c.outcome, "partial") == 0))
		return m->last->c.error_code;
	return NULL;
}

static int64_t clamp_ms(int64_t v)
{
	return v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : v;
}

static int record_call(struct db *db, int64_t request_id, int64_t now,
		       const struct metrics_llm_call *c)
{
	static const char sql[] =
		"INSERT INTO ops_llm_calls(request_id, at_ms, backend, model, first_token_ms, total_ms,"
		" prompt_tokens, reply_tokens, gen_ns, outcome, error_code)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	int64_t gen_ns = c->eval_duration_ns > 0 ? c->eval_duration_ns : 0;
	if (c->first_token_ms < 0)
		return db_exec(db, sql, "IIssnIIIIss", request_id, now, c->backend, c->model,
			       clamp_ms(c->total_ms), (int64_t)c->prompt_tokens, (int64_t)c->reply_tokens,
			       gen_ns, c->outcome, c->error_code);
	return db_exec(db, sql, "IIssIIIIIss", request_id, now, c->backend, c->model,
		       clamp_ms(c->first_token_ms), clamp_ms(c->total_ms), (int64_t)c->prompt_tokens,
		       (int64_t)c->reply_tokens, gen_ns, c->outcome, c->error_code);
}

static int insert_request(struct db *db, int64_t at_ms, const char *program, const char *method,
			  int status, const char *error, int64_t duration_ms, int64_t user_id)
{
	return db_exec(db, "INSERT INTO ops_requests(at_ms, program, method, status, error_code,"
		       " duration_ms, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "IssisII", at_ms,
		       program, method, status, error, duration_ms < 0 ? 0 : duration_ms, user_id);
}

static int64_t request_duration(const struct req *r)
{
	return util_mono_ms() - r->started_ms;
}

static int record(struct req *r, struct db *db, int64_t now)
{
	if (insert_request(db, now, r->program ? r->program : "", r->method ? r->method : "",
			   r->status, request_error(r), request_duration(r), r->user.id) < 0)
		return -1;
	int64_t id = db_last_id(db);
	struct metrics *m = r->metrics;
	for (struct metrics_call *mc = m ? m->head : NULL; mc; mc = mc->next)
		if (record_call(db, id, now, &mc->c) < 0)
			return -1;
	return 0;
}

/* The first second still kept: retention counts whole UTC days. */
int64_t metrics_keep_from(const struct conf *c, int64_t now_ms)
{
	return (now_ms / 86400000 - c->metrics_retention_days) * 86400;
}

/* Cheap when there is nothing to do: one index probe per table. */
static int prune(struct req *r, struct db *db, int64_t now)
{
	int64_t keep = metrics_keep_from(r->conf, now), hit;
	static const char *const logs[][2] = {
		{ "SELECT 1 FROM ops_requests WHERE at_ms < ?1 LIMIT 1",
		  "DELETE FROM ops_requests WHERE id IN (SELECT id FROM ops_requests WHERE at_ms < ?1 LIMIT ?2)" },
		{ "SELECT 1 FROM ops_llm_calls WHERE at_ms < ?1 LIMIT 1",
		  "DELETE FROM ops_llm_calls WHERE id IN (SELECT id FROM ops_llm_calls WHERE at_ms < ?1 LIMIT ?2)" },
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(logs); i++) {
		int rc = db_int(db, &hit, logs[i][0], "I", keep * 1000);
		if (rc < 0 || (rc == 1 && db_exec(db, logs[i][1], "Ii", keep * 1000, METRICS_PRUNE_BATCH) < 0))
			return -1;
	}
	int rc = db_int(db, &hit, "SELECT 1 FROM ops_roll WHERE grain = 3600 AND t < ?1 UNION ALL "
			"SELECT 1 FROM ops_roll_intents WHERE grain = 3600 AND t < ?1 UNION ALL "
			"SELECT 1 FROM ops_roll_products WHERE grain = 3600 AND t < ?1 LIMIT 1", "I", keep);
	if (rc != 1)
		return rc;
	static const char *const rolls[] = {
		"DELETE FROM ops_roll WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_bins WHERE grain IN (3600, 86400) AND metric IN (0, 1) AND t < ?1",
		"DELETE FROM ops_roll_models WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_errors WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_backends WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_intents WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_products WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_audience WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_assistant_bins WHERE grain IN (3600, 86400) AND t < ?1",
		"DELETE FROM ops_roll_assistant_intents WHERE grain IN (3600, 86400) AND t < ?1",
	};
	for (size_t i = 0; i < MC_ARRAY_LEN(rolls); i++)
		if (db_exec(db, rolls[i], "I", keep) < 0)
			return -1;
	return 0;
}

/* ---- the spool: requests answered without the database ---- */

/* The spool lives in the cache folder: root is filled with that folder. */
static const char *spool_path(struct req *r, char root[CACHE_ROOT_MAX])
{
	if (cache_root(r->conf, root) < 0)
		return NULL;
	return arena_printf(&r->arena, "%s/requests.spool", root);
}

int metrics_spool(struct req *r)
{
	struct metrics *m = metrics_of(r);
	char root[CACHE_ROOT_MAX];
	const char *path;
	if (!cache_on(r->conf) || m->head || !(path = spool_path(r, root)))
		return 1;
	char line[256];
	const char *error = request_error(r);
	int n = snprintf(line, sizeof(line), "1\t%lld\t%s\t%s\t%d\t%s\t%lld\t%lld\n",
			 (long long)util_now_ms(), r->program ? r->program : "", r->method ? r->method : "",
			 r->status, error ? error : "-", (long long)request_duration(r), (long long)r->user.id);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return 1;
	struct spool_writer *w = r->spool;
	long size = spool_write(w, path, line, (size_t)n);
	/* The cache folder is made by the first request that uses it. */
	if (size < 0 && errno == ENOENT && mkdir(root, 0700) == 0)
		size = spool_write(w, path, line, (size_t)n);
	if (size < 0)
		return 1;
	m->spooled = true;
	return size >= METRICS_SPOOL_FOLD_BYTES;
}

/* One spooled line: "1 \t at_ms \t program \t method \t status \t error|- \t
 * duration_ms \t user_id". A line that does not parse is skipped. */
static int fold_line(struct db *db, char *line)
{
	char *f[8];
	int n = 0;
	for (char *p = line; p && n < 8; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	if (n != 8 || strcmp(f[0], "1") != 0)
		return 0;
	int64_t at = strtoll(f[1], NULL, 10), duration = strtoll(f[6], NULL, 10), user = strtoll(f[7], NULL, 10);
	int status = atoi(f[4]);
	if (at <= 0 || status < 100 || status > 599)
		return 0;
	return insert_request(db, at, f[2], f[3], status, strcmp(f[5], "-") ? f[5] : NULL, duration, user);
}

static int fold_lines(struct db *db, struct spool_take *t)
{
	for (char *line = t->data, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (fold_line(db, line) < 0)
			return -1;
	}
	return 0;
}

/* Record r (unless spooled) and whatever the spool holds, in one transaction. */
static void write_records(struct req *r, struct db *db, bool wait_for_spool)
{
	/* health answers even on a database that was never migrated. */
	if (db_schema_version(db) < METRICS_SCHEMA)
		return;
	struct metrics *m = metrics_of(r);
	char root[CACHE_ROOT_MAX];
	const char *path = spool_path(r, root);
	bool pending = path && spool_pending(path);
	int64_t now = util_now_ms();
	if (m->spooled && !pending)
		return;
	if (db_begin(db) < 0) {
		fprintf(stderr, "microchat metrics: %s request not recorded\n", r->program);
		return;
	}
	struct spool_take t = { .fd = -1 };
	int taken = pending ? spool_take(path, wait_for_spool, &t) : 0;
	if ((!m->spooled && record(r, db, now) < 0) || (taken > 0 && fold_lines(db, &t) < 0) ||
	    prune(r, db, now) < 0) {
		db_rollback(db);
		spool_done(&t, false);
		fprintf(stderr, "microchat metrics: %s request not recorded\n", r->program);
		return;
	}
	int rc = db_commit(db);
	spool_done(&t, rc == 0 && taken > 0);
	if (rc < 0)
		fprintf(stderr, "microchat metrics: %s request not recorded (commit)\n", r->program);
}

void metrics_request_end(struct req *r, struct db *db)
{
	write_records(r, db, false);
}

void metrics_fold(struct req *r, struct db *db)
{
	struct metrics *m = metrics_of(r);
	bool spooled = m->spooled;
	m->spooled = true; /* only the spool now; the request itself is recorded at its end */
	write_records(r, db, true);
	m->spooled = spooled;
}
