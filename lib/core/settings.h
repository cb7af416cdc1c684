/* settings: what administrators change at run time (the settings marked
 * CONF_ADMIN in lib/core/conf), kept in the database; a stored value wins
 * over the configuration file, the environment and the compiled default. */
#ifndef MC_SETTINGS_H
#define MC_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct conf;
struct db;

/* The effective value as text (an arena copy): the stored one when it is
 * still valid for the setting, else the configuration's. NULL for a key
 * that is not an administrator's setting. */
const char *settings_get(struct db *db, const struct conf *c, struct arena *a, const char *key);
double settings_number(struct db *db, const struct conf *c, struct arena *a, const char *key);
bool settings_bool(struct db *db, const struct conf *c, struct arena *a, const char *key);
/* The effective value as JSON of its kind (string, number, boolean). */
json_t *settings_json(struct db *db, const struct conf *c, struct arena *a, const char *key);
/* Store a value already checked with conf_canonical. */
int settings_set(struct db *db, const char *key, const char *value, int64_t by_user);

#endif
