/* metrics: measurements of every request and model call, written in one
 * short transaction when the request ends; a failure never breaks the answer. */
#ifndef MC_METRICS_H
#define MC_METRICS_H

#include <stdint.h>

struct req;
struct db;

struct metrics_llm_call {
	const char *backend;      /* the backend's URL as configured */
	const char *model;
	int64_t first_token_ms;   /* -1: no token came */
	int64_t total_ms;
	long prompt_tokens;       /* from the model's final line */
	long reply_tokens;
	int64_t eval_duration_ns; /* the model's own generation time, 0 if unknown */
	const char *outcome;      /* "done", "stopped", "partial", "error" */
	const char *error_code;   /* NULL when none */
};

/* Remember one model call of this request (copied into r's arena). */
void metrics_llm_call(struct req *r, const struct metrics_llm_call *call);
/* Record the request (program, method, status, duration, user) and its
 * model calls. Called by app after every request. */
void metrics_request_end(struct req *r, struct db *db);

#endif
