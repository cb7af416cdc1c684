/* config: the administrators' settings (system prompt, default model,
 * sampling, open registration), the account list with disable / enable and
 * the admin role, and the audit log of every change. */
#include "chat/accounts.h"
#include "core/app.h"
#include "core/cache.h"
#include "chat/audit.h"
#include "core/auth.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/settings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_USERS_SHOWN 1000
#define CONFIG_AUDIT_SHOWN 100
#define CONFIG_PROMPT_MAX 20000

enum kind { TEXT, MODEL, NUMBER, INTEGER, BOOLEAN };

struct setting {
	const char *key;
	enum kind kind;
	double lo, hi;    /* NUMBER, INTEGER */
	const char *def;  /* when the row is missing */
};

/* The same ranges chat.c accepts per message. */
static const struct setting config_settings[] = {
	{ "system_prompt", TEXT, 0, 0, "" },
	{ "default_model", MODEL, 0, 0, "" },
	{ "temperature", NUMBER, 0, 2, "0.7" },
	{ "top_p", NUMBER, 0, 1, "0.9" },
	{ "num_predict", INTEGER, 1, 32768, "1024" },
	{ "open_registration", BOOLEAN, 0, 1, "1" },
};
#define NSETTINGS (sizeof(config_settings) / sizeof(config_settings[0]))

/* ---- reading ---- */

static json_t *setting_json(const struct setting *s, const char *v)
{
	switch (s->kind) {
	case NUMBER: return json_real(strtod(v, NULL));
	case INTEGER: return json_integer((json_int_t)strtoll(v, NULL, 10));
	case BOOLEAN: return json_boolean(strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	default: return json_string(v);
	}
}

static json_t *config_json(struct req *r, struct db *db)
{
	json_t *body = json_object();
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &config_settings[i];
		json_object_set_new(body, s->key, setting_json(s, settings_get(db, &r->arena, s->key, s->def)));
	}
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

static bool model_name_ok(const char *m)
{
	size_t n = strlen(m);
	if (n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/-+@", m[i]))
			return false;
	return true;
}

/* The value as stored, or NULL when it is not acceptable. */
static const char *normalize(struct req *r, const struct setting *s, const char *v)
{
	char *end;
	switch (s->kind) {
	case TEXT:
		return strlen(v) <= CONFIG_PROMPT_MAX ? v : NULL;
	case MODEL:
		return model_name_ok(v) ? v : NULL;
	case NUMBER: {
		double d = strtod(v, &end);
		if (!*v || *end || !isfinite(d) || d < s->lo || d > s->hi)
			return NULL;
		return arena_printf(&r->arena, "%.6g", d);
	}
	case INTEGER: {
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || n < s->lo || n > s->hi)
			return NULL;
		return arena_printf(&r->arena, "%lld", n);
	}
	case BOOLEAN:
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
			return "1";
		if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
			return "0";
		return NULL;
	}
	return NULL;
}

static const char *audit_detail(struct req *r, const struct setting *s, const char *old, const char *now)
{
	switch (s->kind) {
	case TEXT:
		return arena_printf(&r->arena, "%s changed: %zu → %zu bytes", s->key, strlen(old), strlen(now));
	case MODEL:
		return arena_printf(&r->arena, "%s: \"%s\" → \"%s\"", s->key, old, now);
	case BOOLEAN:
		return arena_printf(&r->arena, "%s: %s → %s", s->key, strcmp(old, "1") == 0 ? "on" : "off",
				    strcmp(now, "1") == 0 ? "on" : "off");
	default:
		return arena_printf(&r->arena, "%s: %s → %s", s->key, old, now);
	}
}

/* Store the values that differ, each with its audit row; the keys changed. */
static json_t *store(struct req *r, struct db *db, const char *values[NSETTINGS])
{
	json_t *changed = json_array();
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &config_settings[i];
		const char *old = settings_get(db, &r->arena, s->key, s->def);
		if (!values[i] || strcmp(old, values[i]) == 0)
			continue;
		struct audit_entry e = { .action = "setting", .target = s->key, .old_value = old,
					 .new_value = values[i], .detail = audit_detail(r, s, old, values[i]) };
		if (settings_set(db, s->key, values[i], r->user.id) < 0 || audit_record(db, &r->user, &e) < 0) {
			json_decref(changed);
			return NULL;
		}
		json_array_append_new(changed, json_string(s->key));
	}
	return changed;
}

static void change_settings(struct req *r, struct db *db)
{
	const char *values[NSETTINGS] = { 0 };
	int given = 0;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &config_settings[i];
		const char *v = req_field(r, s->key, NULL);
		if (!v)
			continue;
		values[i] = normalize(r, s, v);
		if (!values[i]) {
			resp_error(r, 400, "invalid_input", "%s: %s", s->key,
				   s->kind == TEXT ? "at most 20000 bytes"
				   : s->kind == MODEL ? "a model name such as llama3.2:1b, or empty"
				   : s->kind == BOOLEAN ? "1 or 0"
				   : arena_printf(&r->arena, "a number from %g to %g", s->lo, s->hi));
			return;
		}
		given++;
	}
	if (!given) {
		resp_error(r, 400, "invalid_input", "nothing to change: give system_prompt, default_model, "
			   "temperature, top_p, num_predict or open_registration");
		return;
	}
	if (db_begin(db) < 0) {
		resp_internal(r, "starting the change failed");
		return;
	}
	json_t *changed = store(r, db, values);
	if (!changed || db_commit(db) < 0) {
		db_rollback(db);
		json_decref(changed);
		resp_internal(r, "storing the settings failed");
		return;
	}
	/* The model list names the default model: shared answers change. */
	cache_bump(app_conf(r->app), 0);
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
		cache_bump(app_conf(r->app), id);
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
	else
		resp_error(r, 400, "invalid_input", "action must be settings or user");
}

int main(void)
{
	return app_main("config", handle, 0);
}
