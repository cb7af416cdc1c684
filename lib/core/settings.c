/* settings: the admin-editable values kept in the database (system prompt,
 * default model and sampling, open registration). */
#include "core/settings.h"
#include "core/db.h"

#include <stdlib.h>
#include <string.h>

const char *settings_get(struct db *db, struct arena *a, const char *key, const char *def)
{
	const char *v = NULL;
	if (db_text(db, a, &v, "SELECT value FROM settings WHERE key = ?1", "s", key) != 1 || !v)
		return def;
	return v;
}

double settings_get_double(struct db *db, struct arena *a, const char *key, double def)
{
	const char *v = settings_get(db, a, key, NULL);
	if (!v || !*v)
		return def;
	char *end;
	double d = strtod(v, &end);
	return *end ? def : d;
}

bool settings_get_bool(struct db *db, struct arena *a, const char *key, bool def)
{
	const char *v = settings_get(db, a, key, NULL);
	if (!v || !*v)
		return def;
	return strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
}

int settings_set(struct db *db, const char *key, const char *value, int64_t by_user)
{
	static const char sql[] =
		"INSERT INTO settings(key, value, updated_by) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, "
		"updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
	if (by_user > 0)
		return db_exec(db, sql, "ssI", key, value, by_user);
	return db_exec(db, sql, "ssn", key, value);
}
