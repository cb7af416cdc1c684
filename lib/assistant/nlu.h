/* nlu: what a chat message asks for: one of the eight intents of docs/API.md
 * with a confidence in [0, 1] (the margin between the two best intents),
 * and the entities found against the catalog's and the directory's own
 * vocabulary (brands, categories, products, features, places) and in the
 * wording (price ranges). Spanish and English; case, accents and small
 * typos do not matter. */
#ifndef MC_NLU_H
#define MC_NLU_H

#include <jansson.h>

#include "assistant/nlu_types.h"

struct arena;
struct nlu_vocab;

#define NLU_INTENT_BIT(i) (1u << (i))
#define NLU_ALL_INTENTS ((1u << NLU_INTENTS) - 1)

/* Understand message with the vocabulary v. Everything lives in a. */
void nlu_analyze(struct arena *a, const struct nlu_vocab *v, const char *message,
		 struct nlu_result *out);
/* The same, choosing only among intents (NLU_INTENT_BIT bits; general is
 * always a candidate). */
void nlu_analyze_for(struct arena *a, const struct nlu_vocab *v, const char *message, unsigned intents,
		     struct nlu_result *out);

const char *nlu_intent_name(enum nlu_intent i);
/* NLU_INTENTS when name is not an intent. */
enum nlu_intent nlu_intent_from_name(const char *name);
/* The entities object of docs/API.md: marca, categoria, producto, rango_precio
 * {"min","max"}, caracteristicas [..], municipio; only the keys found. */
json_t *nlu_entities_json(const struct nlu_entities *e);

#endif
