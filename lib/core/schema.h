/* schema: the database brought to the schema this build expects, by the
 * first request that finds it older or absent (a shared host may give no
 * shell to run `microchat-admin migrate`), under a lock file beside it
 * that concurrent first requests wait on. A database created so gets the
 * built-in seed data unless first_run_seed is off. */
#ifndef MC_SCHEMA_H
#define MC_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>

struct conf;
struct db;

/* Nothing to do when the file is at the schema already (one PRAGMA);
 * otherwise every pending migration under the lock, then the seed data
 * into a new database. Progress and failures go to stderr, prefixed with
 * who. Returns 0 at the schema, -1 when it could not be reached (a newer
 * file, a failed migration, no lock). */
int schema_ensure(struct db *db, const struct conf *c, const char *who);

/* The operator's `microchat-admin migrate`: the same steps under the same
 * lock, progress to log; seed as asked. 0 or -1. */
int schema_migrate(struct db *db, const struct conf *c, FILE *log, bool seed);

/* Load the built-in catalog and office directory into whichever of the two
 * is empty; progress to log. lib/core names this step but cannot do it
 * (the CSV importer belongs to lib/data): lib/data/seed.c defines it, and
 * a program's link joins the two, so no core file includes a header from
 * above. Returns 0, or -1 (logged; the database stays usable). */
int schema_seed_builtin(struct db *db, FILE *log);

#endif
