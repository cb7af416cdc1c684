/* quota: how much a user may send per UTC day (messages, and the model's
 * output tokens), counted from what is stored (the replies of the day and
 * their eval_count, imported ones aside), from the settings for users and
 * visitors or the account's own; administrators are never limited. */
#ifndef MC_QUOTA_H
#define MC_QUOTA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct conf;
struct db;
struct req;
struct req_user;

struct quota {
	int64_t user_id;
	bool limited;              /* false for an administrator */
	int64_t messages_per_day;  /* 0: no limit */
	int64_t tokens_per_day;    /* 0: no limit */
	int64_t messages_today;
	int64_t tokens_today;
	int64_t day_start;         /* Unix seconds: today's UTC midnight */
	int64_t reset_at;          /* the next one */
};

/* The limits of u and what u used today. 0, or -1 on a database error. */
int quota_read(struct db *db, const struct conf *c, struct arena *a, const struct req_user *u,
	       struct quota *q);
/* Count today's use again (inside the write that would add to it). */
int quota_recount(struct db *db, struct quota *q);
/* Whether one more message may be sent now. */
bool quota_allows(const struct quota *q);
/* The output tokens a reply may still use today; 0 when there is no limit. */
int64_t quota_tokens_left(const struct quota *q);
/* Answer 429 quota_exceeded with Retry-After and reset_at. */
void quota_refuse(struct req *r, const struct quota *q);
/* {"messages_today", "tokens_today", "quota": {"messages_per_day",
 * "tokens_per_day"} (null: no limit), "limited", "reset_at"}. */
json_t *quota_json(const struct quota *q);

#endif
