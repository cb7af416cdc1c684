/* assist: what microchat understands of a message and finds in its own data
 * before (or instead of) asking the model. */
#include "assist.h"
#include "req.h"

#include <string.h>

int assist_prepare(struct req *r, struct db *db, const char *message, struct assist *a)
{
	(void)r;
	(void)db;
	(void)message;
	memset(a, 0, sizeof(*a));
	a->intent = json_pack("{s:s,s:f,s:{}}", "name", "general", "confidence", 0.0, "entities");
	a->context = json_pack("{s:[],s:[]}", "products", "offices");
	return 0;
}

void assist_log(struct req *r, struct db *db, const struct assist *a,
		const char *message, long long message_id)
{
	(void)r;
	(void)db;
	(void)a;
	(void)message;
	(void)message_id;
}

void assist_release(struct assist *a)
{
	json_decref(a->intent);
	json_decref(a->context);
	a->intent = a->context = NULL;
}
