/* pool: the model backends of OLLAMA_URL (one or several, Ollama or
 * OpenAI-compatible), which one serves a request, and failover. */
#define _POSIX_C_SOURCE 200809L
#include "pool.h"
#include "app.h"
#include "conf.h"
#include "metrics.h"
#include "req.h"
#include "settings.h"
#include "util.h"

#include <string.h>

#define POOL_MAX 16
#define POOL_LIST_TIMEOUT_MS 1500

struct pool {
	struct llm_backend b[POOL_MAX];
	int n;
};

static void pool_load(struct req *r, struct pool *p)
{
	const struct conf *c = app_conf(r->app);
	char *list = arena_strdup(&r->arena, c->ollama_url);
	p->n = 0;
	for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok && p->n < POOL_MAX;
	     tok = strtok_r(NULL, ", ", &save)) {
		size_t len = strlen(tok);
		while (len && tok[len - 1] == '/')
			tok[--len] = '\0';
		if (len)
			llm_backend_parse(&p->b[p->n++], tok, c->openai_api_key);
	}
}

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

int pool_chat(struct req *r, struct db *db, const char *model, json_t *messages,
	      const struct llm_options *opt, const struct llm_callbacks *cb,
	      struct llm_result *res, const char **backend_url)
{
	(void)db;
	struct pool p;
	pool_load(r, &p);
	if (p.n == 0)
		return -1;
	const struct conf *c = app_conf(r->app);
	struct llm_limits lim = { c->llm_connect_timeout_ms, c->llm_first_token_timeout, c->llm_timeout };
	for (int i = 0; i < p.n; i++) {
		*backend_url = p.b[i].url;
		if (llm_chat(&p.b[i], model, messages, opt, &lim, cb, res) < 0)
			return -1;
		record_attempt(r, p.b[i].url, model, res);
		/* Once a token reached the user, another backend cannot take over. */
		if (res->outcome != LLM_FAILED || res->tokens > 0)
			break;
	}
	return 0;
}

static json_t *find_model(json_t *list, const char *name)
{
	json_t *m;
	size_t i;
	json_array_foreach(list, i, m)
		if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
			return m;
	return NULL;
}

json_t *pool_models(struct req *r, struct db *db)
{
	(void)db;
	struct pool p;
	pool_load(r, &p);
	json_t *merged = json_array();
	int answered = 0;
	for (int i = 0; i < p.n; i++) {
		char err[256];
		json_t *list = llm_list_models(&p.b[i], POOL_LIST_TIMEOUT_MS, err, sizeof(err));
		if (!list)
			continue;
		answered++;
		json_t *m;
		size_t k;
		json_array_foreach(list, k, m) {
			const char *name = json_string_value(json_object_get(m, "name"));
			json_t *have = find_model(merged, name);
			if (!have) {
				have = json_deep_copy(m);
				json_object_set_new(have, "backends", json_array());
				json_array_append_new(merged, have);
			}
			json_array_append_new(json_object_get(have, "backends"), json_string(p.b[i].url));
		}
		json_decref(list);
	}
	if (!answered) {
		json_decref(merged);
		return NULL;
	}
	return merged;
}

const char *pool_default_model(struct req *r, struct db *db)
{
	const char *m = settings_get(db, &r->arena, "default_model", "");
	if (m && *m)
		return m;
	m = app_conf(r->app)->default_model;
	if (m && *m)
		return m;
	json_t *list = pool_models(r, db);
	const char *first = json_string_value(json_object_get(json_array_get(list, 0), "name"));
	const char *out = first ? arena_strdup(&r->arena, first) : NULL;
	json_decref(list);
	return out;
}

json_t *pool_health(struct req *r, struct db *db)
{
	(void)db;
	struct pool p;
	pool_load(r, &p);
	json_t *out = json_array();
	for (int i = 0; i < p.n; i++) {
		char err[256];
		int64_t t0 = util_mono_ms();
		json_t *list = llm_list_models(&p.b[i], POOL_LIST_TIMEOUT_MS, err, sizeof(err));
		json_array_append_new(out, json_pack("{s:s,s:b,s:I}", "url", p.b[i].url,
			"ok", list != NULL, "latency_ms", (json_int_t)(util_mono_ms() - t0)));
		json_decref(list);
	}
	return out;
}
