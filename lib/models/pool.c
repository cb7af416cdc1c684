/* pool: the model backends of OLLAMA_URL (one or several, Ollama or
 * OpenAI-compatible) as one: routing, failover before the first token, the
 * merged model list and health. The state they share lives in lib/models/backend. */
#define _POSIX_C_SOURCE 200809L
#include "models/pool.h"
#include "models/backend.h"
#include "core/conf.h"
#include "core/metrics.h"
#include "core/req.h"
#include "core/settings.h"
#include "core/url.h"
#include "core/util.h"

#include <string.h>

struct pool {
	struct llm_backend b[BACKEND_MAX];
	const char *urls[BACKEND_MAX]; /* as shown and stored: without user:password@ */
	int n;
	struct backend_policy policy;
	long connect_ms, first_token_ms, total_ms, models_timeout_ms;
	int max_attempts;
};

/* The key for one openai: backend: its own from openai_api_keys
 * ("URL KEY, URL KEY"), else openai_api_key. */
static const char *api_key_for(struct arena *a, const struct conf *c, const char *url)
{
	char *list = arena_strdup(a, c->openai_api_keys);
	for (char *save = NULL, *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		char *s2 = NULL;
		char *u = strtok_r(e, " \t", &s2), *key = strtok_r(NULL, " \t", &s2);
		size_t ulen = u ? strlen(u) : 0;
		while (ulen && u[ulen - 1] == '/')
			u[--ulen] = '\0';
		if (u && key && strcmp(u, url) == 0)
			return key;
	}
	return c->openai_api_key;
}

static void pool_load(struct req *r, struct pool *p)
{
	const struct conf *c = r->conf;
	char *list = arena_strdup(&r->arena, c->ollama_url);
	memset(p, 0, sizeof(*p));
	for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok && p->n < BACKEND_MAX;
	     tok = strtok_r(NULL, ", ", &save)) {
		size_t len = strlen(tok);
		while (len && tok[len - 1] == '/')
			tok[--len] = '\0';
		if (!len)
			continue;
		llm_backend_parse(&p->b[p->n], tok, api_key_for(&r->arena, c, tok));
		p->urls[p->n] = url_public(&r->arena, tok);
		p->b[p->n].url = p->urls[p->n];
		p->n++;
	}
	p->connect_ms = c->llm_connect_timeout_ms;
	p->first_token_ms = c->llm_first_token_timeout * 1000;
	p->total_ms = c->llm_timeout * 1000;
	p->models_timeout_ms = c->models_timeout_ms;
	p->max_attempts = (int)c->pool_max_attempts;
	p->policy = (struct backend_policy){
		.breaker_failures = c->breaker_failures,
		.breaker_cooldown_ms = c->breaker_cooldown_ms,
		/* A lease counts as long as its request could still be running. */
		.lease_ms = p->total_ms + 60 * 1000,
		.models_ttl_ms = c->models_ttl_ms,
	};
}

/* Load the pool and make sure the database knows every backend. */
static int pool_open(struct req *r, struct db *db, struct pool *p)
{
	pool_load(r, p);
	if (backend_register(db, p->urls, p->n) < 0)
		fprintf(stderr, "microchat pool: could not record the backends\n");
	return p->n;
}

/* ---- model lists ---- */

/* The model lists of the backends marked in need, fetched all at once;
 * idx[j] is the pool index of out[j]. How many were fetched. */
static int pool_fetch_lists(const struct pool *p, const bool *need, struct llm_model_list *out, int *idx)
{
	struct llm_backend b[BACKEND_MAX];
	int k = 0;
	for (int i = 0; i < p->n; i++)
		if (need[i]) {
			b[k] = p->b[i];
			idx[k++] = i;
		}
	llm_list_models_many(b, k, p->models_timeout_ms, out);
	return k;
}

/* Fetch, all at once, the lists that are due; store what came back. A
 * program that cannot load libcurl (llm_can_fetch) fetches nothing and
 * only says, through *due, that a fetch was due. */
static void pool_refresh(struct db *db, const struct pool *p, enum backend_refresh mode, bool *due)
{
	bool need[BACKEND_MAX];
	if (!llm_can_fetch()) {
		if (backend_refresh_due(db, &p->policy, p->urls, p->n, mode) > 0)
			*due = true;
		return;
	}
	if (backend_claim_refresh(db, &p->policy, p->urls, p->n, mode, need) == 0)
		return;
	struct llm_model_list out[BACKEND_MAX];
	int idx[BACKEND_MAX], k = pool_fetch_lists(p, need, out, idx);
	for (int j = 0; j < k; j++) {
		if (out[j].models)
			backend_models_store(db, p->urls[idx[j]], out[j].models, out[j].latency_ms);
		else
			backend_models_failed(db, &p->policy, p->urls[idx[j]], out[j].error);
		json_decref(out[j].models);
	}
}

