/* llm: one model call on one backend over libcurl, Ollama (/api/tags, and
 * /api/chat streamed as NDJSON) or OpenAI-compatible (/v1/models, and
 * /v1/chat/completions streamed as Server-Sent Events), with connect,
 * first-token and total timeouts and a tick every 100 ms for the caller
 * (cancel, partial saves, pings). */
#ifndef MC_LLM_H
#define MC_LLM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum llm_kind { LLM_OLLAMA, LLM_OPENAI };

struct llm_backend {
	const char *url;      /* as configured, e.g. "http://127.0.0.1:11434" */
	const char *base;     /* without the "openai:" prefix */
	enum llm_kind kind;
	const char *api_key;  /* openai: Bearer key, or NULL */
};

struct llm_options {
	double temperature;   /* < 0: not sent */
	double top_p;         /* < 0: not sent */
	long num_predict;     /* <= 0: not sent */
	long num_ctx;         /* <= 0: not sent */
};

struct llm_limits {
	long connect_ms;
	long first_token_ms;  /* until the first token (or the end of a reply without any) */
	long total_ms;        /* the whole call */
};

enum llm_outcome {
	LLM_DONE,      /* the model finished */
	LLM_STOPPED,   /* the caller asked to stop */
	LLM_FAILED,    /* see error_code and fault */
};

/* What went wrong, for the pool: whether another backend may do better and
 * (with the tokens and status, llm_blames_backend) whether its circuit
 * breaker counts it. */
enum llm_fault {
	LLM_FAULT_NONE,
	LLM_FAULT_CONNECT,     /* no connection: refused, unreachable, connect timeout */
	LLM_FAULT_TIMEOUT,     /* first-token or total time limit */
	LLM_FAULT_SERVER,      /* HTTP 5xx, 408, 429 */
	LLM_FAULT_AUTH,        /* HTTP 401/403: this backend's key is wrong */
	LLM_FAULT_NOT_FOUND,   /* HTTP 404: this backend lacks the model */
	LLM_FAULT_REQUEST,     /* other 4xx: the request itself is refused */
	LLM_FAULT_STREAM,      /* drop, malformed line, error line, cut stream */
};

struct llm_result {
	enum llm_outcome outcome;
	const char *error_code;   /* "llm_unavailable", "llm_timeout", "not_found" */
	enum llm_fault fault;
	char error_message[256];
	bool connected;           /* the backend answered at all */
	long http_status;
	size_t tokens;            /* chunks with content received */
	int64_t first_token_ms;   /* -1 when none came */
	int64_t total_ms;
	long prompt_eval_count;
	long eval_count;
	int64_t eval_duration_ns;
	char done_reason[32];
};

struct llm_callbacks {
	void *ctx;
	/* One chunk of the reply; return nonzero to stop. */
	int (*on_token)(void *ctx, const char *text, size_t len);
	/* Called about every 100 ms; return nonzero to stop. */
	int (*on_tick)(void *ctx);
};

/* Parse "http://h:p" or "openai:http://h:p/v1" into b (strings kept as given). */
void llm_backend_parse(struct llm_backend *b, const char *url, const char *api_key);
/* False in a fully static program, which cannot load libcurl (Makefile:
 * FULL_STATIC); lib/models/pool hands such a request to the program's twin. */
bool llm_can_fetch(void);

/* Stream a chat. messages is a JSON array of {"role","content"}. Returns 0
 * when the call ended (see res->outcome), -1 only on a local failure. */
int llm_chat(const struct llm_backend *b, const char *model, json_t *messages,
	     const struct llm_options *opt, const struct llm_limits *lim,
	     const struct llm_callbacks *cb, struct llm_result *res);

struct llm_model_list {
	json_t *models;       /* new array, or NULL when the backend failed */
	int64_t latency_ms;
	enum llm_fault fault;
	char error[128];
};

/* The models each of n backends serves, normalised to docs/API.md's model
 * objects ({"name","size","family","parameter_size","quantization_level",
 * "modified_at"}), fetched all at once so the slowest costs timeout_ms and
 * not the sum. out[i] belongs to b[i]; free each models. */
void llm_list_models_many(const struct llm_backend *b, int n, long timeout_ms,
			  struct llm_model_list *out);

/* Whether a retry on another backend may succeed where this one failed. */
bool llm_fault_retryable(enum llm_fault f);
/* Whether a failed call is the backend's own fault, the kind its circuit
 * breaker counts: no connection, nothing within the first-token limit,
 * HTTP 5xx or a refused key, all before any token. What one user's prompt
 * can provoke does not count: a failure after tokens flowed (a whole-reply
 * timeout included), an error or malformed line, a cut stream, an unknown
 * model, a refused request. */
bool llm_blames_backend(const struct llm_result *res);

#endif
