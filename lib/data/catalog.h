/* catalog: the product queries, every value bound: categories with their
 * product counts, search with filters (category and its subcategories,
 * brand, free text through FTS5, price range, features, stock), one
 * product, similar products (shared features and FTS rank) and the
 * products nearest a price range. */
#ifndef MC_CATALOG_H
#define MC_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

#define CATALOG_MAX_FEATURES 8

struct catalog_product {
	int64_t id;
	const char *sku;
	const char *name;
	const char *brand;
	int64_t category_id;
	const char *category;    /* its display name */
	const char *category_slug;
	int64_t price;           /* CLP */
	int64_t stock;
	const char *description;
	const char *features;    /* JSON array text */
	int matched_features;    /* of the filter's features */
};

struct catalog_list {
	struct catalog_product *v;
	int n;
};

enum catalog_order {
	CATALOG_BY_RELEVANCE,    /* matched features, FTS rank, then name */
	CATALOG_BY_PRICE_ASC,
	CATALOG_BY_PRICE_DESC,
};

struct catalog_filter {
	int64_t category_id;     /* 0 = any; includes subcategories */
	const char *brand;       /* NULL = any; case-insensitive */
	const char *q;           /* free text; NULL = none */
	bool q_any;              /* q matches any of its words, not all */
	int64_t min_price;       /* -1 = no bound */
	int64_t max_price;       /* -1 = no bound */
	const char *features[CATALOG_MAX_FEATURES];
	int nfeatures;
	int min_features;        /* how many of them a product must have */
	bool in_stock;
	enum catalog_order order;
	int limit;               /* 1..100 */
};

void catalog_filter_init(struct catalog_filter *f);

/* Products matching f (active ones only). Returns 0 or -1 (db error). */
int catalog_search(struct db *db, struct arena *a, const struct catalog_filter *f,
		   struct catalog_list *out);
/* One product by id: 1 found, 0 not, -1 error. */
int catalog_get(struct db *db, struct arena *a, int64_t id, struct catalog_product *out);
/* In-stock products like p, in its category and within [min_price,
 * max_price] (-1: open): the most shared features first, then the FTS
 * rank of p's name, then the nearest price; p itself excluded. */
int catalog_similar(struct db *db, struct arena *a, const struct catalog_product *p,
		    int64_t min_price, int64_t max_price, int limit, struct catalog_list *out);
/* With f's price range ignored, the products whose price is closest to it. */
int catalog_nearest_price(struct db *db, struct arena *a, const struct catalog_filter *f,
			  int limit, struct catalog_list *out);
/* An FTS5 query from free text: each word quoted, with a prefix star,
 * joined with AND (any = false) or OR; NULL when no word is left. */
const char *catalog_fts_query(struct arena *a, const char *text, bool any);

/* {"categories": [{"id","name","slug","parent_id","product_count"}]} where
 * product_count includes the subcategories' active products. */
json_t *catalog_categories_json(struct db *db, struct arena *a);
/* The card / API form of a product. */
json_t *catalog_product_json(const struct catalog_product *p, bool with_details);

#endif
