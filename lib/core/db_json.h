/* db_json: the rows of a statement as a JSON array, one element a row: the
 * loop every listing wrote for itself (step, append, reset, check). */
#ifndef MC_DB_JSON_H
#define MC_DB_JSON_H

#include <jansson.h>
#include <sqlite3.h>

/* One row (the statement on it) as a JSON value; NULL is an error. */
typedef json_t *(*db_json_row_fn)(sqlite3_stmt *st, void *ctx);

/* The array of row(st, ctx) for every row of st, which is reset after.
 * NULL when st is NULL (its query failed), a step fails or a row gives
 * NULL: the caller answers an error rather than a list with holes. */
json_t *db_json_rows(sqlite3_stmt *st, db_json_row_fn row, void *ctx);

#endif
