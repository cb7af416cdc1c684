/* stats_audience: the figures of GET /cgi-bin/stats per audience (visitors
 * and members apart) and per assistant: conversations, messages, reply
 * latency (p50, p95 from the bins of lib/ops/pctl, to the bin's middle) and
 * intents, from the roll-ups of migration 007. */
#ifndef MC_STATS_AUDIENCE_H
#define MC_STATS_AUDIENCE_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct db;

/* The period: buckets of grain seconds from start to end (Unix seconds),
 * as lib/ops/stats sets it. */
struct stats_span {
	int64_t grain, start, end;
};

/* {"sessions", "conversations", "messages"} of visitors (guest 1) or of
 * members (0) in the window; NULL on error. */
json_t *stats_audience_json(struct db *db, const struct stats_span *w, int guest);
/* [{"slug", "name", "conversations", "messages", "members": {..},
 * "visitors": {..}, "latency_ms": {"p50", "p95", "replies"}, "intents": [..]}]
 * for every assistant; NULL on error. */
json_t *stats_assistants_json(struct db *db, struct arena *a, const struct stats_span *w);

#endif
