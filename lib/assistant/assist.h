/* assist: what microchat understands of a message and finds in its own data
 * before (or instead of) asking the model: intent, entities, catalog and
 * directory rows, the context text for the model, and answers composed
 * from the data when no model is needed or none is available. */
#ifndef MC_ASSIST_H
#define MC_ASSIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct req;
struct db;

/* What the conversation's assistant allows (lib/chat/assistants: the
 * program passes the values, this layer does not read that table). */
struct assist_policy {
	bool catalog, directory;   /* its sources: the data it answers from */
	bool instant_answers;      /* a greeting or a help request gets a template answer */
	const char *greeting;      /* its own greeting for that answer ("": the built-in one) */
	int64_t assistant_id;      /* for the NLU log */
};

struct assist {
	/* {"name", "confidence", "entities": {...}} as in docs/API.md; general at
	 * confidence 0 when nothing ran (understood false). */
	json_t *intent;
	bool understood;
	/* {"products": [...], "offices": [...]} shown as cards; may be empty. */
	json_t *context;
	/* Text added to the system message: the matched rows and the
	 * instruction to answer from them. NULL or "" when nothing matched. */
	const char *model_context;
	/* Set when the answer needs no model at all: a message that is nothing
	 * but a greeting or a request for help, to an assistant with instant
	 * answers on. Stored with model null. */
	const char *direct_answer;
	/* Composed from the rows, used when every backend fails (status
	 * "fallback"). NULL when the question needs the model. */
	const char *fallback_answer;
	/* Whether the catalog or directory found anything (for the log). */
	bool found;
	/* "es" or "en": the language of the message (NULL when nothing ran). */
	const char *lang;
	/* Microseconds the understanding and the look-ups took. */
	long long elapsed_us;
	int64_t assistant_id;
};

/* Understand message and look up the data, as far as the policy p lets:
 * without sources nor instant answers nothing runs.
 * Strings live in r's arena; the json_t members are owned by a (release
 * with assist_release). Returns 0, or -1 on a database error (the caller
 * answers 500). */
int assist_prepare(struct req *r, struct db *db, const char *message, const struct assist_policy *p,
		   struct assist *a);
/* Record the detection in the NLU log, with the conversation's message id. */
void assist_log(struct req *r, struct db *db, const struct assist *a,
		const char *message, long long message_id);
void assist_release(struct assist *a);

#endif
