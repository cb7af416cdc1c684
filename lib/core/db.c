/* db: the SQLite connection, cached prepared statements with bound values,
 * small one-value helpers, short write transactions and migrations. */
#define _POSIX_C_SOURCE 200809L
#include "core/db.h"
#include "core/arena.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DB_CACHE_SIZE 128

struct db_cached {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	struct db_cached cache[DB_CACHE_SIZE];
	int ncache;
	db_commit_fn on_commit;
	void *on_commit_ctx;
};

/* SQLite's own default: checkpoint once the WAL has this many pages. */
#define DB_AUTOCHECKPOINT 1000
/* Setting up a connection that found the file locked: 100 tries, 20 ms apart. */
#define DB_OPEN_TRIES 100
#define DB_OPEN_RETRY_NS 20000000L

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};
/* Generated at build time from db/migrations/NNN_name.sql. */
extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

static void db_log(struct db *db, const char *what, const char *sql)
{
	fprintf(stderr, "microchat db: %s: %s (SQL: %.200s)\n", what,
		sqlite3_errmsg(db->h), sql ? sql : "");
}

/* SQLite calls this after every commit that wrote, once the write lock is
 * released: the one moment a change is visible to every reader. It replaces
 * the default hook, so it also does that hook's job (the auto-checkpoint). */
static int db_wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct db *db = arg;
	if (pages >= DB_AUTOCHECKPOINT)
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (db->on_commit)
		db->on_commit(db->on_commit_ctx);
	return SQLITE_OK;
}

void db_on_commit(struct db *db, db_commit_fn fn, void *ctx)
{
	db->on_commit = fn;
	db->on_commit_ctx = ctx;
}

/* The database and its -wal and -shm files are readable by their owner
 * only, whatever the umask (SQLite gives the other two the database's
 * mode); one made by an older version with a wider mode is narrowed. */
static void db_private_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char file[4096];
	struct stat st;
	for (size_t i = 0; i < MC_ARRAY_LEN(suffix); i++) {
		snprintf(file, sizeof(file), "%s%s", path, suffix[i]);
		if (stat(file, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 077))
			chmod(file, st.st_mode & 0700);
	}
}

/* secure_delete: a deleted row's bytes are overwritten, not left in free
 * pages (with the checkpoint of db_forget, "deleted" means gone). */
static int db_configure(struct db *db)
{
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_wal_hook(db->h, db_wal_hook, db);
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON;";
	/* Turning a brand-new file to WAL while other first requests open it
	 * can answer "locked" at once: that lock is one the busy handler does
	 * not wait for. Measured: 1 in 40 fresh files opened by 8 processes
	 * together. So it is tried again, briefly. */
	for (int tries = 1;; tries++) {
		int rc = sqlite3_exec(db->h, pragmas, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || tries == DB_OPEN_TRIES) {
			db_log(db, "setting pragmas", pragmas);
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = DB_OPEN_RETRY_NS }, NULL);
	}
}

struct db *db_open(const char *path)
{
	struct db *db = xcalloc(1, sizeof(*db));
	/* A new database (and the WAL the pragmas create) is made 0600. */
	mode_t old_mask = umask(077);
	int rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		umask(old_mask);
		fprintf(stderr, "microchat db: cannot open %s: %s\n", path,
			db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		db_close(db);
		return NULL;
	}
	rc = db_configure(db);
	umask(old_mask);
	if (rc < 0) {
		db_close(db);
		return NULL;
	}
	db_private_files(path);
	return db;
}

void db_forget(struct db *db)
{
	/* What the WAL still holds of deleted rows goes into the database
	 * (where secure_delete zeroed them) and the WAL is cut to nothing. */
	if (sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		db_log(db, "checkpoint after a delete", "PRAGMA wal_checkpoint(TRUNCATE)");
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free((char *)db->cache[i].sql);
	}
	sqlite3_close(db->h);
	free(db);
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

static sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
	for (int i = 0; i < db->ncache; i++) {
		if (strcmp(db->cache[i].sql, sql) == 0) {
			sqlite3_reset(db->cache[i].st);
			sqlite3_clear_bindings(db->cache[i].st);
			return db->cache[i].st;
		}
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_log(db, "prepare", sql);
		return NULL;
	}
	if (db->ncache == DB_CACHE_SIZE) { /* full: drop the oldest */
		sqlite3_finalize(db->cache[0].st);
		free((char *)db->cache[0].sql);
		db->ncache--;
		memmove(db->cache, db->cache + 1, sizeof(db->cache[0]) * (size_t)db->ncache);
	}
	db->cache[db->ncache].sql = xstrdup(sql);
	db->cache[db->ncache].st = st;
	db->ncache++;
	return st;
}

