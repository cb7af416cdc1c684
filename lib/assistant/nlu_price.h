/* nlu_price: price ranges in Chilean pesos from how people say them:
 * "entre 100 y 200 mil", "menos de $300.000", "hasta 50 lucas", "un palo
 * para abajo", "under 300k", "between 300k and 600k", "1,5 palos"; and
 * "barato"/"cheap" (the cheapest ones first, no bound). */
#ifndef MC_NLU_PRICE_H
#define MC_NLU_PRICE_H

#include <stdbool.h>
#include <stdint.h>

#include "assistant/nlu_types.h"

/* Find a price range in the folded words t; the words it takes are marked
 * in used. Returns true when a bound was found (out->min/max, -1 = open);
 * out->cheap is set either way. */
bool nlu_price_find(const struct text_toks *t, bool *used, struct nlu_price *out);

/* An amount starting at word i: its value in pesos and the words it takes
 * (0 when there is none). money is set when the words say it is money
 * (mil, k, lucas, palos, pesos, $), not just a number. */
int nlu_price_amount(const struct text_toks *t, int i, double *value, bool *money);

/* A word the price parser reads (mil, lucas, hasta, barato...). */
bool nlu_price_is_word(const char *w);

#endif
