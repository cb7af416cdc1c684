/* export: a user's conversations as microchat's own JSON (every message,
 * the versions not on the current path too, so that an import brings back
 * the same conversation) or one as Markdown (its current path, to read). */
#ifndef MC_EXPORT_H
#define MC_EXPORT_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct buf;
struct db;

#define EXPORT_FORMAT "microchat"
#define EXPORT_VERSION 1

/* {"format": "microchat", "version": 1, "exported_at", "conversations":
 * [...]}: the one conversation id (0: all of them, newest first). 1 done,
 * 0 no such conversation of the user's, -1 error. */
int export_json(struct db *db, int64_t user_id, int64_t id, json_t **out);

/* The conversation as Markdown, labels in lang ("es" or "en"), into out;
 * *title gets its title. 1 done, 0 no such conversation, -1 error. */
int export_markdown(struct db *db, struct arena *a, int64_t user_id, int64_t id, const char *lang,
		    struct buf *out, const char **title);

#endif
