/* nlu_types: what the NLU finds, shared by its parts (nlu_intent,
 * nlu_entities, nlu_price, nlu_lexicon...) and its callers: the intents of
 * docs/API.md, the entities and the result. lib/assistant/nlu puts them together. */
#ifndef MC_NLU_TYPES_H
#define MC_NLU_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/text.h"

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
	bool only_social;                        /* nothing but a greeting or a request for help */
	struct nlu_entities e;
	struct text_toks toks;                   /* the folded message */
};

#endif
