/* config: the administrators' settings (default model, sampling, open
 * registration, assistants and visitors, quotas), the account list with
 * disable / enable, the admin role, a password reset, deletion and an
 * account's own quota, and the audit log of every change. The
 * system_prompt of earlier versions is the general assistant's prompt now:
 * read and written here as before. */
#include "chat/accounts.h"
#include "chat/accounts_admin.h"
#include "chat/assistants.h"
#include "core/app.h"
#include "core/cache.h"
#include "core/conf.h"
#include "chat/audit.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_USERS_SHOWN 1000
#define CONFIG_AUDIT_SHOWN 100
#define CONFIG_MAX_SETTINGS 64

/* What the admin page shows of a setting: its value and its rule (kind,
 * range, default), from the one description of every setting (lib/core/conf). */
static bool is_prompt(const struct conf_key *k)
{
	return strcmp(k->name, "system_prompt") == 0;
}

static json_t *schema_json(void)
{
	static const char *const kinds[] = { "text", "model", "integer", "integer", "number", "boolean" };
	json_t *list = json_array();
	const struct conf_key *k;
	for (size_t i = 0; (k = conf_key_at(i)); i++) {
		if (!(k->flags & CONF_ADMIN) && !is_prompt(k))
			continue;
		/* system_prompt is edited here as the general assistant's prompt. */
		json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "key", k->name, "kind", kinds[k->kind],
				      "default", k->def, "about", is_prompt(k) ?
				      "the general assistant's prompt (every assistant has its own)" : k->about);
		if (k->kind == CONF_NUMBER || k->kind == CONF_INT || k->kind == CONF_SIZE || k->kind == CONF_TEXT) {
			if (k->kind != CONF_TEXT)
				json_object_set_new(o, "min", json_real(k->min));
			if (k->max > 0)
				json_object_set_new(o, "max", json_real(k->max));
		}
		json_array_append_new(list, o);
	}
	return list;
}

/* ---- the general assistant's prompt, as "system_prompt" ---- */

static const char *general_prompt(struct req *r, struct db *db)
{
	struct assistant as;
	if (assistants_by_slug(db, &r->arena, ASSISTANTS_GENERAL, &as) != 1)
		return NULL;
	return *as.system_prompt ? as.system_prompt : r->conf->system_prompt;
}

/* The prompt for both languages, as the single prompt it was. */
static int set_general_prompt(struct db *db, const char *prompt)
{
	return db_exec(db, "UPDATE assistants SET system_prompt = ?1, system_prompt_en = '', updated_at = "
		       DB_NOW " WHERE slug = ?2", "ss", prompt, ASSISTANTS_GENERAL);
}

static json_t *config_json(struct req *r, struct db *db)
{
	json_t *body = json_object();
	const char *prompt = general_prompt(r, db);
	if (prompt)
		json_object_set_new(body, "system_prompt", json_string(prompt));
	const struct conf_key *k;
	for (size_t i = 0; (k = conf_key_at(i)); i++)
		if (k->flags & CONF_ADMIN)
			json_object_set_new(body, k->name, settings_json(db, r->conf, &r->arena, k->name));
	json_t *users = accounts_list_json(db, CONFIG_USERS_SHOWN);
	json_t *audit = audit_json(db, CONFIG_AUDIT_SHOWN);
	if (!users || !audit) {
		json_decref(users);
		json_decref(audit);
		json_decref(body);
		return NULL;
	}
	json_object_set_new(body, "users", users);
	json_object_set_new(body, "audit", audit);
	json_object_set_new(body, "settings", schema_json());
	return body;
}

static void show(struct req *r, struct db *db, json_t *changed)
{
	json_t *body = config_json(r, db);
	if (!body) {
		json_decref(changed);
		resp_internal(r, "reading the configuration failed");
		return;
	}
	if (changed)
		json_object_set_new(body, "changed", changed);
	resp_json(r, 200, body);
}

/* ---- settings ---- */

static const char *audit_detail(struct req *r, const struct conf_key *k, const char *old, const char *now)
{
	switch (k->kind) {
	case CONF_TEXT:
		return arena_printf(&r->arena, "%s changed: %zu → %zu bytes", k->name, strlen(old), strlen(now));
	case CONF_MODEL:
		return arena_printf(&r->arena, "%s: \"%s\" → \"%s\"", k->name, old, now);
	case CONF_BOOL:
		return arena_printf(&r->arena, "%s: %s → %s", k->name, strcmp(old, "1") == 0 ? "on" : "off",
				    strcmp(now, "1") == 0 ? "on" : "off");
	default:
		return arena_printf(&r->arena, "%s: %s → %s", k->name, old, now);
	}
}

