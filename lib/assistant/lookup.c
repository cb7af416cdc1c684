/* lookup: what the catalog and the directory hold for an understood
 * message, one query plan per intent (see lookup.h). Every query is a
 * catalog_ or directory_ call with bound values. */
#include "assistant/lookup.h"
#include "core/arena.h"
#include "core/db.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

#define SIMILAR 3
#define PER_BRAND 3

static void filter_from(const struct nlu_entities *e, struct catalog_filter *f)
{
	catalog_filter_init(f);
	f->category_id = e->category_id;
	f->brand = e->nbrands == 1 ? e->brands[0] : NULL;
	if (e->has_price) {
		f->min_price = e->price.min;
		f->max_price = e->price.max;
	}
	for (int i = 0; i < e->nfeatures && i < CATALOG_MAX_FEATURES; i++)
		f->features[f->nfeatures++] = e->features[i];
	f->min_features = f->nfeatures;
	f->order = e->price.cheap ? CATALOG_BY_PRICE_ASC : CATALOG_BY_RELEVANCE;
	f->limit = LOOKUP_MAX_PRODUCTS;
}

static bool has_product(const struct lookup *l, int64_t id)
{
	for (int i = 0; i < l->nproducts; i++)
		if (l->products[i].id == id)
			return true;
	return false;
}

static void add_products(struct lookup *l, const struct catalog_list *list, int max)
{
	for (int i = 0; i < list->n && l->nproducts < LOOKUP_MAX_PRODUCTS && max > 0; i++)
		if (!has_product(l, list->v[i].id)) {
			l->products[l->nproducts++] = list->v[i];
			max--;
		}
}

/* Search; when nothing matches, drop the features, then look near the
 * price, then drop the brand, then the category. */
static int search_relaxed(struct db *db, struct arena *a, struct catalog_filter *f, struct lookup *l,
			  int max)
{
	struct catalog_list list;
	if (catalog_search(db, a, f, &list) < 0)
		return -1;
	if (!list.n && f->nfeatures) {
		f->min_features = 1;
		if (f->nfeatures > 1 && catalog_search(db, a, f, &list) < 0)
			return -1;
		l->relaxed |= LOOKUP_RELAX_FEATURES;
		if (!list.n) {
			f->nfeatures = f->min_features = 0;
			if (catalog_search(db, a, f, &list) < 0)
				return -1;
		}
	}
	if (!list.n && (f->min_price >= 0 || f->max_price >= 0)) {
		if (catalog_nearest_price(db, a, f, max, &list) < 0)
			return -1;
		l->relaxed |= LOOKUP_RELAX_PRICE;
		l->by_price = true;
	}
	if (!list.n && f->brand) {
		f->brand = NULL;
		l->relaxed |= LOOKUP_RELAX_BRAND;
		if (catalog_search(db, a, f, &list) < 0)
			return -1;
	}
	if (!list.n && f->category_id) {
		f->category_id = 0;
		l->relaxed |= LOOKUP_RELAX_CATEGORY;
		if (catalog_search(db, a, f, &list) < 0)
			return -1;
	}
	add_products(l, &list, max);
	return 0;
}

/* The content words of the message, for a free-text search. */
static const char *content_words(struct arena *a, const struct text_toks *t)
{
	char *q = arena_strdup(a, "");
	for (int i = 0; i < t->n; i++)
		if (!t->v[i].stop && t->v[i].len >= 3)
			q = arena_printf(a, "%s%s%s", q, *q ? " " : "", t->v[i].s);
	return *q ? q : NULL;
}

static bool no_filters(const struct nlu_entities *e)
{
	return !e->category_id && !e->nbrands && !e->nfeatures && !e->has_price && !e->nproducts;
}

/* Nothing matched and nothing was recognised: the category of the product
 * whose text ranks best for the message's words (FTS5 bm25). */
static int suggest_category(struct db *db, struct arena *a, const struct text_toks *t, struct lookup *l)
{
	struct catalog_filter f;
	catalog_filter_init(&f);
	f.q = content_words(a, t);
	f.q_any = true;
	f.limit = 1;
	struct catalog_list list;
	if (!f.q)
		return 0;
	if (catalog_search(db, a, &f, &list) < 0)
		return -1;
	if (list.n)
		l->suggest_category = list.v[0].category;
	return 0;
}

static int named_products(struct db *db, struct arena *a, const struct nlu_entities *e, struct lookup *l)
{
	for (int i = 0; i < e->nproducts && l->nproducts < LOOKUP_MAX_PRODUCTS; i++) {
		int rc = catalog_get(db, a, e->product_ids[i], &l->products[l->nproducts]);
		if (rc < 0)
			return -1;
		l->nproducts += rc;
	}
	return 0;
}

