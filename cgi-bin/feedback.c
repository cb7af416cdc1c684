/* feedback: rate a reply of yours thumbs up or down, with an optional
 * comment, or take the rating back (rating=none). The dashboard counts
 * them by model, intent and assistant and lists the latest "down" ones. */
#include "core/app.h"
#include "chat/feedback.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "POST", APP_USER);
	if (!db)
		return;
	int64_t id;
	const char *rating = req_field(r, "rating", "");
	const char *comment = req_field(r, "comment", "");
	bool none = strcmp(rating, "none") == 0;
	if (req_field_int(r, "message_id", 0, 1, INT64_MAX, &id) <= 0 ||
	    (!none && strcmp(rating, "up") != 0 && strcmp(rating, "down") != 0)) {
		resp_error(r, 400, "invalid_input", "message_id and rating (up, down or none) are required");
		return;
	}
	if (strlen(comment) > FEEDBACK_COMMENT_MAX) {
		resp_error(r, 400, "invalid_input", "comment must be at most %d bytes", FEEDBACK_COMMENT_MAX);
		return;
	}
	switch (feedback_set(db, r->user.id, id, none ? NULL : rating, comment)) {
	case FEEDBACK_OK:
		resp_json(r, 200, json_pack("{s:b,s:I,s:o}", "ok", 1, "message_id", (json_int_t)id, "feedback",
			none ? json_null() : json_pack("{s:s,s:s}", "rating", rating, "comment", comment)));
		break;
	case FEEDBACK_NOT_FOUND:
		resp_error(r, 404, "not_found", "no such message");
		break;
	case FEEDBACK_NOT_A_REPLY:
		resp_error(r, 400, "invalid_input", "only a reply can be rated, not a question");
		break;
	default:
		resp_internal(r, "storing the feedback failed");
	}
}

int main(void)
{
	return app_main("feedback", handle, APP_KIND);
}
