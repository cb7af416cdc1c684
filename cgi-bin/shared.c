/* shared: a conversation shared as a read-only link, for anyone holding
 * its token, without logging in: its title and the messages up to where it
 * was shared, with the cards the replies showed; nothing of the owner's
 * (ids, ratings). Never cached: a revoked link must stop at once. */
#include "core/app.h"
#include "assistant/assist_history.h"
#include "chat/share.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

/* Only what a reader of the page needs. */
static void leave_out_the_owners(json_t *messages)
{
	static const char *const owners[] = { "id", "parent_id", "feedback", "versions", "version_index" };
	json_t *m;
	size_t i;
	json_array_foreach(messages, i, m)
		for (size_t k = 0; k < sizeof(owners) / sizeof(owners[0]); k++)
			json_object_del(m, owners[k]);
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_ANYONE);
	if (!db)
		return;
	const char *token = req_field(r, "token", "");
	int64_t conversation_id = 0;
	json_t *body = NULL;
	int rc = share_find(db, token, &conversation_id, &body);
	if (rc < 0) {
		resp_internal(r, "reading the shared conversation failed");
		return;
	}
	if (rc == 0) {
		resp_error(r, 404, "not_found", "no such link: it was revoked, or the conversation deleted");
		return;
	}
	json_t *messages = json_object_get(body, "messages");
	if (assist_history_attach(db, &r->arena, conversation_id, messages) < 0) {
		json_decref(body);
		resp_internal(r, "reading the cards of the shared conversation failed");
		return;
	}
	leave_out_the_owners(messages);
	resp_header(r, "X-Robots-Tag: noindex, nofollow");
	resp_json(r, 200, body);
}

int main(void)
{
	return app_main("shared", handle, APP_KIND);
}
