/* assistant_edit: what administrators do to assistants (see assistant_edit.h). */
#include "chat/assistant_edit.h"
#include "chat/assistants.h"
#include "chat/audit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ORIGINS 20
#define MAX_ACTIONS 8
#define LIST_SEPARATORS ", \t\r\n"

enum kind { LINE, TEXT, ICON, MODEL, SETTING, BOOL, INT, SOURCES, ACTIONS, ORIGINS };

/* A field, its rule and the one statement that stores it. */
struct field {
	const char *name;
	enum kind kind;
	double min, max;     /* bytes for texts, the range for numbers */
	const char *sql;     /* ?1 the assistant's id, ?2 the value */
};

#define SET(col) "UPDATE assistants SET " col " = ?2, updated_at = " DB_NOW " WHERE id = ?1"

static const struct field fields[] = {
	{ "name", LINE, 1, 80, SET("name") },
	{ "name_en", LINE, 0, 80, SET("name_en") },
	{ "description", TEXT, 0, 500, SET("description") },
	{ "description_en", TEXT, 0, 500, SET("description_en") },
	{ "icon", ICON, 1, 32, SET("icon") },
	{ "system_prompt", TEXT, 0, 20000, SET("system_prompt") },
	{ "system_prompt_en", TEXT, 0, 20000, SET("system_prompt_en") },
	{ "model", MODEL, 0, 0, SET("model") },
	{ "temperature", SETTING, 0, 0, SET("temperature") },
	{ "top_p", SETTING, 0, 0, SET("top_p") },
	{ "num_predict", SETTING, 0, 0, SET("num_predict") },
	{ "sources", SOURCES, 0, 0, SET("sources") },
	{ "instant_answers", BOOL, 0, 0, SET("instant_answers") },
	{ "greeting", TEXT, 0, 2000, SET("greeting") },
	{ "greeting_en", TEXT, 0, 2000, SET("greeting_en") },
	{ "quick_actions", ACTIONS, 0, 0, SET("quick_actions") },
	{ "quick_actions_en", ACTIONS, 0, 0, SET("quick_actions_en") },
	{ "public", BOOL, 0, 0, SET("public") },
	{ "enabled", BOOL, 0, 0, SET("enabled") },
	{ "embed_origins", ORIGINS, 0, 0, SET("embed_origins") },
	{ "position", INT, 0, 10000, SET("position") },
};

const char *assistant_edit_field_at(size_t i)
{
	return i < MC_ARRAY_LEN(fields) ? fields[i].name : NULL;
}

static const struct field *field_named(const char *name)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(fields); i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

/* ---- the rules ---- */

static const char *check_text(struct arena *a, const struct field *f, const char *v, const char **why)
{
	size_t n = strlen(v);
	if (n < (size_t)f->min || n > (size_t)f->max || (f->kind == LINE && strpbrk(v, "\r\n")) ||
	    (f->min > 0 && strspn(v, " \t\r\n") == n)) {
		*why = arena_printf(a, "%s must be %s%.0f to %.0f bytes of text", f->name,
				    f->kind == LINE ? "one line of " : "", f->min, f->max);
		return NULL;
	}
	return v;
}

static const char *check_bool(struct arena *a, const struct field *f, const char *v, const char **why)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on"))
		return "1";
	if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off"))
		return "0";
	*why = arena_printf(a, "%s must be 1 or 0", f->name);
	return NULL;
}

/* A sampling option: empty for the setting's value, else within its rule. */
static const char *check_setting(struct arena *a, const struct field *f, const char *v, const char **why)
{
	if (!*v)
		return NULL;
	const struct conf_key *k = conf_key_find(f->name);
	char canon[CONF_CANON_MAX], rule[96];
	const char *c = k ? conf_canonical(k, v, canon) : NULL;
	if (c)
		return arena_strdup(a, c);
	if (k)
		conf_rule(k, rule, sizeof(rule));
	*why = arena_printf(a, "%s must be empty (the setting's value) or %s", f->name, k ? rule : "a number");
	return NULL;
}

/* A list given as a JSON array of strings or as comma-separated words. */
static int split_list(struct arena *a, const char *v, const char **items, int max)
{
	int n = 0;
	if (*v == '[') {
		json_t *arr = json_loads(v, 0, NULL), *item;
		size_t i;
		if (!json_is_array(arr)) {
			json_decref(arr);
			return -1;
		}
		json_array_foreach(arr, i, item) {
			if (!json_is_string(item) || n == max) {
				json_decref(arr);
				return -1;
			}
			items[n++] = arena_strdup(a, json_string_value(item));
		}
		json_decref(arr);
		return n;
	}
	char *copy = arena_strdup(a, v);
	for (char *p = copy; *p;) {
		p += strspn(p, LIST_SEPARATORS);
		size_t len = strcspn(p, LIST_SEPARATORS);
		if (!len)
			break;
		if (n == max)
			return -1;
		items[n++] = arena_strndup(a, p, len);
		p += len;
	}
	return n;
}

