/* app: what lives as long as the process (configuration, the database
 * connection, the request spool, signals) and the loop that serves one
 * request (CGI) or many (FastCGI). The top of lib/core: it may use every
 * other core module, and none of them uses it. */
#ifndef MC_APP_H
#define MC_APP_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct req;

typedef void (*app_handler)(struct req *r);

enum app_flags {
	APP_NO_DB_CHECK = 1 << 0, /* the program answers without bringing the db to the schema (health) */
	APP_CGI_ONLY = 1 << 1,    /* never run as a persistent worker (chat: see chat.c) */
	APP_HAS_TWIN = 1 << 2,    /* a build with the shared C library waits in ../libexec/ */
};

/* The kind of program being built, as the Makefile names it once
 * (CGI_ONLY_PROGRAMS, TWIN_PROGRAMS) and passes to each program's compile:
 * a program's main() hands it to app_main. */
#ifndef APP_KIND
#define APP_KIND 0
#endif

/* Serve requests with handle until there are no more. The program's
 * main() is just this call. */
int app_main(const char *program, app_handler handle, int flags);

/* Who may ask: anyone, any session (visitors too), an account (a member
 * or an administrator: not a visitor), an administrator. */
enum app_need { APP_ANYONE, APP_USER, APP_ADMIN, APP_MEMBER };

/* The method checked against methods (405 with Allow otherwise) and the
 * fields parsed (400, 413, 415). False once the refusal has been answered. */
bool app_accept(struct req *r, const char *methods);

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
 * that build in ../libexec/. Only a GET of a program built APP_HAS_TWIN is
 * handed over. Returns only if it was not. */
void app_exec_twin(struct req *r);

/* The database, opened on first use and brought once to the schema this
 * build expects (lib/core/schema: a new install's first request creates
 * it). On failure answers 500/503 and returns NULL. */
struct db *app_db(struct req *r);

#endif
