/* nlu_intent: the score of each intent for a message (the lexicon's cue
 * phrases plus what the entities found say) and the decision: the best
 * intent, with a confidence that is the margin between the probabilities
 * of the best and the second intent. */
#ifndef MC_NLU_INTENT_H
#define MC_NLU_INTENT_H

#include "assistant/nlu_types.h"

void nlu_intent_score(const struct text_toks *m, const struct nlu_entities *e,
		      double scores[NLU_INTENTS]);
void nlu_intent_decide(const double scores[NLU_INTENTS], enum nlu_intent *best, double *confidence);

#endif
