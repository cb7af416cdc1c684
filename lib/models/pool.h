/* pool: the model backends of OLLAMA_URL (one or several, Ollama or
 * OpenAI-compatible) as one: which backend serves a request (by model,
 * fewest in flight, round-robin), failover before the first token, the
 * merged model list and health. Their shared state is lib/models/backend. */
#ifndef MC_POOL_H
#define MC_POOL_H

#include <jansson.h>
#include <stdbool.h>

#include "models/llm.h"

struct req;
struct db;

/* How a chat went through the pool. */
struct pool_trace {
	const char *backend_url;  /* the last backend tried, or NULL */
	int attempts;             /* backends tried */
	bool none_available;      /* no backend could be tried at all */
};

/* Stream a chat on a backend that serves model, trying the next one when a
 * backend fails before its first token (at most pool_max_attempts, all
 * within llm_timeout). Returns 0 (see res and trace), or -1 when no backend
 * is configured at all. */
int pool_chat(struct req *r, struct db *db, const char *model, json_t *messages,
	      const struct llm_options *opt, const struct llm_callbacks *cb,
	      struct llm_result *res, struct pool_trace *trace);

/* The merged model list (docs/API.md's model objects, each with "backends": [urls]
 * and "available"), from the cache; stale lists are fetched again first, all
 * at once, skipping backends whose breaker is open. Returns a new array, or
 * NULL when no backend that lets requests through has ever listed its models.
 * A program that cannot load libcurl (llm_can_fetch) answers from the
 * cached lists and sets *fetch_due (when not NULL) if a fetch was due. */
json_t *pool_models(struct req *r, struct db *db, bool *fetch_due);

/* The model to use when a request names none: the configured or admin
 * default, else the first model listed. NULL when none is known. */
const char *pool_default_model(struct req *r, struct db *db);

/* For health: [{"url","ok","latency_ms","checked_at","state","in_flight",...}]
 * from what was recorded; the backends whose last probe is older than
 * health_probe_ms are probed first (all at once, models_timeout_ms at
 * most), so a burst of calls costs one probe and writes nothing else. */
json_t *pool_health(struct req *r, struct db *db);

#endif
