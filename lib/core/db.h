/* db: the SQLite connection, cached prepared statements with bound values,
 * small one-value helpers, short write transactions and migrations. */
#ifndef MC_DB_H
#define MC_DB_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct db;

/* SQL for the current UTC time as the schema stores times (the columns'
 * own DEFAULT), for a statement that sets one. */
#define DB_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* Open with WAL, busy_timeout, foreign keys, secure_delete and the
 * defensive flag; the files are made (or narrowed to) 0600. Returns NULL
 * (and the reason on stderr) when the file cannot be opened. */
struct db *db_open(const char *path);
/* After deleting what a user asked to forget: the WAL checkpointed and
 * truncated, so the deleted bytes are in neither file. */
void db_forget(struct db *db);
void db_close(struct db *db);
/* Call fn(ctx) after every commit that changed the database (NULL: none). */
typedef void (*db_commit_fn)(void *ctx);
void db_on_commit(struct db *db, db_commit_fn fn, void *ctx);
sqlite3 *db_handle(struct db *db);

/* Bind types, one letter per value: i int, I int64_t, d double,
 * s const char * (NULL binds NULL), n NULL (no argument). */

/* A cached statement, reset and bound, ready for db_step; NULL on error. */
sqlite3_stmt *db_query(struct db *db, const char *sql, const char *types, ...);
sqlite3_stmt *db_vquery(struct db *db, const char *sql, const char *types, va_list ap);
/* SQLITE_ROW, SQLITE_DONE, or -1 (logged) on error. */
int db_step(sqlite3_stmt *st);
/* Run to completion: 0, or -1 on error. */
int db_exec(struct db *db, const char *sql, const char *types, ...);
/* The first column of the first row: 1 found, 0 no row, -1 error. */
int db_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);
int db_text(struct db *db, struct arena *a, const char **out, const char *sql,
	    const char *types, ...);
/* A column as an arena copy; NULL for SQL NULL. */
const char *db_col_text(struct arena *a, sqlite3_stmt *st, int col);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
int64_t db_last_id(struct db *db);
int db_changes(struct db *db);

/* Schema version this build expects, and the one in the file. */
int db_schema_latest(void);
int db_schema_version(struct db *db);
/* Apply every pending migration, each in its own transaction; progress
 * goes to log (may be NULL). Returns 0, or -1 with the failure on stderr. */
int db_migrate(struct db *db, FILE *log);

#endif
