/* req: one request's context. Everything a request allocates hangs off its
 * arena; req_end() returns the context to a clean state for the next one.
 * What the request needs of its process (configuration, spool, mode)
 * travels here too, so that no module below lib/core/app has to ask it. */
#ifndef MC_REQ_H
#define MC_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/io.h"

struct app;
struct cache_scope;
struct conf;
struct db;
struct spool_writer;

#define REQ_MAX_FIELDS 64
#define REQ_MAX_HEADERS 8
#define REQ_MAX_NAME 64

struct req_field {
	const char *name;
	const char *value; /* NUL-terminated, valid UTF-8 */
	size_t len;
	const char *filename; /* a multipart file's name as sent, or NULL */
};

/* A body over the limit is still read (and dropped) up to this many bytes
 * before the 413 is answered; a larger one is left unread. */
#define REQ_DISCARD_MAX ((size_t)64 * 1024 * 1024)

/* Why a request was refused before any handler saw it. */
struct req_error {
	int status;          /* 400, 405, 413, 415 */
	const char *code;    /* the API error code */
	const char *message;
};

struct req_user {
	int64_t id;        /* 0 = nobody logged in */
	const char *username;
	const char *role;  /* "admin", "user", or "guest" (a visitor, no account) */
	const char *created_at;
	int64_t session_id;
	const char *token; /* the token this request authenticated with */
};

struct req {
	struct arena arena;
	struct io *io;
	struct app *app;          /* the process serving it: lib/core/app's alone */
	const struct conf *conf;  /* the process's configuration (never NULL once begun) */
	struct spool_writer *spool; /* the request spool, open as long as the process */
	bool fastcgi;             /* served by a persistent worker */
	const char *program;      /* "chat", "login"… for logs and metrics */
	int64_t started_ms;       /* monotonic */

	/* From the CGI environment. */
	const char *method;
	const char *query;
	const char *content_type;
	const char *cookie_header;
	const char *host;
	const char *origin;
	const char *remote_addr;
	const char *authorization;
	const char *accept;
	const char *user_agent;
	const char *request_uri;  /* the path (and query) the browser asked for */
	const char *script_name;  /* "/prefix/cgi-bin/NAME": where the site lives */
	bool https;
	size_t content_length;

	struct req_field fields[REQ_MAX_FIELDS];
	int nfields;
	bool body_parsed;
	/* Set before the body is parsed by a program that reads a JSON body
	 * whole (import: it may be an array): the body is kept in json_body
	 * instead of being read as fields. */
	bool keep_json_body;
	const char *json_body;
	size_t json_body_len;
	struct req_error parse_refused; /* why req_parse refused, for a second call (status 0: it did not) */

	struct req_user user;

	/* The answer. */
	int status;
	bool responded;           /* headers sent */
	bool client_gone;         /* a write failed */
	const char *error_code;   /* the API error code sent, if any */
	const char *extra_headers[REQ_MAX_HEADERS];
	int nextra_headers;

	void *metrics;            /* per-request measurements (lib/core/metrics) */

	/* lib/core/cache_req: what this request read and may store through the cache. */
	bool db_used;             /* the database was asked (else the request is spooled) */
	bool cache_user_tried;    /* the session snapshot was looked for */
	struct cache_scope *cache_user;   /* its user's scope, read before the database */
	int64_t cache_user_id;            /* whose scope that is */
	struct cache_scope *cache_shared; /* the shared scope, read before the database */
	const char *cache_key;    /* store the 200 answer under this key */
	int64_t cache_ttl_ms;
	char *answer;             /* the JSON body sent, kept when cache_key is set */
	size_t answer_len;
};


/* Set up a context for a new request read through io. conf must outlive it. */
void req_begin(struct req *r, struct io *io, const char *program, const struct conf *conf);
/* Release what the request allocated; the context can be used again. */
void req_end(struct req *r);

/* Read and parse the body and query string. Returns 0, or -1 with err set
 * (400, 413, 415) for the caller to answer. Idempotent. */
int req_parse(struct req *r, struct req_error *err);

/* Read and drop what is left of an unread body (at most REQ_DISCARD_MAX
 * bytes) once the answer is written. A program that refused a request
 * before reading its body (a wrong method, another origin) must not end
 * with the body unread: Apache's mod_cgid then sees the program's socket
 * reset and the client gets no answer at all. */
void req_drain(struct req *r);

/* The first field of that name (body before query), or def. */
const char *req_field(struct req *r, const char *name, const char *def);
/* Every field of that name in turn (several `file` parts of one upload):
 * start with *pos = 0; NULL after the last. */
const struct req_field *req_field_next(struct req *r, const char *name, int *pos);
/* An integer field: 1 found and valid, 0 absent (out = def), -1 invalid. */
int req_field_int(struct req *r, const char *name, int64_t def,
		  int64_t min, int64_t max, int64_t *out);
/* A decimal field, as req_field_int. */
int req_field_double(struct req *r, const char *name, double def,
		     double min, double max, double *out);
/* A cookie's value, or NULL. */
const char *req_cookie(struct req *r, const char *name);

/* True when the method is in allowed, a comma-separated list such as
 * "GET,POST" (the caller answers 405: lib/core/app). */
bool req_method_allowed(const struct req *r, const char *allowed);
bool req_is_post(const struct req *r);

/* Parsers, exposed for the unit tests and tests/fuzz/fuzz_req. They return 0,
 * or the HTTP status of the problem (400) with *why set. */
int req_parse_urlencoded(struct req *r, const char *s, size_t n, const char **why);
int req_parse_multipart(struct req *r, const char *boundary, const char *s,
			size_t n, const char **why);
int req_parse_json(struct req *r, const char *s, size_t n, const char **why);

#endif
