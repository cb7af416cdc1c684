/* import_plan: the conversations an import will store, read and checked,
 * as both readers make them (microchat's own export: lib/chat/import;
 * ChatGPT's conversations.json: lib/chat/import_chatgpt). Strings point
 * into the parsed JSON or the plan's arena. */
#ifndef MC_IMPORT_PLAN_H
#define MC_IMPORT_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

#define IMPORT_TITLE_MAX 200
#define IMPORT_CONTENT_MAX (4 * 1024 * 1024)

struct import_message {
	const char *role;        /* "user" or "assistant" */
	const char *content;
	const char *model;       /* NULL: none */
	const char *status;      /* done, stopped, partial, error, fallback */
	const char *created_at;  /* ISO-8601 UTC */
	int parent;              /* index of the message before it; -1: a first message */
	bool selected;           /* the version its parent goes on with */
	const char *rating;      /* "up", "down" or NULL */
	const char *comment;
};

struct import_conversation {
	const char *title;
	const char *model;
	const char *created_at;
	const char *updated_at;
	bool pinned, archived;
	struct import_message *messages;
	int nmessages;
};

struct import_plan {
	struct arena *a;
	struct import_conversation *items;
	int n, alloc;
	int skipped_messages;    /* system, tool and image-only messages left out */
	int skipped_attachments; /* images left out of messages whose text was kept */
	json_t *errors;          /* [{"index", "message"}] */
	const char *now;         /* the time for what has none */
};

/* A new conversation with room for up to nmessages messages. */
struct import_conversation *import_plan_add(struct import_plan *p, size_t nmessages);
/* The conversation at index cannot be read: why. */
void import_plan_error(struct import_plan *p, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Exactly one selected version under each parent (the last one marked,
 * else the last one). */
void import_plan_select(struct import_plan *p, struct import_conversation *c);
/* A title of at most IMPORT_TITLE_MAX bytes, on one line, never empty. */
const char *import_plan_title(struct import_plan *p, const char *title, const char *first_message);
/* "YYYY-MM-DDTHH:MM:SSZ". */
bool import_time_ok(const char *s);

/* ChatGPT's conversations.json (an array of conversations, each a mapping
 * tree): the branch that was current in each, into p. */
void import_chatgpt(struct import_plan *p, json_t *list);

#endif