static const char *json_list_text(struct arena *a, const char *const *items, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(items[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	const char *out = arena_strdup(a, s ? s : "[]");
	free(s);
	return out;
}

static const char *check_sources(struct arena *a, const struct field *f, const char *v, const char **why)
{
	const char *items[4], *kept[2];
	int n = split_list(a, v, items, 4), k = 0;
	bool catalog = false, directory = false;
	for (int i = 0; i < n; i++) {
		if (!strcmp(items[i], "catalog"))
			catalog = true;
		else if (!strcmp(items[i], "directory"))
			directory = true;
		else if (strcmp(items[i], "none") != 0)
			n = -1;
	}
	if (n < 0) {
		*why = arena_printf(a, "%s must list catalog, directory, both or none", f->name);
		return NULL;
	}
	if (catalog)
		kept[k++] = "catalog";
	if (directory)
		kept[k++] = "directory";
	return json_list_text(a, kept, k);
}

/* "https://shop.example" or "http://127.0.0.1:8080": a scheme, a host and
 * maybe a port; no path, no wildcard. Answers it in lower case, or NULL. */
static const char *origin_canonical(struct arena *a, const char *v)
{
	char *o = arena_strdup(a, v);
	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	size_t n = strlen(o);
	if (n > 1 && o[n - 1] == '/')
		o[--n] = '\0'; /* "https://shop.example/" is still that origin */
	const char *host = !strncmp(o, "https://", 8) ? o + 8 : !strncmp(o, "http://", 7) ? o + 7 : NULL;
	if (!host || n > 253)
		return NULL;
	size_t h = host[0] == '[' ? strspn(host + 1, "0123456789abcdef:") + 2 :
		   strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789.-");
	if (h == 0 || (host[0] == '[' && host[h - 1] != ']') || host[0] == '.' || host[0] == '-')
		return NULL;
	const char *rest = host + h;
	if (!*rest)
		return o;
	if (rest[0] != ':' || !rest[1] || strspn(rest + 1, "0123456789") != strlen(rest + 1) || strlen(rest + 1) > 5 ||
	    atoi(rest + 1) < 1 || atoi(rest + 1) > 65535)
		return NULL;
	return o;
}

static const char *check_origins(struct arena *a, const struct field *f, const char *v, const char **why)
{
	const char *items[MAX_ORIGINS];
	int n = split_list(a, v, items, MAX_ORIGINS);
	if (n < 0) {
		*why = arena_printf(a, "%s: at most %d origins, separated by commas", f->name, MAX_ORIGINS);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		const char *c = origin_canonical(a, items[i]);
		if (!c) {
			*why = arena_printf(a, "%s: '%.100s' is not an origin such as https://shop.example "
					    "(a scheme and a host, maybe a port, nothing else)", f->name, items[i]);
			return NULL;
		}
		items[i] = c;
	}
	return json_list_text(a, items, n);
}

/* [{"label": 1-40 bytes on one line, "text": 1-500 bytes}], at most 8. */
static const char *check_actions(struct arena *a, const struct field *f, const char *v, const char **why)
{
	json_t *arr = json_loads(*v ? v : "[]", 0, NULL), *item, *out = json_array();
	size_t i;
	bool ok = json_is_array(arr) && json_array_size(arr) <= MAX_ACTIONS;
	json_array_foreach(arr, i, item) {
		const char *label = json_string_value(json_object_get(item, "label"));
		const char *text = json_string_value(json_object_get(item, "text"));
		if (!ok || !label || !text || !*label || strlen(label) > 40 || strpbrk(label, "\r\n") ||
		    !*text || strlen(text) > 500) {
			ok = false;
			break;
		}
		json_array_append_new(out, json_pack("{s:s,s:s}", "label", label, "text", text));
	}
	char *s = ok ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(arr);
	json_decref(out);
	if (!s) {
		*why = arena_printf(a, "%s must be a JSON list of at most %d {\"label\" (1-40 bytes), "
				    "\"text\" (1-500 bytes)}", f->name, MAX_ACTIONS);
		return NULL;
	}
	const char *stored = arena_strdup(a, s);
	free(s);
	return stored;
}

static const char *check_other(struct arena *a, const struct field *f, const char *v, const char **why)
{
	size_t n = strlen(v);
	switch (f->kind) {
	case ICON:
		if (n >= 1 && n <= (size_t)f->max && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") == n)
			return v;
		*why = arena_printf(a, "%s must be an icon name of 1 to 32 of a-z 0-9 -", f->name);
		return NULL;
	case MODEL:
		if (!*v || conf_model_name_ok(v))
			return v;
		*why = arena_printf(a, "%s must be a model name such as llama3.2:1b, or empty", f->name);
		return NULL;
	default: {
		char *end;
		long long x = strtoll(v, &end, 10);
		if (n && !*end && x >= (long long)f->min && x <= (long long)f->max)
			return arena_printf(a, "%lld", x);
		*why = arena_printf(a, "%s must be a whole number from %.0f to %.0f", f->name, f->min, f->max);
		return NULL;
	}
	}
}

int assistant_edit_check(struct arena *a, const char *field, const char *value, const char **stored,
			 const char **why)
{
	const struct field *f = field_named(field);
	if (!f)
		return 0;
	*why = NULL;
	switch (f->kind) {
	case LINE:
	case TEXT: *stored = check_text(a, f, value, why); break;
	case BOOL: *stored = check_bool(a, f, value, why); break;
	case SETTING: *stored = check_setting(a, f, value, why); break;
	case SOURCES: *stored = check_sources(a, f, value, why); break;
	case ORIGINS: *stored = check_origins(a, f, value, why); break;
	case ACTIONS: *stored = check_actions(a, f, value, why); break;
	default: *stored = check_other(a, f, value, why); break;
	}
	return *why ? -1 : 1;
}

/* ---- storing ---- */

static const char *fields_named(struct arena *a, const struct assistant_edit_change *ch, int n)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", ch[i].field);
	const char *s = arena_strdup(a, n ? buf_str(&b) : "nothing");
	buf_free(&b);
	return s;
}

static enum assistant_edit_result apply(struct db *db, struct arena *a, const struct req_user *actor,
					const char *slug, const struct assistant_edit_change *ch, int n,
					const char *default_slug)
{
	struct assistant as;
	int found = assistants_by_slug(db, a, slug, &as);
	if (found < 0)
		return ASSISTANT_EDIT_ERROR;
	if (!found) {
		/* New ones are for members until an administrator says otherwise. */
		if (db_exec(db, "INSERT INTO assistants(slug, name) VALUES (?1, ?1)", "s", slug) < 0)
			return ASSISTANT_EDIT_ERROR;
		as.id = db_last_id(db);
	}
	for (int i = 0; i < n; i++) {
		const struct field *f = field_named(ch[i].field);
		if (!f || db_exec(db, f->sql, "Is", as.id, ch[i].stored) < 0)
			return ASSISTANT_EDIT_ERROR;
	}
	int64_t enabled = 1;
	if (default_slug && strcmp(slug, default_slug) == 0 &&
	    (db_int(db, &enabled, "SELECT enabled FROM assistants WHERE id = ?1", "I", as.id) < 0 || !enabled))
		return enabled ? ASSISTANT_EDIT_ERROR : ASSISTANT_EDIT_IS_DEFAULT;
	struct audit_entry e = {
		.action = found ? "assistant.change" : "assistant.create", .target = slug,
		.detail = arena_printf(a, "%s %s: %s", found ? "changed" : "created", slug, fields_named(a, ch, n)),
	};
	if (audit_record(db, actor, &e) < 0)
		return ASSISTANT_EDIT_ERROR;
	return found ? ASSISTANT_EDIT_OK : ASSISTANT_EDIT_CREATED;
}

enum assistant_edit_result assistant_edit_save(struct db *db, struct arena *a, const struct req_user *actor,
					       const char *slug, const struct assistant_edit_change *ch, int n,
					       const char *default_slug, json_t **out)
{
	*out = NULL;
	if (db_begin(db) < 0)
		return ASSISTANT_EDIT_ERROR;
	enum assistant_edit_result res = apply(db, a, actor, slug, ch, n, default_slug);
	if ((res != ASSISTANT_EDIT_OK && res != ASSISTANT_EDIT_CREATED) || db_commit(db) < 0) {
		db_rollback(db);
		return res == ASSISTANT_EDIT_OK || res == ASSISTANT_EDIT_CREATED ? ASSISTANT_EDIT_ERROR : res;
	}
	struct assistant as;
	if (assistants_by_slug(db, a, slug, &as) != 1 || !(*out = assistants_json(&as, ASSISTANTS_ADMIN, "es")))
		return ASSISTANT_EDIT_ERROR;
	return res;
}

static enum assistant_edit_result remove_one(struct db *db, struct arena *a, const struct req_user *actor,
					     const char *slug, const char *default_slug)
{
	struct assistant as;
	int found = assistants_by_slug(db, a, slug, &as);
	if (found <= 0)
		return found < 0 ? ASSISTANT_EDIT_ERROR : ASSISTANT_EDIT_NOT_FOUND;
	if (as.builtin)
		return ASSISTANT_EDIT_BUILTIN;
	if (default_slug && strcmp(slug, default_slug) == 0)
		return ASSISTANT_EDIT_IS_DEFAULT;
	struct audit_entry e = { .action = "assistant.delete", .target = slug,
				 .detail = arena_printf(a, "deleted %s", slug) };
	if (db_exec(db, "DELETE FROM assistants WHERE id = ?1", "I", as.id) < 0 || audit_record(db, actor, &e) < 0)
		return ASSISTANT_EDIT_ERROR;
	return ASSISTANT_EDIT_OK;
}

enum assistant_edit_result assistant_edit_delete(struct db *db, struct arena *a, const struct req_user *actor,
						 const char *slug, const char *default_slug)
{
	if (db_begin(db) < 0)
		return ASSISTANT_EDIT_ERROR;
	enum assistant_edit_result res = remove_one(db, a, actor, slug, default_slug);
	if (res != ASSISTANT_EDIT_OK || db_commit(db) < 0) {
		db_rollback(db);
		return res == ASSISTANT_EDIT_OK ? ASSISTANT_EDIT_ERROR : res;
	}
	return res;
}
