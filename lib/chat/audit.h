/* audit: the log of what administrators changed (settings, accounts), with
 * who did it and when. */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include <jansson.h>

struct db;
struct req_user;

struct audit_entry {
	const char *action;    /* "setting", "user.disable", "user.enable", "user.role" */
	const char *target;    /* the setting's key or the account's name */
	const char *old_value; /* may be NULL */
	const char *new_value; /* may be NULL */
	const char *detail;    /* one line for people */
};

/* Append one entry in the caller's transaction. 0, or -1 on error. */
int audit_record(struct db *db, const struct req_user *actor, const struct audit_entry *e);
/* The newest entries first: [{"at", "actor", "action", "target", "detail",
 * "old_value", "new_value"}], values cut to a readable length. NULL on error. */
json_t *audit_json(struct db *db, int limit);

#endif
