/* pool: the model backends of OLLAMA_URL (one or several, Ollama or
 * OpenAI-compatible), which one serves a request, and failover. */
#ifndef MC_POOL_H
#define MC_POOL_H

#include <jansson.h>

#include "llm.h"

struct req;
struct db;

/* Stream a chat on a backend that serves model, trying the next one when a
 * backend fails before its first token. *backend_url names the last one
 * tried (arena string). Returns 0 (see res), or -1 when no backend is
 * configured at all. */
int pool_chat(struct req *r, struct db *db, const char *model, json_t *messages,
	      const struct llm_options *opt, const struct llm_callbacks *cb,
	      struct llm_result *res, const char **backend_url);

/* The merged model list (API.md's model objects, each with "backends": [urls]).
 * Returns a new array, or NULL when no backend answers. */
json_t *pool_models(struct req *r, struct db *db);

/* The model to use when a request names none: the configured or admin
 * default, else the first model listed. NULL when none is known. */
const char *pool_default_model(struct req *r, struct db *db);

/* [{"url","ok","latency_ms", ...}] for health. */
json_t *pool_health(struct req *r, struct db *db);

#endif
