/* assistants: the assistants table: what a conversation talks to (prompt,
 * model and sampling, the data it answers from, instant answers, greeting
 * and quick actions, who may use it, the sites that may embed it), read
 * for a chat and listed for each audience (lib/chat/assistant_edit changes
 * them). */
#ifndef MC_ASSISTANTS_H
#define MC_ASSISTANTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct req_user;

/* The data an assistant answers from (its "sources"). */
enum assistant_source {
	ASSISTANT_CATALOG = 1 << 0,
	ASSISTANT_DIRECTORY = 1 << 1,
};

#define ASSISTANT_SLUG_MAX 40

struct assistant {
	int64_t id;
	const char *slug;
	const char *name, *name_en;
	const char *description, *description_en;
	const char *icon;
	const char *system_prompt, *system_prompt_en; /* "" = the system_prompt setting */
	const char *model;                  /* "" = the member's choice, else default_model */
	const char *temperature, *top_p, *num_predict; /* as text; NULL = the setting */
	unsigned sources;                   /* enum assistant_source bits */
	bool instant_answers, public, enabled, builtin;
	const char *greeting, *greeting_en;
	const char *quick_actions, *quick_actions_en; /* JSON text */
	const char *embed_origins;          /* JSON text: ["https://shop.example", ...] */
};

/* Who is asking: what GET /cgi-bin/assistants shows and what chat allows. */
enum assistants_audience {
	ASSISTANTS_VISITOR, /* no account (or no session): enabled public ones */
	ASSISTANTS_MEMBER,  /* an account: every enabled one */
	ASSISTANTS_ADMIN,   /* every one, with the prompt, sampling and origins */
};
enum assistants_audience assistants_audience_of(const struct req_user *u);

/* [a-z0-9-]{1,40} */
bool assistants_slug_valid(const char *slug);

/* One assistant by slug or id. 1 found, 0 not, -1 on a database error;
 * strings live in a. */
int assistants_by_slug(struct db *db, struct arena *a, const char *slug, struct assistant *out);
int assistants_by_id(struct db *db, struct arena *a, int64_t id, struct assistant *out);

/* Whether u may talk to it: 0 yes, 404 (disabled: as if unknown), 403
 * (members only, and u is a visitor). */
int assistants_refusal(const struct assistant *as, const struct req_user *u);

/* The prompt, name, greeting... in lang ("en": the English text when one
 * is written, else the other). */
const char *assistants_text(const char *text, const char *text_en, const char *lang);

/* The API.md object for audience, texts in lang; NULL on error. */
json_t *assistants_json(const struct assistant *as, enum assistants_audience audience, const char *lang);
/* {"assistants": [...]} as audience sees them, in position order. */
json_t *assistants_list_json(struct db *db, struct arena *a, enum assistants_audience audience,
			     const char *lang);

/* Is some enabled public assistant answering from source? (What a visitor
 * may read of the catalog or the directory.) 1 yes, 0 no, -1 error. */
int assistants_public_source(struct db *db, unsigned source);
/* What u may read of source (the catalog, the directory): anything for an
 * account, for a visitor only what some public assistant answers from.
 * 1 yes, 0 no, -1 error. */
int assistants_may_read(struct db *db, const struct req_user *u, unsigned source);
/* Does an enabled assistant list origin among its embed_origins? */
int assistants_origin_listed(struct db *db, const char *origin);

/* The users with conversations of an assistant (at most max, in *n), for
 * the read cache when it goes: their history names it. NULL on error. */
int64_t *assistants_users_of(struct db *db, struct arena *a, int64_t id, size_t max, size_t *n);

/* The general chat: the assistant POST /cgi-bin/config's system_prompt edits. */
#define ASSISTANTS_GENERAL "general"

#endif