struct change {
	const struct conf_key *key;
	const char *value; /* as stored */
};

/* Store the values that differ, each with its audit row; the keys changed. */
static json_t *store(struct req *r, struct db *db, const struct change *ch, int n)
{
	json_t *changed = json_array();
	for (int i = 0; i < n; i++) {
		const struct conf_key *k = ch[i].key;
		const char *old = is_prompt(k) ? general_prompt(r, db) : settings_get(db, r->conf, &r->arena, k->name);
		if (old && strcmp(old, ch[i].value) == 0)
			continue;
		struct audit_entry e = { .action = "setting", .target = k->name, .old_value = old,
					 .new_value = ch[i].value, .detail = audit_detail(r, k, old ? old : "", ch[i].value) };
		int rc = is_prompt(k) ? set_general_prompt(db, ch[i].value) : settings_set(db, k->name, ch[i].value, r->user.id);
		if (rc < 0 || audit_record(db, &r->user, &e) < 0) {
			json_decref(changed);
			return NULL;
		}
		json_array_append_new(changed, json_string(k->name));
	}
	return changed;
}

/* default_assistant must name an enabled assistant. */
static bool assistant_exists(struct req *r, struct db *db, const struct conf_key *k, const char *slug)
{
	struct assistant as;
	if (strcmp(k->name, "default_assistant") != 0)
		return true;
	if (assistants_slug_valid(slug) && assistants_by_slug(db, &r->arena, slug, &as) == 1 && as.enabled)
		return true;
	resp_error(r, 400, "invalid_input", "default_assistant must be the slug of an enabled assistant");
	return false;
}

/* The settings given, each checked against its rule; false once refused. */
static bool read_changes(struct req *r, struct db *db, struct change *ch, int *n)
{
	const struct conf_key *k;
	*n = 0;
	for (size_t i = 0; (k = conf_key_at(i)); i++) {
		const char *v = req_field(r, k->name, NULL);
		if (!v || !((k->flags & CONF_ADMIN) || is_prompt(k)))
			continue;
		char canon[CONF_CANON_MAX], rule[96];
		const char *c = conf_canonical(k, v, canon);
		if (!c) {
			conf_rule(k, rule, sizeof(rule));
			resp_error(r, 400, "invalid_input", "%s: %s", k->name, rule);
			return false;
		}
		if (!assistant_exists(r, db, k, c))
			return false;
		ch[*n].key = k;
		ch[(*n)++].value = arena_strdup(&r->arena, c);
	}
	if (*n == 0) {
		resp_error(r, 400, "invalid_input", "nothing to change: give one of the settings "
			   "that GET /cgi-bin/config lists");
		return false;
	}
	return true;
}

static void change_settings(struct req *r, struct db *db)
{
	struct change ch[CONFIG_MAX_SETTINGS];
	int n;
	if (!read_changes(r, db, ch, &n))
		return;
	if (db_begin(db) < 0) {
		resp_internal(r, "starting the change failed");
		return;
	}
	json_t *changed = store(r, db, ch, n);
	if (!changed || db_commit(db) < 0) {
		db_rollback(db);
		json_decref(changed);
		resp_internal(r, "storing the settings failed");
		return;
	}
	/* The model list names the default model: shared answers change. */
	cache_bump(r->conf, 0);
	show(r, db, changed);
}

/* ---- accounts ---- */

static void change_user(struct req *r, struct db *db)
{
	int64_t id, disabled;
	const char *role = req_field(r, "role", NULL);
	if (req_field_int(r, "user_id", 0, 1, INT64_MAX, &id) <= 0 ||
	    req_field_int(r, "disabled", -1, 0, 1, &disabled) < 0 ||
	    (role && strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) ||
	    (disabled < 0 && !role)) {
		resp_error(r, 400, "invalid_input",
			   "action=user needs user_id and disabled (0 or 1) or role (admin or user)");
		return;
	}
	json_t *user;
	switch (accounts_change(db, &r->arena, &r->user, id, (int)disabled, role, &user)) {
	case ACCOUNTS_OK:
		/* Their sessions and role as cached: read again from the database. */
		cache_bump(r->conf, id);
		resp_json(r, 200, json_pack("{s:b,s:o}", "ok", 1, "user", user));
		break;
	case ACCOUNTS_NOT_FOUND:
		resp_error(r, 404, "not_found", "no such account");
		break;
	case ACCOUNTS_LAST_ADMIN:
		resp_error(r, 409, "conflict", "this is the last active administrator: "
			   "make another account admin first");
		break;
	default:
		resp_internal(r, "changing the account failed");
	}
}

