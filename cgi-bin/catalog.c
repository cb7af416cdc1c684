/* catalog: GET the category tree with product counts, or the products that
 * match category, brand, q, min_price and max_price (docs/API.md); id=N gives
 * one product with its details. A q that finds nothing is tried again
 * spelled as the catalog spells its words (samsumg -> samsung). Logged-in
 * users only. */
#include "chat/assistants.h"
#include "core/app.h"
#include "core/cache_req.h"
#include "core/auth.h"
#include "data/catalog.h"
#include "core/db.h"
#include "assistant/nlu_spell.h"
#include "assistant/nlu_vocab.h"
#include "core/req.h"
#include "core/resp.h"

#include <ctype.h>
#include <string.h>

#define PRICE_MAX 1000000000000LL
/* Free text (q, brand, category): longer than any product name anyone types. */
#define TEXT_MAX 200

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The category field is an id, a slug or a name: 1 found (*id), 0 not, -1 error. */
static int category_id(struct db *db, const char *v, int64_t *id)
{
	*id = 0;
	if (all_digits(v))
		return db_int(db, id, "SELECT id FROM categories WHERE id = ?1", "s", v);
	return db_int(db, id, "SELECT id FROM categories WHERE slug = ?1 OR name = ?1 COLLATE NOCASE"
		      " ORDER BY slug <> ?1 LIMIT 1", "s", v);
}

static bool read_filter(struct req *r, struct catalog_filter *f)
{
	int64_t limit;
	const char *brand = req_field(r, "brand", ""), *q = req_field(r, "q", "");
	if (strlen(brand) > TEXT_MAX || strlen(q) > TEXT_MAX || strlen(req_field(r, "category", "")) > TEXT_MAX) {
		resp_error(r, 400, "invalid_input", "q, brand and category are at most %d bytes each", TEXT_MAX);
		return false;
	}
	f->brand = *brand ? brand : NULL;
	f->q = *q ? q : NULL;
	if (req_field_int(r, "min_price", -1, 0, PRICE_MAX, &f->min_price) < 0 ||
	    req_field_int(r, "max_price", -1, 0, PRICE_MAX, &f->max_price) < 0 ||
	    req_field_int(r, "limit", 50, 1, 100, &limit) < 0) {
		resp_error(r, 400, "invalid_input", "min_price and max_price are whole pesos >= 0; limit is 1 to 100");
		return false;
	}
	f->limit = (int)limit;
	f->in_stock = strcmp(req_field(r, "in_stock", "0"), "1") == 0;
	const char *sort = req_field(r, "sort", "");
	f->order = strcmp(sort, "price") == 0 ? CATALOG_BY_PRICE_ASC
		 : strcmp(sort, "-price") == 0 ? CATALOG_BY_PRICE_DESC : CATALOG_BY_RELEVANCE;
	return true;
}

/* Nothing matched q: search again with q's words corrected against the
 * catalog's vocabulary, when that changes them. *corrected gets the q
 * used when it found something. 0, or -1 on a database error. */
static int search_corrected(struct req *r, struct db *db, struct catalog_filter *f,
			    struct catalog_list *list, const char **corrected)
{
	struct nlu_vocab *v = arena_alloc(&r->arena, sizeof(*v));
	if (nlu_vocab_load(db, &r->arena, v) < 0)
		return -1;
	const char *q = nlu_spell_text(&r->arena, v, f->q);
	if (!*q || strcmp(q, text_fold(&r->arena, f->q)) == 0)
		return 0;
	f->q = q;
	if (catalog_search(db, &r->arena, f, list) < 0)
		return -1;
	*corrected = list->n > 0 ? q : NULL;
	return 0;
}

static void list_products(struct req *r, struct db *db)
{
	struct catalog_filter f;
	catalog_filter_init(&f);
	if (!read_filter(r, &f))
		return;
	const char *category = req_field(r, "category", "");
	struct catalog_list list = { NULL, 0 };
	if (*category) {
		int rc = category_id(db, category, &f.category_id);
		if (rc < 0) {
			resp_internal(r, "looking up the category failed");
			return;
		}
		if (rc == 0) { /* no such category: nothing matches */
			resp_json(r, 200, json_pack("{s:[]}", "products"));
			return;
		}
	}
	const char *corrected = NULL;
	if (catalog_search(db, &r->arena, &f, &list) < 0 ||
	    (list.n == 0 && f.q && search_corrected(r, db, &f, &list, &corrected) < 0)) {
		resp_internal(r, "the product search failed");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < list.n; i++)
		json_array_append_new(arr, catalog_product_json(&list.v[i], true));
	json_t *body = json_pack("{s:o}", "products", arr);
	if (corrected)
		json_object_set_new(body, "q_corrected", json_string(corrected));
	resp_json(r, 200, body);
}

static void one_product(struct req *r, struct db *db)
{
	int64_t id;
	if (req_field_int(r, "id", 0, 1, INT64_MAX, &id) < 0) {
		resp_error(r, 400, "invalid_input", "id must be a product id");
		return;
	}
	struct catalog_product p;
	int rc = catalog_get(db, &r->arena, id, &p);
	if (rc < 0)
		resp_internal(r, "reading the product failed");
	else if (rc == 0)
		resp_error(r, 404, "not_found", "no product %lld", (long long)id);
	else
		resp_json(r, 200, json_pack("{s:o}", "product", catalog_product_json(&p, true)));
}

static bool any_filter(struct req *r)
{
	static const char *const names[] = { "category", "brand", "q", "min_price", "max_price" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (req_field(r, names[i], NULL))
			return true;
	return false;
}

/* A visitor reads only what a public assistant answers from. */
static bool may_read(struct req *r, struct db *db)
{
	int rc = assistants_may_read(db, &r->user, ASSISTANT_CATALOG);
	if (rc < 0)
		resp_internal(r, "checking the visitor's access failed");
	else if (rc == 0)
		resp_error(r, 403, "forbidden", "no public assistant answers from the catalog: log in to read it");
	return rc == 1;
}

static void handle(struct req *r)
{
	/* The catalog is the same for everybody and changes only by import
	 * (microchat-admin renews the shared cache scope). */
	static const char *const read[] = { "id", "category", "brand", "q", "min_price", "max_price",
					    "limit", "in_stock", "sort", NULL };
	if (app_answer_cached(r, "GET", APP_MEMBER, true, cache_req_fields_key(r, "catalog", read), 0))
		return;
	struct db *db = app_begin(r, "GET", APP_USER);
	if (!db || !may_read(r, db))
		return;
	if (req_field(r, "id", NULL)) {
		one_product(r, db);
	} else if (any_filter(r)) {
		list_products(r, db);
	} else {
		json_t *cats = catalog_categories_json(db, &r->arena);
		if (cats)
			resp_json(r, 200, cats);
		else
			resp_internal(r, "listing the categories failed");
	}
}

int main(void)
{
	return app_main("catalog", handle, APP_KIND);
}
