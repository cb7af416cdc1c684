/* stats_feedback: the "feedback" part of GET /cgi-bin/stats: thumbs up and
 * down given in the window, by model, intent and assistant, and the latest
 * "down" replies with the question they answered, for the administrator. */
#ifndef MC_STATS_FEEDBACK_H
#define MC_STATS_FEEDBACK_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* Ratings given or changed in [t0, t1) (Unix seconds). NULL on a database error. */
json_t *stats_feedback_json(struct db *db, int64_t t0, int64_t t1);

#endif
