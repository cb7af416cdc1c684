/* stats: the figures of GET /cgi-bin/stats (totals, per-bucket series,
 * exact percentiles, models, intents, products, errors, backends), read
 * from the roll-ups of migration 003 so that the cost does not grow with
 * the size of the logs. */
#ifndef MC_STATS_H
#define MC_STATS_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct db;

/* The period asked for: days 1 (24 hourly buckets ending with the current
 * hour) or 7 / 30 (daily buckets ending with today, UTC). */
struct stats_window {
	int days;
	int64_t grain;   /* 3600 or 86400 seconds */
	int64_t start;   /* Unix seconds, first bucket's start (inclusive) */
	int64_t end;     /* Unix seconds, last bucket's end (exclusive) */
	int nbuckets;
};

/* keep_from: the first second the logs still hold (see metrics_keep_from);
 * the window never reaches before it. */
void stats_window(int days, int64_t now_ms, int64_t keep_from, struct stats_window *w);

/* Percentiles 50, 95 and 99 (nearest rank) of metric 0 (latency of complete
 * replies) or 1 (time to first token) over [t0, t1) Unix seconds, read from
 * the roll-ups of that grain. out[i] is -1 when there are no samples.
 * Returns 0, or -1 on a database error. */
int stats_percentiles(struct db *db, int metric, int64_t grain, int64_t t0, int64_t t1,
		      int64_t out[3]);

/* The whole answer; backends is OLLAMA_URL (the configured pool). NULL on a
 * database error (already logged). */
json_t *stats_json(struct db *db, struct arena *a, const struct stats_window *w,
		   const char *backends);

#endif
