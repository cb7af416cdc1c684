/* settings: the admin-editable values kept in the database (system prompt,
 * default model and sampling, open registration). */
#ifndef MC_SETTINGS_H
#define MC_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

/* The value, an arena copy; def when unset or on error. */
const char *settings_get(struct db *db, struct arena *a, const char *key, const char *def);
double settings_get_double(struct db *db, struct arena *a, const char *key, double def);
bool settings_get_bool(struct db *db, struct arena *a, const char *key, bool def);
int settings_set(struct db *db, const char *key, const char *value, int64_t by_user);

#endif
