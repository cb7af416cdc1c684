/* app: what lives as long as the process (configuration, the database
 * connection, the request spool, signals) and the loop that serves one
 * request (CGI) or many (FastCGI). */
#define _POSIX_C_SOURCE 200809L
#include "core/app.h"
#include "core/auth.h"
#include "core/cache.h"
#include "core/cache_req.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/hosts.h"
#include "core/io.h"
#include "core/io_fcgi.h"
#include "core/metrics.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/schema.h"
#include "core/spool.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct app {
	const char *program;
	int flags;
	struct conf conf;
	bool conf_ok;
	bool fastcgi;
	struct db *db;
	bool schema_checked;
	struct req *current; /* the request being handled, for the commit hook */
	struct spool_writer spool; /* the request spool, kept open (lib/core/metrics) */
};

static void app_reload_conf(struct app *app)
{
	conf_free(&app->conf);
	app->conf_ok = conf_load(&app->conf, NULL) == 0;
	cache_check(&app->conf);
	/* A new file may name another database. */
	db_close(app->db);
	app->db = NULL;
	app->schema_checked = false;
}

/* A commit made while handling a logged-in user's request changed what
 * their cached answers say (their conversations, their sessions). Changes
 * to other accounts or to shared data renew those scopes where they are
 * made (config, microchat-admin). The request log is written after the
 * handler, with no current request, and renews nothing. */
static void app_after_commit(void *arg)
{
	struct app *app = arg;
	if (app->current && app->current->user.id)
		cache_bump(&app->conf, app->current->user.id);
}

/* Query plans that never depend on bound values: otherwise every statement
 * with `col LIKE ?` is compiled again each time it is bound (measured: a
 * third of a history request in a worker went to re-preparing). */
static struct db *app_db_open(struct app *app)
{
	struct db *db = db_open(app->conf.db_path);
	if (db) {
		sqlite3_db_config(db_handle(db), SQLITE_DBCONFIG_ENABLE_QPSG, 1, NULL);
		db_on_commit(db, app_after_commit, app);
	}
	return db;
}

struct db *app_db(struct req *r)
{
	struct app *app = r->app;
	r->db_used = true;
	if (!app->db && !(app->db = app_db_open(app))) {
		resp_internal(r, "cannot open the database");
		return NULL;
	}
	/* Once per process: a plain CGI pays one PRAGMA with every request, a
	 * worker once. The first request of a new install creates the schema. */
	if (!app->schema_checked && !(app->flags & APP_NO_DB_CHECK)) {
		if (schema_ensure(app->db, &app->conf, app->program) < 0) {
			resp_error(r, 503, "internal", "the database could not be prepared; the details are in the server log");
			return NULL;
		}
		app->schema_checked = true;
	}
	return app->db;
}

/* A persistent worker must not carry a transaction, or a statement left
 * mid-result (which pins an old read snapshot), into the next request. */
static void app_db_settle(struct app *app)
{
	if (!app->db)
		return;
	sqlite3 *h = db_handle(app->db);
	for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
	if (!sqlite3_get_autocommit(h)) {
		fprintf(stderr, "microchat %s: the request left a transaction open: rolled back\n",
			app->program);
		db_rollback(app->db);
	}
}

/* A request answered without the database (from the cache, or refused
 * early) is appended to the spool, which a later request folds into the
 * tables; one that used the database writes its record directly. */
static void app_record(struct app *app, struct req *r)
{
	if (!app->conf_ok)
		return;
	if (!r->db_used && metrics_spool(r) == 0)
		return;
	if (!app->db)
		app->db = app_db_open(app);
	if (app->db)
		metrics_request_end(r, app->db);
}

bool app_accept(struct req *r, const char *methods)
{
	if (!req_method_allowed(r, methods)) {
		resp_header(r, arena_printf(&r->arena, "Allow: %s", methods));
		resp_error(r, 405, "method_not_allowed", "method %s not allowed here (use %s)",
			   r->method, methods);
		return false;
	}
	struct req_error err;
	if (req_parse(r, &err) < 0) {
		resp_error(r, err.status, err.code, "%s", err.message);
		return false;
	}
	return true;
}

struct db *app_begin(struct req *r, const char *methods, enum app_need need)
{
	if (!app_accept(r, methods))
		return NULL;
	struct db *db = app_db(r);
	if (!db)
		return NULL;
	if ((need == APP_USER && !auth_require_user(r, db)) ||
	    (need == APP_MEMBER && !auth_require_member(r, db)) ||
	    (need == APP_ADMIN && !auth_require_admin(r, db)))
		return NULL;
	return db;
}

