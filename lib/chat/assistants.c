/* assistants: the assistants table (see assistants.h): reading one for a
 * chat, listing them for each audience, and the administrators' edits. */
#include "chat/assistants.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/req.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ORIGINS 20
#define MAX_ACTIONS 8

#define COLUMNS "id, slug, name, name_en, description, description_en, icon, system_prompt, " \
	"system_prompt_en, model, temperature, top_p, num_predict, sources, instant_answers, greeting, " \
	"greeting_en, quick_actions, quick_actions_en, public, enabled, builtin, embed_origins"

enum assistants_audience assistants_audience_of(const struct req_user *u)
{
	if (!u->id || !u->role || strcmp(u->role, "guest") == 0)
		return ASSISTANTS_VISITOR;
	return strcmp(u->role, "admin") == 0 ? ASSISTANTS_ADMIN : ASSISTANTS_MEMBER;
}

bool assistants_slug_valid(const char *slug)
{
	size_t n = strlen(slug);
	return n >= 1 && n <= ASSISTANT_SLUG_MAX && strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* ---- reading ---- */

static unsigned sources_of(const char *json)
{
	unsigned s = 0;
	if (strstr(json, "\"catalog\""))
		s |= ASSISTANT_CATALOG;
	if (strstr(json, "\"directory\""))
		s |= ASSISTANT_DIRECTORY;
	return s;
}

static const char *text_or_null(struct arena *a, sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : db_col_text(a, st, col);
}

static void row(struct arena *a, sqlite3_stmt *st, struct assistant *as)
{
	const char **text[] = { &as->slug, &as->name, &as->name_en, &as->description, &as->description_en,
				&as->icon, &as->system_prompt, &as->system_prompt_en, &as->model };
	as->id = sqlite3_column_int64(st, 0);
	for (size_t i = 0; i < MC_ARRAY_LEN(text); i++)
		*text[i] = db_col_text(a, st, (int)i + 1);
	as->temperature = text_or_null(a, st, 10);
	as->top_p = text_or_null(a, st, 11);
	as->num_predict = text_or_null(a, st, 12);
	as->sources = sources_of((const char *)sqlite3_column_text(st, 13));
	as->instant_answers = sqlite3_column_int(st, 14) != 0;
	as->greeting = db_col_text(a, st, 15);
	as->greeting_en = db_col_text(a, st, 16);
	as->quick_actions = db_col_text(a, st, 17);
	as->quick_actions_en = db_col_text(a, st, 18);
	as->public = sqlite3_column_int(st, 19) != 0;
	as->enabled = sqlite3_column_int(st, 20) != 0;
	as->builtin = sqlite3_column_int(st, 21) != 0;
	as->embed_origins = db_col_text(a, st, 22);
}

static int load(struct arena *a, sqlite3_stmt *st, struct assistant *out)
{
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW)
		row(a, st, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int assistants_by_slug(struct db *db, struct arena *a, const char *slug, struct assistant *out)
{
	memset(out, 0, sizeof(*out));
	return load(a, db_query(db, "SELECT " COLUMNS " FROM assistants WHERE slug = ?1", "s", slug), out);
}

int assistants_by_id(struct db *db, struct arena *a, int64_t id, struct assistant *out)
{
	memset(out, 0, sizeof(*out));
	return load(a, db_query(db, "SELECT " COLUMNS " FROM assistants WHERE id = ?1", "I", id), out);
}

int assistants_refusal(const struct assistant *as, const struct req_user *u)
{
	if (!as->enabled)
		return 404;
	if (!as->public && assistants_audience_of(u) == ASSISTANTS_VISITOR)
		return 403;
	return 0;
}

const char *assistants_text(const char *text, const char *text_en, const char *lang)
{
	if (lang && strcmp(lang, "en") == 0 && text_en && *text_en)
		return text_en;
	return text ? text : "";
}

static json_t *json_text(const char *text)
{
	json_t *v = json_loads(text ? text : "[]", JSON_DISABLE_EOF_CHECK, NULL);
	return v ? v : json_array();
}

static json_t *sources_json(unsigned s)
{
	json_t *list = json_array();
	if (s & ASSISTANT_CATALOG)
		json_array_append_new(list, json_string("catalog"));
	if (s & ASSISTANT_DIRECTORY)
		json_array_append_new(list, json_string("directory"));
	return list;
}

/* A number stored as text, or null (the setting's value applies). */
static json_t *number_or_null(const char *v)
{
	return v ? json_real(strtod(v, NULL)) : json_null();
}

static void add_admin_fields(json_t *o, const struct assistant *as)
{
	json_object_set_new(o, "system_prompt", json_string(as->system_prompt));
	json_object_set_new(o, "system_prompt_en", json_string(as->system_prompt_en));
	json_object_set_new(o, "temperature", number_or_null(as->temperature));
	json_object_set_new(o, "top_p", number_or_null(as->top_p));
	json_object_set_new(o, "num_predict", as->num_predict ?
			    json_integer(strtoll(as->num_predict, NULL, 10)) : json_null());
	json_object_set_new(o, "embed_origins", json_text(as->embed_origins));
	json_object_set_new(o, "builtin", json_boolean(as->builtin));
	/* Both languages, for the editor. */
	json_object_set_new(o, "texts", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
		"name", as->name, "name_en", as->name_en, "description", as->description,
		"description_en", as->description_en, "greeting", as->greeting, "greeting_en", as->greeting_en,
		"quick_actions", json_text(as->quick_actions), "quick_actions_en", json_text(as->quick_actions_en)));
}

json_t *assistants_json(const struct assistant *as, enum assistants_audience audience, const char *lang)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:o,s:b,s:s,s:o,s:s?}",
		"id", (json_int_t)as->id, "slug", as->slug,
		"name", assistants_text(as->name, as->name_en, lang),
		"description", assistants_text(as->description, as->description_en, lang),
		"icon", as->icon, "public", as->public, "enabled", as->enabled,
		"sources", sources_json(as->sources), "instant_answers", as->instant_answers,
		"greeting", assistants_text(as->greeting, as->greeting_en, lang),
		"quick_actions", json_text(lang && strcmp(lang, "en") == 0 && strcmp(as->quick_actions_en, "[]") != 0
					   ? as->quick_actions_en : as->quick_actions),
		"model", *as->model ? as->model : NULL);
	if (o && !*as->model)
		json_object_set_new(o, "model", json_null());
	if (o && audience == ASSISTANTS_ADMIN)
		add_admin_fields(o, as);
	return o;
}

