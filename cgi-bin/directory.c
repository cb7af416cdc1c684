/* directory: GET the office directory, one office per municipality;
 * optional q finds offices by municipality or locality, tolerating typos
 * and missing accents (docs/API.md). Logged-in users (visitors: when a public
 * assistant answers from it). */
#include "chat/assistants.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/db.h"
#include "data/directory.h"
#include "core/req.h"
#include "core/resp.h"

#include <string.h>

#define MIN_SCORE 0.6
/* Longer than any place name or address anyone types; the fuzzy match's
 * cost grows with it. */
#define Q_MAX 200

/* A visitor reads only what a public assistant answers from. */
static bool may_read(struct req *r, struct db *db)
{
	int rc = assistants_may_read(db, &r->user, ASSISTANT_DIRECTORY);
	if (rc < 0)
		resp_internal(r, "checking the visitor's access failed");
	else if (rc == 0)
		resp_error(r, 403, "forbidden", "no public assistant answers from the directory: log in to read it");
	return rc == 1;
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_USER);
	if (!db || !may_read(r, db))
		return;
	int64_t limit;
	if (req_field_int(r, "limit", 100, 1, 500, &limit) < 0) {
		resp_error(r, 400, "invalid_input", "limit is 1 to 500");
		return;
	}
	const char *q = req_field(r, "q", NULL);
	if (q && strlen(q) > Q_MAX) {
		resp_error(r, 400, "invalid_input", "q must be at most %d bytes", Q_MAX);
		return;
	}
	struct directory_list list;
	if (directory_search(db, &r->arena, q, MIN_SCORE, (int)limit, &list) < 0) {
		resp_internal(r, "the directory search failed");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < list.n; i++)
		json_array_append_new(arr, directory_office_json(&list.v[i], true));
	resp_json(r, 200, json_pack("{s:o}", "offices", arr));
}

int main(void)
{
	return app_main("directory", handle, APP_KIND);
}
