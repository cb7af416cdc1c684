/* answer: the texts microchat writes itself, in the user's language
 * (Spanish or English, Markdown): the greeting and the help, and answers
 * composed from the rows found, used when no model is needed or none
 * answers (message status "fallback"). */
#ifndef MC_ANSWER_H
#define MC_ANSWER_H

#include <stdint.h>

#include "assistant/lookup.h"
#include "assistant/nlu.h"

struct arena;

/* The data an assistant answers from, for the greeting and the help. */
enum answer_sources { ANSWER_CATALOG = 1 << 0, ANSWER_DIRECTORY = 1 << 1 };

/* What is offered depends on sources: the catalog's searches, the offices,
 * or a plain chat. */
const char *answer_greeting(struct arena *a, const char *lang, unsigned sources);
const char *answer_help(struct arena *a, const char *lang, unsigned sources);
/* An answer from the rows for the catalog and directory intents; NULL for
 * the others. */
const char *answer_from_rows(struct arena *a, const struct nlu_result *res, const struct lookup *l);
/* "$1.299.990" (Spanish) or "CLP 1,299,990" (English). */
const char *answer_price(struct arena *a, int64_t pesos, const char *lang);

#endif
