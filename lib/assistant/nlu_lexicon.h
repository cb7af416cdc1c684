/* nlu_lexicon: the NLU's fixed word lists, written by hand from how people
 * ask in Spanish (Chile, Argentina) and English, independent of the catalog:
 * the cue phrases of each intent with their weights, words that normalise
 * to the catalog's own feature strings (wireless -> inalambrico), unit
 * words (kilos = kg), common chat spellings (q -> que) and nicknames of
 * product lines (play -> playstation). The catalog's vocabulary itself comes
 * from the database (nlu_vocab). */
#ifndef MC_NLU_LEXICON_H
#define MC_NLU_LEXICON_H

#include <stddef.h>

#include "assistant/nlu_types.h"

struct nlu_cue {
	const char *phrase;      /* folded words */
	enum nlu_intent intent;
	double weight;
};

struct nlu_pair {
	const char *from;        /* folded words */
	const char *to;          /* folded words */
};

extern const struct nlu_cue nlu_cues[];
extern const size_t nlu_ncues;

/* Phrases that name a catalog feature string in other words; used only
 * when the feature exists in the catalog. */
extern const struct nlu_pair nlu_feature_aliases[];
extern const size_t nlu_nfeature_aliases;

/* One-word equivalences inside measures: kilos = kg, inch = pulgadas. */
extern const struct nlu_pair nlu_unit_aliases[];
extern const size_t nlu_nunit_aliases;

/* Whole-word rewrites before anything else: chat spellings and nicknames. */
extern const struct nlu_pair nlu_rewrites[];
extern const size_t nlu_nrewrites;

/* Everyday words kept as they are by the spelling corrector. */
extern const char *const nlu_common_words[];
extern const size_t nlu_ncommon_words;

/* Words that may sit inside a multi-word name without being part of it
 * ("16gb de ram" for "16gb ram"). */
int nlu_lexicon_is_filler(const char *w, size_t n);
/* The canonical unit a word names ("kg" for "kilos"), or NULL. */
const char *nlu_lexicon_unit(const char *w, size_t n);
/* Set each word's canon to its canonical unit (NULL for other words). */
void nlu_lexicon_mark_units(struct text_toks *t);

#endif
