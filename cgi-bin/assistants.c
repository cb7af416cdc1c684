/* assistants: GET lists the assistants as the one asking may see them
 * (visitors the enabled public ones, members every enabled one, admins all
 * with their prompts and origins), in the language asked for; POST is the
 * administrators' save (create or change, every field checked) and delete. */
#include "chat/assistant_edit.h"
#include "chat/assistants.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/cache.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"

#include <string.h>

#define ASSISTANTS_MAX_FIELDS 32
/* History names a conversation's assistant: the readers' caches to renew
 * when one goes (beyond that, entries expire within cache_max_age_s). */
#define ASSISTANTS_BUMP_MAX 1000

static const char *lang_of(struct req *r)
{
	const char *lang = req_field(r, "lang", "es");
	return strcmp(lang, "en") == 0 ? "en" : "es";
}

static void list(struct req *r, struct db *db)
{
	if (auth_load_user(r, db) < 0) {
		resp_internal(r, "loading the session failed");
		return;
	}
	json_t *body = assistants_list_json(db, &r->arena, assistants_audience_of(&r->user), lang_of(r));
	if (!body) {
		resp_internal(r, "listing the assistants failed");
		return;
	}
	/* The one a new conversation talks to when none is chosen, when this
	 * audience sees it. */
	const char *def = settings_get(db, r->conf, &r->arena, "default_assistant");
	json_t *a;
	size_t i;
	json_array_foreach(json_object_get(body, "assistants"), i, a)
		if (def && strcmp(json_string_value(json_object_get(a, "slug")), def) == 0)
			json_object_set_new(body, "default", json_string(def));
	resp_json(r, 200, body);
}

/* The slug every action names: 400 unless it is one. */
static const char *slug_of(struct req *r)
{
	const char *slug = req_field(r, "slug", "");
	if (assistants_slug_valid(slug))
		return slug;
	resp_error(r, 400, "invalid_input", "slug must be 1 to %d of a-z 0-9 -", ASSISTANT_SLUG_MAX);
	return NULL;
}

/* Every field given, checked; false once one was refused. */
static bool read_changes(struct req *r, struct assistant_edit_change *ch, int *n)
{
	const char *name;
	*n = 0;
	for (size_t i = 0; (name = assistant_edit_field_at(i)) && *n < ASSISTANTS_MAX_FIELDS; i++) {
		const char *value = req_field(r, name, NULL), *why = NULL;
		if (!value)
			continue;
		if (assistant_edit_check(&r->arena, name, value, &ch[*n].stored, &why) < 0) {
			resp_error(r, 400, "invalid_input", "%s", why);
			return false;
		}
		ch[(*n)++].field = name;
	}
	return true;
}

static bool answer_refusal(struct req *r, enum assistant_edit_result res)
{
	switch (res) {
	case ASSISTANT_EDIT_NOT_FOUND:
		resp_error(r, 404, "not_found", "no such assistant");
		return true;
	case ASSISTANT_EDIT_BUILTIN:
		resp_error(r, 409, "conflict", "a built-in assistant can be disabled (enabled=0), not deleted");
		return true;
	case ASSISTANT_EDIT_IS_DEFAULT:
		resp_error(r, 409, "conflict", "this is the default assistant (setting default_assistant): "
			   "choose another default first");
		return true;
	case ASSISTANT_EDIT_ERROR:
		resp_internal(r, "changing the assistant failed");
		return true;
	default:
		return false;
	}
}

static void save(struct req *r, struct db *db, const char *slug)
{
	struct assistant_edit_change ch[ASSISTANTS_MAX_FIELDS];
	int n;
	if (!read_changes(r, ch, &n))
		return;
	const char *default_slug = settings_get(db, r->conf, &r->arena, "default_assistant");
	json_t *out;
	enum assistant_edit_result res = assistant_edit_save(db, &r->arena, &r->user, slug, ch, n, default_slug, &out);
	if (answer_refusal(r, res))
		return;
	resp_json(r, res == ASSISTANT_EDIT_CREATED ? 201 : 200, json_pack("{s:o}", "assistant", out));
}

static void delete(struct req *r, struct db *db, const char *slug)
{
	struct assistant as;
	size_t n = 0;
	int64_t *users = NULL;
	int found = assistants_by_slug(db, &r->arena, slug, &as);
	if (found > 0 && !(users = assistants_users_of(db, &r->arena, as.id, ASSISTANTS_BUMP_MAX, &n)))
		found = -1;
	enum assistant_edit_result res = found < 0 ? ASSISTANT_EDIT_ERROR : !found ? ASSISTANT_EDIT_NOT_FOUND :
		assistant_edit_delete(db, &r->arena, &r->user, slug,
				      settings_get(db, r->conf, &r->arena, "default_assistant"));
	if (answer_refusal(r, res))
		return;
	for (size_t i = 0; i < n; i++)
		cache_bump(r->conf, users[i]);
	resp_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "slug", slug));
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET,POST", req_is_post(r) ? APP_ADMIN : APP_ANYONE);
	if (!db)
		return;
	if (!req_is_post(r)) {
		list(r, db);
		return;
	}
	const char *action = req_field(r, "action", "save"), *slug;
	if (strcmp(action, "save") != 0 && strcmp(action, "delete") != 0)
		resp_error(r, 400, "invalid_input", "action must be save or delete");
	else if (!(slug = slug_of(r)))
		return;
	else if (strcmp(action, "save") == 0)
		save(r, db, slug);
	else
		delete(r, db, slug);
}

int main(void)
{
	return app_main("assistants", handle, APP_KIND);
}
