/* audit: the log of what administrators changed (settings, accounts), with
 * who did it and when. */
#include "chat/audit.h"
#include "core/db.h"
#include "core/db_json.h"
#include "core/req.h"

#include <string.h>

/* A system prompt can be long; the list shows its start. */
#define AUDIT_VALUE_SHOWN 200

int audit_record(struct db *db, const struct req_user *actor, const struct audit_entry *e)
{
	return db_exec(db, "INSERT INTO audit_log(actor_id, actor, action, target, old_value, new_value, detail) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "Issssss", actor->id,
		       actor->username ? actor->username : "", e->action, e->target, e->old_value,
		       e->new_value, e->detail);
}

/* A value cut at a character boundary, with an ellipsis when cut. */
static json_t *shown(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	if (!v)
		return json_null();
	size_t n = strlen(v);
	if (n <= AUDIT_VALUE_SHOWN)
		return json_string(v);
	n = AUDIT_VALUE_SHOWN;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	return json_sprintf("%.*s…", (int)n, v);
}

static json_t *audit_row(sqlite3_stmt *st, void *ctx)
{
	(void)ctx;
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
		"at", (const char *)sqlite3_column_text(st, 0),
		"actor", (const char *)sqlite3_column_text(st, 1),
		"action", (const char *)sqlite3_column_text(st, 2),
		"target", (const char *)sqlite3_column_text(st, 3),
		"detail", (const char *)sqlite3_column_text(st, 4),
		"old_value", shown(st, 5), "new_value", shown(st, 6));
}

json_t *audit_json(struct db *db, int limit)
{
	sqlite3_stmt *st = db_query(db, "SELECT at, actor, action, target, detail, old_value, new_value "
				    "FROM audit_log ORDER BY id DESC LIMIT ?1", "i", limit);
	return db_json_rows(st, audit_row, NULL);
}