static int db_bind(struct db *db, sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc = SQLITE_OK;
	for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
		int col = i + 1;
		switch (types[i]) {
		case 'i': rc = sqlite3_bind_int(st, col, va_arg(ap, int)); break;
		case 'I': rc = sqlite3_bind_int64(st, col, va_arg(ap, int64_t)); break;
		case 'd': rc = sqlite3_bind_double(st, col, va_arg(ap, double)); break;
		case 'n': rc = sqlite3_bind_null(st, col); break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, col);
			break;
		}
		default: util_die("db_bind: unknown type letter '%c'", types[i]);
		}
	}
	if (rc != SQLITE_OK) {
		db_log(db, "bind", sqlite3_sql(st));
		return -1;
	}
	return 0;
}

sqlite3_stmt *db_vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (!st)
		return NULL;
	if (db_bind(db, st, types ? types : "", ap) < 0)
		return NULL;
	return st;
}

sqlite3_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	return st;
}

int db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	sqlite3 *h = sqlite3_db_handle(st);
	fprintf(stderr, "microchat db: step: %s (SQL: %.200s)\n", sqlite3_errmsg(h), sqlite3_sql(st));
	sqlite3_reset(st);
	return -1;
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Run st to its first row: 1 (left for the caller to read), 0 none, -1 error. */
static int first_row(sqlite3_stmt *st)
{
	if (!st)
		return -1;
	int rc = db_step(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	int rc = first_row(st);
	if (rc == 1)
		*out = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return rc;
}

const char *db_col_text(struct arena *a, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (!t)
		return NULL;
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

int db_text(struct db *db, struct arena *a, const char **out, const char *sql,
	    const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	int rc = first_row(st);
	*out = rc == 1 ? db_col_text(a, st, 0) : NULL;
	if (st)
		sqlite3_reset(st);
	return rc;
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE", "");
}

int db_commit(struct db *db)
{
	if (db_exec(db, "COMMIT", "") == 0)
		return 0;
	db_rollback(db);
	return -1;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

int db_schema_latest(void)
{
	int v = 0;
	for (int i = 0; i < db_migrations_count; i++)
		if (db_migrations[i].version > v)
			v = db_migrations[i].version;
	return v;
}

int db_schema_version(struct db *db)
{
	int64_t v = -1;
	if (db_int(db, &v, "PRAGMA user_version", "") != 1)
		return -1;
	return (int)v;
}

/* A migration may rebuild a table (new table, copy, drop, rename), which
 * must not cascade: foreign keys are off while it runs (they cannot be
 * switched inside a transaction) and checked before it commits. */
static int db_apply_sql(struct db *db, const struct db_migration *m)
{
	char *err = NULL;
	if (sqlite3_exec(db->h, m->sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "microchat db: migration %03d_%s failed: %s\n", m->version, m->name,
			err ? err : sqlite3_errmsg(db->h));
		sqlite3_free(err);
		return -1;
	}
	int64_t broken = 0;
	if (db_int(db, &broken, "SELECT count(*) FROM pragma_foreign_key_check", "") != 1 || broken) {
		fprintf(stderr, "microchat db: migration %03d_%s leaves %lld rows pointing nowhere\n",
			m->version, m->name, (long long)broken);
		return -1;
	}
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
	if (sqlite3_exec(db->h, pragma, NULL, NULL, NULL) != SQLITE_OK) {
		db_log(db, "recording the schema version", pragma);
		return -1;
	}
	return 0;
}

/* 1 applied, 0 taken already by another process, -1 failed. */
static int db_apply_locked(struct db *db, const struct db_migration *m)
{
	if (db_begin(db) < 0)
		return -1;
	/* Another process may have taken this step since the version was
	 * read: under the write lock, the file says. */
	int now = db_schema_version(db);
	if (now < 0 || now >= m->version)
		return now < 0 ? -1 : 0;
	if (db_apply_sql(db, m) < 0 || db_commit(db) < 0)
		return -1;
	return 1;
}

static int db_apply(struct db *db, const struct db_migration *m, FILE *log)
{
	sqlite3_exec(db->h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
	int rc = db_apply_locked(db, m);
	db_rollback(db);
	sqlite3_exec(db->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (rc < 0)
		return -1;
	if (rc == 1 && log)
		fprintf(log, "applied migration %03d_%s\n", m->version, m->name);
	return 0;
}

int db_migrate(struct db *db, FILE *log)
{
	int current = db_schema_version(db);
	if (current < 0)
		return -1;
	if (current > db_schema_latest()) {
		fprintf(stderr, "microchat db: the database is at schema %d, newer than this build (%d)\n",
			current, db_schema_latest());
		return -1;
	}
	/* The generated table is sorted by version. */
	for (int i = 0; i < db_migrations_count; i++)
		if (db_migrations[i].version > current && db_apply(db, &db_migrations[i], log) < 0)
			return -1;
	return 0;
}
