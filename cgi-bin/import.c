/* import: conversations into the user's account from a file, sent as the
 * multipart field "file" or as the JSON body: microchat's own export or a
 * ChatGPT data export's conversations.json. All or nothing: a file that is
 * neither, or with a conversation that cannot be read, is a 400 that says
 * which and why, and imports nothing. */
#include "core/app.h"
#include "chat/import.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

static void answer(struct req *r, enum import_result rc, struct import_report *rep)
{
	if (rc == IMPORT_ERROR) {
		resp_internal(r, "storing the imported conversations failed");
	} else if (rc == IMPORT_UNREADABLE) {
		r->error_code = "invalid_input";
		resp_json(r, 400, json_pack("{s:{s:s,s:s},s:O}", "error", "code", "invalid_input",
					    "message", rep->problem, "errors", rep->errors));
	} else {
		resp_json(r, 200, json_pack("{s:s,s:I,s:i,s:i,s:i,s:O}", "format", rep->format,
			"imported", (json_int_t)json_array_size(rep->conversations), "messages", rep->messages,
			"skipped_messages", rep->skipped_messages, "skipped_attachments", rep->skipped_attachments,
			"conversations", rep->conversations));
	}
}

static void handle(struct req *r)
{
	/* A JSON body is the file itself (it may be a list): read it whole. */
	r->keep_json_body = true;
	struct db *db = app_begin(r, "POST", APP_MEMBER); /* visitors keep what they chat only */
	if (!db)
		return;
	const char *text = r->json_body;
	size_t len = r->json_body_len;
	if (!text) {
		text = req_field(r, "file", NULL);
		len = text ? strlen(text) : 0;
	}
	if (!text || len == 0) {
		resp_error(r, 400, "invalid_input", "send the file as the multipart field \"file\", or as a JSON body");
		return;
	}
	struct import_report rep;
	enum import_result rc = import_text(db, &r->arena, r->user.id, text, len, &rep);
	answer(r, rc, &rep);
	import_report_free(&rep);
}

int main(void)
{
	return app_main("import", handle, APP_KIND);
}
