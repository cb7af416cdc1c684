/* export: one of the user's conversations as Markdown or JSON, or all of
 * them as JSON, as a file to save (Content-Disposition); the JSON is what
 * /cgi-bin/import reads back. */
#include "core/app.h"
#include "chat/export.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX_MARKDOWN (64 * 1024 * 1024)

/* "microchat-<words of the title>-<id>": ASCII letters and digits only. */
static const char *file_name(struct req *r, const char *title, int64_t id, const char *ext)
{
	char slug[41];
	size_t n = 0;
	for (const char *p = title ? title : ""; *p && n < sizeof(slug) - 1; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (word)
			slug[n++] = c;
		else if (n > 0 && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	while (n > 0 && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	if (!id) {
		char day[21];
		util_iso_time(util_now_ms() / 1000, day);
		day[10] = '\0';
		return arena_printf(&r->arena, "microchat-export-%s.%s", day, ext);
	}
	return arena_printf(&r->arena, "microchat-%s%s%lld.%s", slug, n ? "-" : "", (long long)id, ext);
}

static void as_json(struct req *r, struct db *db, int64_t id)
{
	json_t *body = NULL;
	int rc = export_json(db, r->user.id, id, &body);
	if (rc <= 0) {
		if (rc < 0)
			resp_internal(r, "exporting failed");
		else
			resp_error(r, 404, "not_found", "no such conversation");
		return;
	}
	json_t *first = json_array_get(json_object_get(body, "conversations"), 0);
	const char *name = file_name(r, json_string_value(json_object_get(first, "title")), id, "json");
	char *text = json_dumps(body, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
	json_decref(body);
	if (!text) {
		resp_internal(r, "writing the export failed");
		return;
	}
	resp_download(r, "application/json; charset=utf-8", name, text, strlen(text));
	free(text);
}

static void as_markdown(struct req *r, struct db *db, int64_t id)
{
	struct buf out;
	const char *title = NULL;
	buf_init(&out, EXPORT_MAX_MARKDOWN);
	int rc = export_markdown(db, &r->arena, r->user.id, id, req_field(r, "lang", "es"), &out, &title);
	if (rc < 0)
		resp_internal(r, "exporting failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", "no such conversation");
	else
		resp_download(r, "text/markdown; charset=utf-8", file_name(r, title, id, "md"), buf_str(&out), out.len);
	buf_free(&out);
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_USER);
	if (!db)
		return;
	int64_t id;
	const char *format = req_field(r, "format", "json");
	const char *lang = req_field(r, "lang", "es");
	bool md = strcmp(format, "md") == 0;
	if (req_field_int(r, "id", 0, 1, INT64_MAX, &id) < 0 || (!md && strcmp(format, "json") != 0) ||
	    (strcmp(lang, "es") != 0 && strcmp(lang, "en") != 0)) {
		resp_error(r, 400, "invalid_input", "id must be a conversation id, format md or json, lang es or en");
		return;
	}
	if (md && !id) {
		resp_error(r, 400, "invalid_input", "Markdown is for one conversation: give its id (or use format=json)");
		return;
	}
	if (md)
		as_markdown(r, db, id);
	else
		as_json(r, db, id);
}

int main(void)
{
	return app_main("export", handle, APP_KIND);
}
