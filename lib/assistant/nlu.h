/* nlu: what a chat message asks for: one of the eight intents of API.md
 * with a confidence in [0, 1] (the margin between the two best intents),
 * and the entities found against the catalog's and the directory's own
 * vocabulary (brands, categories, products, features, places) and in the
 * wording (price ranges). Spanish and English; case, accents and small
 * typos do not matter. */
#ifndef MC_NLU_H
#define MC_NLU_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/text.h"

struct arena;
struct nlu_vocab;

enum nlu_intent {
	NLU_SALUDO,
	NLU_AYUDA,
	NLU_BUSCAR_PRODUCTO,
	NLU_RECOMENDAR_CATEGORIA,
	NLU_COMPARAR_PRECIOS,
	NLU_INFO_PRODUCTO,
	NLU_CONSULTAR_OFICINA,
	NLU_GENERAL,
	NLU_INTENTS
};

#define NLU_MAX_BRANDS 4
#define NLU_MAX_PRODUCTS 4
#define NLU_MAX_FEATURES 8

struct nlu_price {
	int64_t min;   /* CLP, -1 = open */
	int64_t max;   /* CLP, -1 = open */
	bool cheap;    /* "barato", "cheapest": the cheapest ones first */
};

struct nlu_entities {
	const char *brands[NLU_MAX_BRANDS];      /* as the catalog spells them */
	int nbrands;
	int64_t category_id;                     /* 0 = none */
	const char *category;                    /* its slug */
	const char *category_name;
	int64_t product_ids[NLU_MAX_PRODUCTS];   /* in the order mentioned */
	const char *products[NLU_MAX_PRODUCTS];  /* their names */
	int nproducts;
	bool has_price;
	struct nlu_price price;
	const char *features[NLU_MAX_FEATURES];  /* the catalog's feature words */
	int nfeatures;
	int64_t office_id;                       /* 0 = none */
	const char *municipio;
	const char *locality;                    /* when named through a locality */
};

struct nlu_result {
	enum nlu_intent intent;
	double confidence;
	double scores[NLU_INTENTS];
	const char *lang;                        /* "es" or "en" */
	struct nlu_entities e;
	struct text_toks toks;                   /* the folded message */
};

/* Understand message with the vocabulary v. Everything lives in a. */
void nlu_analyze(struct arena *a, const struct nlu_vocab *v, const char *message,
		 struct nlu_result *out);

const char *nlu_intent_name(enum nlu_intent i);
/* NLU_INTENTS when name is not an intent. */
enum nlu_intent nlu_intent_from_name(const char *name);
/* The entities object of API.md: marca, categoria, producto, rango_precio
 * {"min","max"}, caracteristicas [..], municipio; only the keys found. */
json_t *nlu_entities_json(const struct nlu_entities *e);

#endif