/* ---- resets, deletions, quotas ---- */

static bool read_user_id(struct req *r, const char *action, int64_t *id)
{
	if (req_field_int(r, "user_id", 0, 1, INT64_MAX, id) <= 0) {
		resp_error(r, 400, "invalid_input", "action=%s needs user_id", action);
		return false;
	}
	if (*id == r->user.id && strcmp(action, "set_quota") != 0) {
		resp_error(r, 400, "invalid_input", "%s is for other accounts: use your own account page",
			   action);
		return false;
	}
	return true;
}

/* ACCOUNTS_OK is answered by the caller. */
static void refused(struct req *r, enum accounts_result rc)
{
	if (rc == ACCOUNTS_NOT_FOUND)
		resp_error(r, 404, "not_found", "no such account");
	else if (rc == ACCOUNTS_LAST_ADMIN)
		resp_error(r, 409, "conflict", "this is the last active administrator: make another account admin first");
	else
		resp_internal(r, "changing the account failed");
}

static void reset_password(struct req *r, struct db *db)
{
	int64_t id;
	const char *password = NULL;
	if (!read_user_id(r, "reset_password", &id))
		return;
	enum accounts_result rc = accounts_reset_password(db, &r->arena, &r->user, id, &password);
	if (rc != ACCOUNTS_OK) {
		refused(r, rc);
		return;
	}
	/* Their sessions ended: their cached snapshots must not answer. */
	cache_bump(r->conf, id);
	resp_json(r, 200, json_pack("{s:b,s:I,s:s,s:b}", "ok", 1, "user_id", (json_int_t)id,
				     "temporary_password", password, "must_change_password", 1));
}

static void delete_user(struct req *r, struct db *db)
{
	int64_t id;
	if (!read_user_id(r, "delete_user", &id))
		return;
	enum accounts_result rc = accounts_delete(db, &r->arena, &r->user, id);
	if (rc != ACCOUNTS_OK) {
		refused(r, rc);
		return;
	}
	db_forget(db); /* deleted means gone: its conversations leave the WAL too */
	cache_bump(r->conf, id);
	resp_json(r, 200, json_pack("{s:b,s:I}", "ok", 1, "user_id", (json_int_t)id));
}

/* A limit: empty or absent is the setting's (-1), 0 none. */
static int read_limit(struct req *r, const char *name, int64_t *out)
{
	return req_field_int(r, name, -1, 0, 1000000000, out);
}

static void set_quota(struct req *r, struct db *db)
{
	int64_t id, messages, tokens;
	if (!read_user_id(r, "set_quota", &id))
		return;
	if (read_limit(r, "messages_per_day", &messages) < 0 || read_limit(r, "tokens_per_day", &tokens) < 0) {
		resp_error(r, 400, "invalid_input", "messages_per_day and tokens_per_day must be whole numbers "
			   "from 0 (no limit) to 1000000000, or empty for the setting's");
		return;
	}
	enum accounts_result rc = accounts_set_quota(db, &r->arena, &r->user, id, messages, tokens);
	if (rc != ACCOUNTS_OK) {
		refused(r, rc);
		return;
	}
	cache_bump(r->conf, id);
	resp_json(r, 200, json_pack("{s:b,s:I,s:o,s:o}", "ok", 1, "user_id", (json_int_t)id,
		"messages_per_day", messages < 0 ? json_null() : json_integer((json_int_t)messages),
		"tokens_per_day", tokens < 0 ? json_null() : json_integer((json_int_t)tokens)));
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET,POST", APP_ADMIN);
	if (!db)
		return;
	if (!req_is_post(r)) {
		show(r, db, NULL);
		return;
	}
	const char *action = req_field(r, "action", "settings");
	if (strcmp(action, "settings") == 0)
		change_settings(r, db);
	else if (strcmp(action, "user") == 0)
		change_user(r, db);
	else if (strcmp(action, "reset_password") == 0)
		reset_password(r, db);
	else if (strcmp(action, "delete_user") == 0)
		delete_user(r, db);
	else if (strcmp(action, "set_quota") == 0)
		set_quota(r, db);
	else
		resp_error(r, 400, "invalid_input", "action must be settings, user, reset_password, delete_user "
			   "or set_quota");
}

int main(void)
{
	return app_main("config", handle, APP_KIND);
}
