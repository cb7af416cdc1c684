/* grounding: the data the model must answer from, for the system message:
 * what was understood, the matched rows in a compact one-line form, cut
 * to a token budget, and the instruction to answer only from them. */
#ifndef MC_GROUNDING_H
#define MC_GROUNDING_H

#include "assistant/lookup.h"
#include "assistant/nlu.h"

struct arena;

#define GROUNDING_TOKENS 900   /* about 4 bytes a token */

/* NULL when the message is not a catalog or directory question. */
const char *grounding_text(struct arena *a, const struct nlu_result *res, const struct lookup *l,
			   int budget_tokens);

#endif
