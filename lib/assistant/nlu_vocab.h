/* nlu_vocab: the catalog's and the directory's own words, read with a few
 * indexed queries for each message: category names and synonyms, brands,
 * feature strings (and the lexicon's other words for them), place names,
 * product names with the weight of each word, the product-line words that
 * imply a brand (iphone -> Apple), and the dictionary of every known word
 * for spelling correction. */
#ifndef MC_NLU_VOCAB_H
#define MC_NLU_VOCAB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/text.h"
#include "assistant/wordset.h"

struct arena;
struct db;

enum nlu_kind {
	NLU_K_CATEGORY,
	NLU_K_BRAND,
	NLU_K_FEATURE,
	NLU_K_PLACE,
	NLU_K_KINDS
};

struct nlu_term {
	enum nlu_kind kind;
	struct text_toks toks;   /* folded words */
	const char *folded;      /* the words with single spaces */
	size_t folded_len;
	const char *compact;     /* the words without spaces */
	size_t compact_len;
	const char *value;       /* slug, brand, feature string, municipio */
	const char *name;        /* category display name; a place as written */
	int64_t id;              /* category id or office id */
	int64_t parent_id;       /* a category's parent, 0 at the top */
	bool alias;              /* a feature said in other words (lexicon) */
	bool locality;           /* a place that is a locality of value */
};

struct nlu_product {
	int64_t id;
	const char *name;
	const char *brand;
	int64_t category_id;
	struct text_toks toks;   /* folded name */
	double *weight;          /* per word: how rare it is among product names */
	int *df;                 /* per word: how many product names have it */
	bool *brand_word;        /* per word: part of the brand's name */
};

/* Terms of one kind whose first word starts with one letter. */
struct nlu_bucket {
	const struct nlu_term **v;
	int n;
};

struct nlu_vocab {
	struct db *db;           /* for the few look-ups made on demand */
	struct nlu_term *terms;  /* grouped by kind */
	int nterms;
	int kind_first[NLU_K_KINDS];
	int kind_count[NLU_K_KINDS];
	struct nlu_bucket buckets[NLU_K_KINDS][256];
	struct wordset product_words; /* word -> the products whose names have it */
	struct nlu_product *products;
	int nproducts;
	struct wordset words;    /* every word of the vocabulary and everyday words */
	struct wordset cues;     /* the lexicon's words */
	const char **cue_prefixes; /* the lexicon's word stems (recomend*) */
	int ncue_prefixes;
	struct wordset common;   /* the lexicon's everyday words */
	struct wordset catalog;  /* words of category names and one-word features */
	struct wordset lines;    /* product-line word -> brand (value) */
	int64_t elapsed_us;      /* time the load took */
};

/* Read the vocabulary. 0, or -1 on a database error. */
int nlu_vocab_load(struct db *db, struct arena *a, struct nlu_vocab *v);

/* The first letter a word is filed under (its unit's, for unit words). */
unsigned char nlu_vocab_letter(const struct text_tok *w);
/* The terms of kind that may start at word w. */
const struct nlu_bucket *nlu_vocab_bucket(const struct nlu_vocab *v, enum nlu_kind kind,
					  const struct text_tok *w);
/* Mark (mark[i] for products[i]) the products whose names have word w,
 * up to plural and gender. */
void nlu_vocab_products_with(const struct nlu_vocab *v, const struct text_tok *w, bool *mark);

/* Known as typed (up to plural or gender)? */
bool nlu_vocab_known(const struct nlu_vocab *v, const char *w);
bool nlu_vocab_is_cue_word(const struct nlu_vocab *v, const char *w);
bool nlu_vocab_is_common_word(const struct nlu_vocab *v, const char *w);
/* A word of some category's names or a one-word feature (up to plural and gender). */
bool nlu_vocab_is_catalog_word(const struct nlu_vocab *v, const char *w, size_t n);
/* The brand a product-line word implies (in two products or more, of one
 * brand only), or NULL. */
const char *nlu_vocab_line_brand(const struct nlu_vocab *v, const char *w);
/* Does some active product of the category (or its subcategories) have
 * the feature? One indexed query; true on a database error. */
bool nlu_vocab_feature_in_category(const struct nlu_vocab *v, const char *feature, int64_t category);

#endif