void app_exec_twin(struct req *r)
{
	struct app *app = r->app;
	char self[1024], twin[1200];
	/* Only what the twin is for: a GET (its body, empty, is still unread
	 * by nobody) of a program the Makefile built with one. */
	if (!(app->flags & APP_HAS_TWIN) || strcmp(r->method, "GET") != 0 || app->fastcgi ||
	    r->responded || r->content_length > 0)
		return;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(twin, sizeof(twin), "%s/../libexec/%s", self, app->program);
	/* The request is still whole: the environment, and a GET's empty body.
	 * SQLite opens its files close-on-exec, and no transaction is open. */
	char *argv[] = { twin, NULL };
	execv(twin, argv);
	fprintf(stderr, "microchat %s: cannot run %s (%s): answering from the cached model lists\n",
		app->program, twin, strerror(errno));
}

bool app_answer_cached(struct req *r, const char *methods, enum app_need need, bool shared,
		       const char *key, int64_t ttl_ms)
{
	if (!app_accept(r, methods))
		return true;
	if (strcmp(r->method, "GET") != 0 || !cache_on(r->conf))
		return false;
	/* Who asks, from the session snapshot; on a miss the database decides
	 * (app_begin) and the answer is kept for the next request. */
	bool known = need == APP_ANYONE ||
		     (auth_load_user(r, NULL) == 1 && (need != APP_ADMIN || strcmp(r->user.role, "admin") == 0) &&
		      (need != APP_MEMBER || strcmp(r->user.role, "guest") != 0));
	return cache_req_answer(r, shared, key, ttl_ms, known);
}

/* The operator sees which name was refused, the client what to ask for. */
static void refuse_host(struct req *r)
{
	fprintf(stderr, "microchat %s: refused Host '%.100s': not in allowed_hosts, nor public_url's host\n",
		r->program, r->host);
	resp_error(r, 421, "misdirected_request", "this server does not answer to that host name; "
		   "its administrator lists the names it answers to in allowed_hosts or public_url");
}

/* Answer one request and record it: before a worker finishes the answer
 * (FCGX_Finish) and before a CGI's output ends, so that a client who got to
 * the end of an answer finds it counted in /cgi-bin/stats. */
static void serve_one(struct app *app, struct req *r, struct io *io, app_handler handle)
{
	req_begin(r, io, app->program, &app->conf);
	r->app = app;
	r->spool = &app->spool;
	r->fastcgi = app->fastcgi;
	metrics_request_begin(r);
	app->current = r;
	if (!app->conf_ok)
		resp_internal(r, "the configuration file has errors (see above)");
	else if (!hosts_allowed(r))
		refuse_host(r);
	else if (req_is_post(r) && !auth_origin_ok(r))
		resp_error(r, 403, "forbidden", "cross-origin request refused");
	else
		handle(r);
	if (!r->responded)
		resp_internal(r, "the handler returned without answering");
	req_drain(r);
	app_db_settle(app);
	app->current = NULL;
	cache_req_store(r);
	app_record(app, r);
	req_end(r);
}

/* A worker spawned by the server: one request after another until the
 * server closes the socket, re-reading the configuration when it changes. */
static void serve_fastcgi(struct app *app, struct req *r, app_handler handle)
{
	struct io_fcgi f;
	app->fastcgi = true;
	io_fcgi_open(&f);
	while (io_fcgi_accept(&f) == 0) {
		if (conf_changed(&app->conf))
			app_reload_conf(app);
		serve_one(app, r, &f.io, handle);
		io_fcgi_finish(&f);
	}
	io_fcgi_close(&f);
}

/* lighttpd's mod_cgi sends SIGTERM to a CGI process as soon as it has read
 * the whole answer, which would kill it before the request is recorded.
 * Where the program does not handle SIGTERM itself (chat does: it keeps
 * generating and storing), a plain CGI blocks it for the rest of the
 * process: the program ends by itself a moment later, as a CGI does. A
 * FastCGI worker keeps the default: the server ends it between requests. */
static void app_signals(bool fastcgi)
{
	struct sigaction old;
	signal(SIGPIPE, SIG_IGN);
	if (fastcgi)
		return;
	if (sigaction(SIGTERM, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
	    old.sa_handler == SIG_DFL) {
		sigset_t term;
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, NULL);
	}
}

int app_main(const char *program, app_handler handle, int flags)
{
	static struct app app; /* process lifetime: configuration and connection only */
	struct req r;
	int rc = 0;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena);
	app.program = program;
	app.flags = flags;
	spool_writer_init(&app.spool);
	app.conf_ok = conf_load(&app.conf, NULL) == 0;
	cache_check(&app.conf);
	app_signals(io_fcgi_available());
	if (auth_init() < 0)
		util_die("libsodium failed to initialise");

	if (!io_fcgi_available()) {
		struct io io;
		io_cgi_init(&io);
		io.write_timeout_ms = app.conf.write_timeout_s * 1000;
		serve_one(&app, &r, &io, handle);
	} else if (flags & APP_CGI_ONLY) {
		fprintf(stderr, "microchat %s: runs as plain CGI only (mod_cgi), not as a FastCGI worker\n",
			program);
		rc = 1;
	} else {
		serve_fastcgi(&app, &r, handle);
	}
	arena_free(&r.arena);
	spool_writer_close(&app.spool);
	db_close(app.db);
	conf_free(&app.conf);
	return rc;
}
