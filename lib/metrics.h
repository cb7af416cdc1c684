/* metrics: measurements of every request and model call, written in one
 * short transaction when the request ends; a failure never breaks the answer. */
#ifndef MC_METRICS_H
#define MC_METRICS_H

struct req;
struct db;

/* Record the request (program, method, status, duration, user). */
void metrics_request_end(struct req *r, struct db *db);

#endif
