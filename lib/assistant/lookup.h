/* lookup: what the catalog and the directory hold for an understood
 * message, one parameterised query plan per intent: a search with the
 * entities as filters (relaxed step by step when nothing matches),
 * recommendations (in stock, in range, then products like the best one),
 * a price comparison of the items named (cheapest first), the details of
 * one product, the office of a municipality. */
#ifndef MC_LOOKUP_H
#define MC_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "data/catalog.h"
#include "data/directory.h"
#include "assistant/nlu.h"

struct arena;
struct db;

#define LOOKUP_MAX_PRODUCTS 8
#define LOOKUP_MAX_OFFICES 10

/* Which filters had to be dropped to find something. */
enum lookup_relax {
	LOOKUP_RELAX_FEATURES = 1 << 0,
	LOOKUP_RELAX_BRAND = 1 << 1,
	LOOKUP_RELAX_PRICE = 1 << 2,
	LOOKUP_RELAX_CATEGORY = 1 << 3,
};

struct lookup {
	struct catalog_product products[LOOKUP_MAX_PRODUCTS];
	int nproducts;
	int nsimilar;              /* the last ones are "similar to the first" */
	struct directory_office offices[LOOKUP_MAX_OFFICES];
	int noffices;
	int total_offices;         /* all the directory holds, when listing it */
	int relaxed;               /* enum lookup_relax bits */
	bool by_price;             /* products are sorted cheapest first */
	const char *suggest_category; /* the closest category, when nothing matched */
	bool found;                /* anything from what was asked */
};

/* Look up what res asks for. 0, or -1 on a database error. */
int lookup_run(struct db *db, struct arena *a, const struct nlu_result *res, struct lookup *out);

#endif
