/* settings: what administrators change at run time, kept in the database
 * over the values of lib/core/conf. */
#include "core/settings.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/db.h"

#include <stdlib.h>
#include <string.h>

static const struct conf_key *admin_key(const char *key)
{
	const struct conf_key *k = conf_key_find(key);
	return k && (k->flags & CONF_ADMIN) ? k : NULL;
}

const char *settings_get(struct db *db, const struct conf *c, struct arena *a, const char *key)
{
	const struct conf_key *k = admin_key(key);
	if (!k)
		return NULL;
	const char *v = NULL;
	char canon[CONF_CANON_MAX];
	/* A row written before a rule tightened is ignored, not obeyed. */
	if (db_text(db, a, &v, "SELECT value FROM settings WHERE key = ?1", "s", key) == 1 && v &&
	    (v = conf_canonical(k, v, canon)))
		return arena_strdup(a, v);
	const char *s = conf_string(c, k);
	if (s)
		return arena_strdup(a, s);
	conf_format(c, key, canon, sizeof(canon));
	return arena_strdup(a, canon);
}

double settings_number(struct db *db, const struct conf *c, struct arena *a, const char *key)
{
	const char *v = settings_get(db, c, a, key);
	return v ? strtod(v, NULL) : 0;
}

bool settings_bool(struct db *db, const struct conf *c, struct arena *a, const char *key)
{
	const char *v = settings_get(db, c, a, key);
	return v && strcmp(v, "1") == 0;
}

json_t *settings_json(struct db *db, const struct conf *c, struct arena *a, const char *key)
{
	const struct conf_key *k = admin_key(key);
	const char *v = settings_get(db, c, a, key);
	if (!k || !v)
		return NULL;
	switch (k->kind) {
	case CONF_NUMBER: return json_real(strtod(v, NULL));
	case CONF_INT:
	case CONF_SIZE: return json_integer((json_int_t)strtoll(v, NULL, 10));
	case CONF_BOOL: return json_boolean(strcmp(v, "1") == 0);
	default: return json_string(v);
	}
}

int settings_set(struct db *db, const char *key, const char *value, int64_t by_user)
{
	static const char sql[] =
		"INSERT INTO settings(key, value, updated_by) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, "
		"updated_at = " DB_NOW;
	if (by_user > 0)
		return db_exec(db, sql, "ssI", key, value, by_user);
	return db_exec(db, sql, "ssn", key, value);
}
