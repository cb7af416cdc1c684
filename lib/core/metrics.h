/* metrics: measurements of every request and model call, written in one
 * short transaction when the request ends; a failure never breaks the answer. */
#ifndef MC_METRICS_H
#define MC_METRICS_H

#include <stdint.h>

struct conf;
struct db;
struct req;

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

/* Called by app when a request starts, before its handler. */
void metrics_request_begin(struct req *r);
/* Remember one model call of this request (copied into r's arena). */
void metrics_llm_call(struct req *r, const struct metrics_llm_call *call);
/* Record the request (program, method, status, duration, user) and its
 * model calls, with whatever the spool holds, in one short transaction.
 * Called by app after every request that used the database. */
void metrics_request_end(struct req *r, struct db *db);
/* A request answered without the database: its record goes to the spool
 * (one append; lib/core/spool). 0 done; 1 the caller opens the database and
 * calls metrics_request_end (the spool is due to be folded, or the record
 * could not be spooled). */
int metrics_spool(struct req *r);
/* Move the spool into the tables now, waiting for it if another process
 * holds it (stats, before it counts). */
void metrics_fold(struct req *r, struct db *db);

/* The first Unix second whose measurements are kept (metrics_retention_days
 * whole UTC days before today); older ones are pruned. */
int64_t metrics_keep_from(const struct conf *c, int64_t now_ms);

#endif