static int search(struct db *db, struct arena *a, const struct nlu_result *res, struct lookup *l)
{
	const struct nlu_entities *e = &res->e;
	struct catalog_filter f;
	if (named_products(db, a, e, l) < 0)
		return -1;
	filter_from(e, &f);
	if (no_filters(e)) {
		f.q = content_words(a, &res->toks);
		f.q_any = true;
		if (!f.q)
			return 0;
	}
	if (e->nbrands < 2)
		return search_relaxed(db, a, &f, l, LOOKUP_MAX_PRODUCTS);
	for (int i = 0; i < e->nbrands; i++) {
		filter_from(e, &f);
		f.brand = e->brands[i];
		if (search_relaxed(db, a, &f, l, PER_BRAND) < 0)
			return -1;
	}
	return 0;
}

static int add_similar(struct db *db, struct arena *a, const struct nlu_entities *e,
		       const struct catalog_product *p, struct lookup *l)
{
	struct catalog_list list;
	int64_t lo = e->has_price ? e->price.min : -1, hi = e->has_price ? e->price.max : -1;
	if (catalog_similar(db, a, p, lo, hi, SIMILAR + l->nproducts, &list) < 0)
		return -1;
	int before = l->nproducts;
	add_products(l, &list, SIMILAR);
	l->nsimilar = l->nproducts - before;
	return 0;
}

static int recommend(struct db *db, struct arena *a, const struct nlu_result *res, struct lookup *l)
{
	const struct nlu_entities *e = &res->e;
	if (e->nproducts) {
		if (named_products(db, a, e, l) < 0)
			return -1;
		return l->nproducts ? add_similar(db, a, e, &l->products[0], l) : 0;
	}
	struct catalog_filter f;
	filter_from(e, &f);
	f.in_stock = true;
	/* Within what was asked, the better-equipped (dearer) first, unless
	 * the user wants it cheap. */
	f.order = e->price.cheap ? CATALOG_BY_PRICE_ASC : CATALOG_BY_PRICE_DESC;
	if (no_filters(e))
		return 0;
	if (search_relaxed(db, a, &f, l, LOOKUP_MAX_PRODUCTS - SIMILAR) < 0)
		return -1;
	/* Few matches: products like the best one fill the list. */
	return l->nproducts && l->nproducts < SIMILAR ? add_similar(db, a, e, &l->products[0], l) : 0;
}

static int by_price(const void *x, const void *y)
{
	const struct catalog_product *a = x, *b = y;
	return a->price < b->price ? -1 : a->price > b->price ? 1 : (a->id > b->id) - (a->id < b->id);
}

static int compare(struct db *db, struct arena *a, const struct nlu_result *res, struct lookup *l)
{
	const struct nlu_entities *e = &res->e;
	if (named_products(db, a, e, l) < 0)
		return -1;
	if (l->nproducts == 1 && add_similar(db, a, e, &l->products[0], l) < 0)
		return -1;
	if (!l->nproducts) {
		struct catalog_filter f;
		for (int i = 0; i < (e->nbrands ? e->nbrands : 1); i++) {
			filter_from(e, &f);
			f.brand = e->nbrands ? e->brands[i] : NULL;
			f.order = CATALOG_BY_PRICE_ASC;
			if (!no_filters(e) && search_relaxed(db, a, &f, l, e->nbrands ? PER_BRAND : LOOKUP_MAX_PRODUCTS) < 0)
				return -1;
		}
	}
	qsort(l->products, (size_t)l->nproducts, sizeof(l->products[0]), by_price);
	l->nsimilar = 0;
	l->by_price = true;
	return 0;
}

static int office(struct db *db, struct arena *a, const struct nlu_entities *e, struct lookup *l)
{
	if (e->office_id) {
		int rc = directory_get(db, a, e->office_id, &l->offices[0]);
		l->noffices = rc > 0;
		return rc < 0 ? -1 : 0;
	}
	struct directory_list list;
	if (directory_search(db, a, NULL, 0, 500, &list) < 0)
		return -1;
	l->total_offices = list.n;
	for (int i = 0; i < list.n && l->noffices < LOOKUP_MAX_OFFICES; i++)
		l->offices[l->noffices++] = list.v[i];
	return 0;
}

int lookup_run(struct db *db, struct arena *a, const struct nlu_result *res, struct lookup *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	switch (res->intent) {
	case NLU_BUSCAR_PRODUCTO: rc = search(db, a, res, out); break;
	case NLU_RECOMENDAR_CATEGORIA: rc = recommend(db, a, res, out); break;
	case NLU_COMPARAR_PRECIOS: rc = compare(db, a, res, out); break;
	case NLU_INFO_PRODUCTO:
		rc = res->e.nproducts ? named_products(db, a, &res->e, out) : search(db, a, res, out);
		break;
	case NLU_CONSULTAR_OFICINA: rc = office(db, a, &res->e, out); break;
	default: return 0;
	}
	if (rc < 0)
		return -1;
	if (res->intent != NLU_CONSULTAR_OFICINA && !out->nproducts && suggest_category(db, a, &res->toks, out) < 0)
		return -1;
	out->found = out->nproducts > 0 || out->noffices > 0;
	return 0;
}
