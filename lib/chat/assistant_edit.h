/* assistant_edit: what administrators do to assistants: every field checked
 * against its rule (slug, texts, model, sampling, sources, quick actions,
 * embed origins), created or changed in one transaction with its audit
 * entry, deleted (built-ins only disabled; conversations keep their
 * history), never leaving the default assistant disabled. */
#ifndef MC_ASSISTANT_EDIT_H
#define MC_ASSISTANT_EDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;
struct req_user;

/* One field given to save: its name as in the API and its value in the
 * form it is stored in (from assistant_edit_check; NULL: the setting's). */
struct assistant_edit_change {
	const char *field;
	const char *stored;
};

/* The i-th field an assistant has, NULL past the last one. */
const char *assistant_edit_field_at(size_t i);

/* Check one field's value: 1 valid (*stored set), 0 not a field of an
 * assistant, -1 invalid (*why is the message for a 400). */
int assistant_edit_check(struct arena *a, const char *field, const char *value, const char **stored,
			 const char **why);

enum assistant_edit_result {
	ASSISTANT_EDIT_OK,
	ASSISTANT_EDIT_CREATED,
	ASSISTANT_EDIT_NOT_FOUND,
	ASSISTANT_EDIT_BUILTIN,    /* a built-in is disabled, never deleted */
	ASSISTANT_EDIT_IS_DEFAULT, /* the default assistant is never disabled or deleted */
	ASSISTANT_EDIT_ERROR,      /* database error, logged */
};

/* Create slug (when new) and store the changes, in one transaction with
 * its audit entry; default_slug (the default_assistant setting) may not end
 * up disabled. *out (on OK or CREATED) is the administrator's view. */
enum assistant_edit_result assistant_edit_save(struct db *db, struct arena *a, const struct req_user *actor,
					       const char *slug, const struct assistant_edit_change *ch, int n,
					       const char *default_slug, json_t **out);
/* Delete an assistant that is neither built in nor the default; its
 * conversations keep their history. */
enum assistant_edit_result assistant_edit_delete(struct db *db, struct arena *a, const struct req_user *actor,
						 const char *slug, const char *default_slug);

#endif
