/* nlu_spell: a message's words made comparable with the vocabulary: chat
 * spellings and nicknames rewritten (q -> que, play -> playstation),
 * stretched letters squeezed (holaaa -> hola), and unknown words corrected
 * to the nearest known word within a small edit budget (samsumg -> samsung,
 * presio -> precio); short words are corrected only towards the intent
 * cue words (hlep -> help). */
#ifndef MC_NLU_SPELL_H
#define MC_NLU_SPELL_H

#include <stdbool.h>

#include "core/text.h"

struct arena;
struct nlu_vocab;

/* Rewrite t in place (a new array in a). unknown[i] tells, for the final
 * words, which ones were not in the vocabulary as typed (corrected or
 * still unknown): only those may be matched loosely later. */
void nlu_spell_fix(struct arena *a, const struct nlu_vocab *v, struct text_toks *t, bool *unknown);
/* text folded and fixed as above, its words joined by single spaces
 * ("samsumg galaxi" -> "samsung galaxy"); "" when no word is left. */
const char *nlu_spell_text(struct arena *a, const struct nlu_vocab *v, const char *text);

#endif
