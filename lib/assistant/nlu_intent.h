/* nlu_intent: the score of each intent for a message (the lexicon's cue
 * phrases plus what the entities found say) and the decision: the best
 * intent, with a confidence that is the margin between the probabilities
 * of the best and the second intent. */
#ifndef MC_NLU_INTENT_H
#define MC_NLU_INTENT_H

#include "assistant/nlu_types.h"

void nlu_intent_score(const struct text_toks *m, const struct nlu_entities *e,
		      double scores[NLU_INTENTS]);
/* The best intent and its confidence; general when no intent stands out
 * (a tie, confidence 0). */
void nlu_intent_decide(const double scores[NLU_INTENTS], enum nlu_intent *best, double *confidence);
/* True when every word of the message is part of a greeting or a request
 * for help, a function word, or a word that only addresses the assistant:
 * the message asks nothing else ("hola mundo" does). */
bool nlu_intent_only_social(const struct text_toks *m);

#endif
