/* nlu_product: the products a message names ("el iphone 15", "la play 5
 * digital", "airpods pro 2 vs galaxy buds3 pro"). A mention is a run of
 * adjacent words that are words of the product's name, weighed by how rare
 * each is among product names; a product is taken only when it is clearly
 * meant: the best weight, and no other product fits the same words as
 * well (la ps5 fits two consoles: none is taken). */
#ifndef MC_NLU_PRODUCT_H
#define MC_NLU_PRODUCT_H

#include <stdbool.h>

#include "core/text.h"

struct nlu_vocab;
struct nlu_product;

struct nlu_product_hit {
	const struct nlu_product *p;
	int start, end;    /* the mention: message words [start, end) */
};

/* Up to max products in the order mentioned. blocked words (prices,
 * measures) are not looked at; features marks words that name a feature
 * ("oled", "smart tv"), which can be part of a mention but never identify
 * a product; the words of each mention (taken or found ambiguous) are
 * marked in taken. Returns how many. */
int nlu_product_find(const struct nlu_vocab *v, const struct text_toks *m, const bool *blocked,
		     const bool *features, bool *taken, struct nlu_product_hit *out, int max);

#endif