json_t *pool_models(struct req *r, struct db *db, bool *fetch_due)
{
	struct pool p;
	bool due = false;
	if (fetch_due)
		*fetch_due = false;
	if (pool_open(r, db, &p) == 0)
		return NULL;
	pool_refresh(db, &p, BACKEND_REFRESH_STALE, &due);
	int usable = 0;
	json_t *merged = backend_models_merged(db, &p.policy, p.urls, p.n, &usable);
	if (usable == 0) {
		/* A cold start: another process may be fetching the lists right
		 * now; rather than answer "none", fetch them here too. */
		json_decref(merged);
		pool_refresh(db, &p, BACKEND_REFRESH_UNKNOWN, &due);
		merged = backend_models_merged(db, &p.policy, p.urls, p.n, &usable);
	}
	if (fetch_due)
		*fetch_due = due;
	if (usable == 0) {
		json_decref(merged);
		return NULL;
	}
	return merged;
}

const char *pool_default_model(struct req *r, struct db *db)
{
	/* The administrator's, else DEFAULT_MODEL (lib/core/settings). */
	const char *m = settings_get(db, r->conf, &r->arena, "default_model");
	if (m && *m)
		return m;
	json_t *list = pool_models(r, db, NULL);
	const char *first = NULL;
	json_t *e;
	size_t i;
	json_array_foreach(list, i, e)
		if (!first && json_is_true(json_object_get(e, "available")))
			first = json_string_value(json_object_get(e, "name"));
	const char *out = first ? arena_strdup(&r->arena, first) : NULL;
	json_decref(list);
	return out;
}

/* Probe, all at once, the backends whose last probe is older than
 * health_probe_ms; every other call reads what the last one recorded. */
static void pool_probe_due(struct req *r, struct db *db, const struct pool *p)
{
	bool need[BACKEND_MAX];
	if (!llm_can_fetch() || backend_claim_probes(db, p->urls, p->n, r->conf->health_probe_ms, need) == 0)
		return;
	struct llm_model_list probe[BACKEND_MAX];
	int idx[BACKEND_MAX], k = pool_fetch_lists(p, need, probe, idx);
	for (int j = 0; j < k; j++) {
		/* A probe is a fetch like any other: it refreshes the cache. */
		backend_probe_record(db, &p->policy, p->urls[idx[j]], probe[j].models, probe[j].latency_ms,
				     probe[j].error);
		json_decref(probe[j].models);
	}
}

json_t *pool_health(struct req *r, struct db *db)
{
	struct pool p;
	json_t *out = json_array();
	if (pool_open(r, db, &p) == 0)
		return out;
	pool_probe_due(r, db, &p);
	for (int i = 0; i < p.n; i++) {
		json_t *o = backend_state_json(db, p.urls[i]), *probe = backend_probe_json(db, p.urls[i]);
		json_object_update(o, probe);
		json_decref(probe);
		json_object_set_new(o, "url", json_string(p.urls[i]));
		json_object_set_new(o, "kind", json_string(p.b[i].kind == LLM_OPENAI ? "openai" : "ollama"));
		json_array_append_new(out, o);
	}
	return out;
}

/* ---- chat ---- */

static void record_attempt(struct req *r, const char *url, const char *model,
			   const struct llm_result *res)
{
	const char *outcome = res->outcome == LLM_DONE ? "done"
			      : res->outcome == LLM_STOPPED ? "stopped"
			      : res->tokens ? "partial" : "error";
	struct metrics_llm_call m = {
		.backend = url, .model = model, .first_token_ms = res->first_token_ms,
		.total_ms = res->total_ms, .prompt_tokens = res->prompt_eval_count,
		.reply_tokens = res->eval_count, .eval_duration_ns = res->eval_duration_ns,
		.outcome = outcome,
		.error_code = res->outcome == LLM_FAILED ? res->error_code : NULL,
	};
	metrics_llm_call(r, &m);
}

/* A backend that sent tokens is working, whatever happened next. */
static enum backend_verdict verdict_of(const struct llm_result *res)
{
	if (llm_blames_backend(res))
		return BACKEND_FAILED;
	return res->outcome == LLM_DONE || res->tokens ? BACKEND_OK : BACKEND_NEUTRAL;
}

