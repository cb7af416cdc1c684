/* nlu_match: a vocabulary term (category word, brand, feature, place)
 * found at a position of a message: word by word (plurals, gender and
 * unit words tolerated, "de"/"of" skipped inside), written together
 * ("smarttv" for "smart tv"), or with typos: within the edit budget of the
 * term's length, or, for places, with a similarity ratio >= min_ratio. */
#ifndef MC_NLU_MATCH_H
#define MC_NLU_MATCH_H

#include <stdbool.h>

#include "core/text.h"

struct nlu_term;

struct nlu_hit {
	const struct nlu_term *term;
	int start, end;   /* message words [start, end) */
	double score;     /* 1 exact, less for a fuzzy match */
};

/* Do two message/vocabulary words mean the same (same word up to plural
 * or gender, or the same unit)? */
bool nlu_match_word(const struct text_tok *a, const struct text_tok *b);
/* Match t at message word i. unknown[k] marks words that may be matched
 * with typos. min_ratio > 0 selects ratio matching (places). */
bool nlu_match_term(const struct text_toks *m, const bool *unknown, int i,
		    const struct nlu_term *t, double min_ratio, struct nlu_hit *out);

#endif
