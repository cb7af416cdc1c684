/* resp: every header set, JSON answers, the API error envelope and the
 * Server-Sent Events writer. */
#ifndef MC_RESP_H
#define MC_RESP_H

#include <jansson.h>
#include <stdint.h>

struct req;

/* Add a header line ("Name: value") to the next answer. */
void resp_header(struct req *r, const char *line);
/* Send obj (the reference is stolen) as the whole answer. A NULL obj (an
 * answer that could not be built) is answered 500 "internal", never a crash. */
void resp_json(struct req *r, int status, json_t *obj);
/* The same with a body already serialised (an answer from the cache). */
void resp_json_text(struct req *r, int status, const char *body, size_t len);
/* A whole HTML page under its own Content-Security-Policy (which says who
 * may frame it). */
void resp_html(struct req *r, int status, const char *csp, const char *body, size_t len);
/* A whole file to save (export): resp_download_begin, then its body. */
void resp_download(struct req *r, const char *content_type, const char *filename,
		   const char *body, size_t len);
/* The docs/API.md error envelope {"error": {"code", "message"}}. */
void resp_error(struct req *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* 500 "internal" for the client; the detail goes to stderr. */
void resp_internal(struct req *r, const char *detail);
/* 429 "rate_limited" with Retry-After: "too_many; try again in N seconds". */
void resp_retry_later(struct req *r, int64_t seconds, const char *too_many);

/* Start a text/event-stream answer. */
void resp_sse_begin(struct req *r);
/* One event; obj is stolen. Returns -1 once the client has gone. */
int resp_sse_event(struct req *r, const char *event, json_t *obj);
/* A comment line that keeps proxies from timing out (and detects a gone client). */
int resp_sse_ping(struct req *r);

/* Start a download (status 200): its content type, the file name offered
 * (letters, digits, '.', '-' and '_' only; anything else becomes '_') and
 * its length in bytes; the body follows with resp_body. -1 (and nothing
 * sent) when an answer was sent already. */
int resp_download_begin(struct req *r, const char *content_type, const char *filename, size_t length);
/* Part of a download's body. Returns -1 once the client has gone. */
int resp_body(struct req *r, const void *data, size_t n);

const char *resp_status_text(int status);

#endif
