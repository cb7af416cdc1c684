/* app: what lives as long as the process (configuration, the database
 * connection) and the loop that serves one request (CGI) or many (FastCGI). */
#ifndef MC_APP_H
#define MC_APP_H

#include <stdbool.h>
#include <stdint.h>

struct app;
struct conf;
struct db;
struct req;
struct spool_writer;

typedef void (*app_handler)(struct req *r);

enum app_flags {
	APP_NO_DB_CHECK = 1 << 0, /* the program answers even without a migrated db (health) */
	APP_CGI_ONLY = 1 << 1,    /* never run as a persistent worker (chat: see chat.c) */
};

/* Serve requests with handle until there are no more. The program's
 * main() is just this call. */
int app_main(const char *program, app_handler handle, int flags);

const struct conf *app_conf(struct app *app);
/* The request spool's writer, open as long as the process (lib/core/spool). */
struct spool_writer *app_spool(struct app *app);
bool app_is_fastcgi(const struct app *app);

enum app_need { APP_ANYONE, APP_USER, APP_ADMIN };

/* How a program starts: its methods allowed, the fields parsed, the
 * database opened and, as asked, a logged-in user or an administrator.
 * Returns the database, or NULL once the refusal has been answered. */
struct db *app_begin(struct req *r, const char *methods, enum app_need need);

/* Before app_begin, for a GET answered from the cache when it can be: the
 * user from their session snapshot (need), then the answer kept under key
 * in the user's scope, or the shared one. True when answered (or refused);
 * otherwise the program answers from the database and its 200 answer is
 * kept (lib/core/cache_req). */
bool app_answer_cached(struct req *r, const char *methods, enum app_need need, bool shared,
		       const char *key, int64_t ttl_ms);

/* A plain CGI built fully static that needs what only its build with the
 * shared C library can do (libcurl) hands the request, not yet answered, to
 * that build in ../libexec/. Returns only if it could not. */
void app_exec_twin(struct req *r);

/* The database, opened on first use and checked once against the schema
 * this build expects. On failure answers 500/503 and returns NULL. */
struct db *req_db(struct req *r);

#endif
