/* nlu_entities: every entity of a message (brands, category, products,
 * price range, features, place) against the vocabulary. */
#ifndef MC_NLU_ENTITIES_H
#define MC_NLU_ENTITIES_H

#include <stdbool.h>

#include "core/arena.h"
#include "assistant/nlu_types.h"

struct nlu_vocab;

/* m: the message's words after nlu_spell_fix; unknown: the words that may
 * be matched with typos. */
void nlu_entities_find(struct arena *a, const struct nlu_vocab *v, const struct text_toks *m,
		       const bool *unknown, struct nlu_entities *e);

#endif