/* The answer when not one backend could be tried. */
static void none_available(struct llm_result *res, enum backend_pick why, const char *model)
{
	memset(res, 0, sizeof(*res));
	res->outcome = LLM_FAILED;
	res->first_token_ms = -1;
	if (why == BACKEND_NONE_SERVES) {
		res->fault = LLM_FAULT_NOT_FOUND;
		res->error_code = "not_found";
		snprintf(res->error_message, sizeof(res->error_message),
			 "no backend serves the model %.100s", model);
	} else {
		res->fault = LLM_FAULT_CONNECT;
		res->error_code = "llm_unavailable";
		snprintf(res->error_message, sizeof(res->error_message), "%s",
			 "the backends' state could not be read; try again shortly");
	}
}

/* Pick a backend not tried yet; a model no list has sends the lists to be
 * fetched again once (a model pulled since the last fetch). */
static enum backend_pick pool_pick(struct db *db, const struct pool *p, const bool *tried,
				   const char *model, bool *refetched, int *chosen, int64_t *lease)
{
	enum backend_pick why = backend_pick(db, &p->policy, p->urls, p->n, tried, model, chosen, lease);
	if (why == BACKEND_NONE_SERVES && !*refetched) {
		bool due = false;
		*refetched = true;
		pool_refresh(db, p, BACKEND_REFRESH_FORCE, &due);
		why = backend_pick(db, &p->policy, p->urls, p->n, tried, model, chosen, lease);
	}
	return why;
}

/* One attempt on backend i, within what is left of the time limit. */
static void pool_attempt(struct req *r, struct db *db, const struct pool *p, int i, int64_t lease,
			 int64_t deadline, const char *model, json_t *messages,
			 const struct llm_options *opt, const struct llm_callbacks *cb,
			 struct llm_result *res)
{
	long left = (long)(deadline - util_mono_ms());
	if (left < 1)
		left = 1;
	struct llm_limits lim = { p->connect_ms, p->first_token_ms < left ? p->first_token_ms : left, left };
	if (llm_chat(&p->b[i], model, messages, opt, &lim, cb, res) < 0) {
		memset(res, 0, sizeof(*res));
		res->outcome = LLM_FAILED;
		res->first_token_ms = -1;
		res->error_code = "llm_unavailable";
		snprintf(res->error_message, sizeof(res->error_message), "%s", "the model call could not start");
	}
	if (res->outcome == LLM_FAILED && res->fault == LLM_FAULT_NOT_FOUND)
		backend_model_missing(db, p->urls[i], model);
	backend_release(db, &p->policy, p->urls[i], lease, verdict_of(res), res->first_token_ms,
			res->error_code, res->error_message);
	record_attempt(r, p->urls[i], model, res);
}

static bool worth_another(const struct llm_result *res, int64_t deadline)
{
	/* Once a token reached the user, another backend cannot take over. */
	return res->outcome == LLM_FAILED && res->tokens == 0 && llm_fault_retryable(res->fault) &&
	       util_mono_ms() < deadline;
}

int pool_chat(struct req *r, struct db *db, const char *model, json_t *messages,
	      const struct llm_options *opt, const struct llm_callbacks *cb,
	      struct llm_result *res, struct pool_trace *trace)
{
	memset(trace, 0, sizeof(*trace));
	struct pool p;
	bool due = false;
	if (pool_open(r, db, &p) == 0)
		return -1;
	pool_refresh(db, &p, BACKEND_REFRESH_STALE, &due);
	int64_t deadline = util_mono_ms() + p.total_ms;
	bool tried[BACKEND_MAX] = { false }, refetched = false;
	for (int attempt = 0; attempt < p.max_attempts; attempt++) {
		int i;
		int64_t lease;
		refetched |= attempt > 0; /* lists are fetched again only before the first try */
		enum backend_pick why = pool_pick(db, &p, tried, model, &refetched, &i, &lease);
		if (why != BACKEND_PICKED) {
			if (attempt == 0) {
				trace->none_available = true;
				none_available(res, why, model);
			}
			break;
		}
		tried[i] = true;
		trace->attempts++;
		trace->backend_url = p.urls[i];
		pool_attempt(r, db, &p, i, lease, deadline, model, messages, opt, cb, res);
		if (!worth_another(res, deadline))
			break;
	}
	return 0;
}
