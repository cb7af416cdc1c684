/* db_json: the rows of a statement as a JSON array (see db_json.h). */
#include "core/db_json.h"
#include "core/db.h"

json_t *db_json_rows(sqlite3_stmt *st, db_json_row_fn row, void *ctx)
{
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		json_t *v = row(st, ctx);
		if (!v || json_array_append_new(out, v) < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}
