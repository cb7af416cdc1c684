/* seed: the built-in catalog and office directory (the CSV files of db/seed/, compiled
 * in by db/gen-seed.sh) loaded into whichever of the two is empty. It is
 * what lib/core/schema.h's schema_seed_builtin does for a new database. */
#ifndef MC_SEED_H
#define MC_SEED_H

#include <stdio.h>

struct db;

/* 0, or -1 (a file was refused: the details on log). */
int seed_load_builtin(struct db *db, FILE *log);

#endif