json_t *assistants_list_json(struct db *db, struct arena *a, enum assistants_audience audience,
			     const char *lang)
{
	sqlite3_stmt *st = db_query(db, "SELECT " COLUMNS " FROM assistants "
				    "WHERE ?1 = 2 OR (enabled = 1 AND (public = 1 OR ?1 = 1)) ORDER BY position, id",
				    "i", (int)audience);
	if (!st)
		return NULL;
	json_t *list = json_array();
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		struct assistant as;
		row(a, st, &as);
		json_array_append_new(list, assistants_json(&as, audience, lang));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:o}", "assistants", list);
}

int assistants_public_source(struct db *db, unsigned source)
{
	int64_t n = 0;
	const char *name = source == ASSISTANT_CATALOG ? "catalog" : "directory";
	if (db_int(db, &n, "SELECT count(*) FROM assistants, json_each(assistants.sources) s "
		   "WHERE enabled = 1 AND public = 1 AND s.value = ?1", "s", name) < 0)
		return -1;
	return n > 0;
}

int assistants_may_read(struct db *db, const struct req_user *u, unsigned source)
{
	return assistants_audience_of(u) == ASSISTANTS_VISITOR ? assistants_public_source(db, source) : 1;
}

int assistants_origin_listed(struct db *db, const char *origin)
{
	int64_t n = 0;
	if (db_int(db, &n, "SELECT count(*) FROM assistants, json_each(assistants.embed_origins) o "
		   "WHERE enabled = 1 AND o.value = ?1", "s", origin) < 0)
		return -1;
	return n > 0;
}

int64_t *assistants_users_of(struct db *db, struct arena *a, int64_t id, size_t max, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st = db_query(db, "SELECT DISTINCT user_id FROM conversations WHERE assistant_id = ?1 LIMIT ?2",
				    "II", id, (int64_t)max);
	if (!st)
		return NULL;
	int64_t *ids = arena_alloc(a, (max ? max : 1) * sizeof(*ids));
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc < 0 ? NULL : ids;
}
