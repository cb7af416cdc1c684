/* metrics: measurements of every request and model call, written in one
 * short transaction when the request ends; a failure never breaks the answer. */
#include "metrics.h"
#include "req.h"

void metrics_llm_call(struct req *r, const struct metrics_llm_call *call)
{
	/* The storage lands with the operations schema (issue 4). */
	(void)r;
	(void)call;
}

void metrics_request_end(struct req *r, struct db *db)
{
	(void)r;
	(void)db;
}
