/* text: folding for matching (lower case, no accents, punctuation as space)
 * in Spanish and English, tokens, plural-tolerant word comparison,
 * stopwords and a guess of the writer's language. */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define TEXT_MAX_TOKENS 96

struct text_tok {
	const char *s;      /* folded, NUL-terminated */
	size_t len;
	bool num;           /* contains a digit */
	bool stop;          /* a function word (text_is_stopword) */
	const char *canon;  /* NULL, or a canonical form a user of the tokens
			     * sets (the NLU: "kg" for "kilos") */
};

struct text_toks {
	struct text_tok *v;
	int n;
};

/* A folded copy: ASCII lower case, Latin accents removed (ñ becomes n),
 * apostrophes dropped, '$' a word of its own, anything else that is not a
 * letter or a digit becomes one space; '.' and ',' between two digits are
 * kept (300.000, 1,5).
 * Invalid UTF-8 bytes become spaces. */
char *text_fold(struct arena *a, const char *s);
/* Split a folded string on spaces (at most TEXT_MAX_TOKENS tokens). */
void text_tokens(struct arena *a, const char *folded, struct text_toks *out);
/* Fold s and split it. */
void text_fold_tokens(struct arena *a, const char *s, struct text_toks *out);

/* Two folded words that are the same word up to a plural ending
 * (celular/celulares, phone/phones, tablet/tablets) or, for adjectives of
 * four letters or more, the gender ending (negro/negra). */
bool text_same_word(const char *a, size_t na, const char *b, size_t nb);
/* Function words that never name a product, brand or place by themselves. */
bool text_is_stopword(const char *w, size_t n);
/* For the unit test: the list is sorted, as the search needs. */
bool text_stopwords_sorted(void);
/* "es" or "en": the language of the message (Spanish unless English is
 * clearly more likely). original is the unfolded text (for ñ, ¿, ¡, accents). */
/* A JSON array of strings as "a, b, c" (features, localities); "" when empty. */
const char *text_join_json_list(struct arena *a, const char *json);

const char *text_lang(const struct text_toks *t, const char *original);

#endif
