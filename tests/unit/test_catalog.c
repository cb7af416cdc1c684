/* catalog and directory: the queries on the seed data (filters, FTS,
 * similar products, nearest price, category counts; fuzzy office search). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shop_fixture.h"
#include "core/arena.h"
#include "data/catalog.h"
#include "data/directory.h"

#include <string.h>

SHOP_FIXTURE_GROUP()

static int64_t category(const char *slug)
{
	int64_t id = 0;
	db_int(fixture.db, &id, "SELECT id FROM categories WHERE slug = ?1", "s", slug);
	return id;
}

static void test_filters(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct catalog_filter f;
	struct catalog_list l;
	catalog_filter_init(&f);
	f.category_id = category("tecnologia"); /* a parent: its subcategories count */
	f.brand = "samsung";
	f.max_price = 400000;
	f.order = CATALOG_BY_PRICE_ASC;
	assert_int_equal(catalog_search(fixture.db, &a, &f, &l), 0);
	assert_true(l.n >= 2);
	for (int i = 0; i < l.n; i++) {
		assert_string_equal(l.v[i].brand, "Samsung");
		assert_true(l.v[i].price <= 400000);
		if (i)
			assert_true(l.v[i - 1].price <= l.v[i].price);
	}
	/* all of the features */
	catalog_filter_init(&f);
	f.features[0] = "5g", f.features[1] = "negro";
	f.nfeatures = f.min_features = 2;
	assert_int_equal(catalog_search(fixture.db, &a, &f, &l), 0);
	assert_true(l.n > 0);
	for (int i = 0; i < l.n; i++)
		assert_non_null(strstr(l.v[i].features, "\"5g\""));
	/* free text through FTS5, accents and case folded */
	catalog_filter_init(&f);
	f.q = "AUDÍFONOS inalámbricos";
	assert_int_equal(catalog_search(fixture.db, &a, &f, &l), 0);
	assert_true(l.n > 0);
	assert_string_equal(l.v[0].category_slug, "audio");
	f.q = "¿?";
	assert_int_equal(catalog_search(fixture.db, &a, &f, &l), 0);
	assert_int_equal(l.n, 0);
	arena_free(&a);
}

static void test_nearest_and_similar(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct catalog_filter f;
	struct catalog_list l;
	catalog_filter_init(&f);
	f.category_id = category("celulares");
	f.max_price = 10000;
	assert_int_equal(catalog_search(fixture.db, &a, &f, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(catalog_nearest_price(fixture.db, &a, &f, 3, &l), 0);
	assert_int_equal(l.n, 3);
	assert_true(l.v[0].price <= l.v[1].price && l.v[1].price <= l.v[2].price);
	int64_t cheapest = 0;
	db_int(fixture.db, &cheapest, "SELECT min(price) FROM products WHERE category_id = ?1 AND active = 1",
	       "I", f.category_id);
	assert_int_equal(l.v[0].price, cheapest);
	struct catalog_product p;
	assert_int_equal(catalog_get(fixture.db, &a, l.v[0].id, &p), 1);
	assert_int_equal(catalog_similar(fixture.db, &a, &p, -1, 400000, 4, &l), 0);
	assert_true(l.n > 0);
	for (int i = 0; i < l.n; i++) {
		assert_int_not_equal(l.v[i].id, p.id);
		assert_int_equal(l.v[i].category_id, p.category_id);
		assert_true(l.v[i].stock > 0 && l.v[i].price <= 400000);
	}
	assert_int_equal(catalog_get(fixture.db, &a, 999999, &p), 0);
	arena_free(&a);
}

static void test_categories_json(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	json_t *j = catalog_categories_json(fixture.db, &a);
	assert_non_null(j);
	json_t *cats = json_object_get(j, "categories"), *c;
	size_t i;
	int64_t total = 0, top = 0;
	json_array_foreach(cats, i, c)
		if (json_is_null(json_object_get(c, "parent_id")))
			top += json_integer_value(json_object_get(c, "product_count"));
	db_int(fixture.db, &total, "SELECT count(*) FROM products WHERE active = 1", "");
	assert_int_equal(top, total); /* every active product counted once under its root */
	json_decref(j);
	arena_free(&a);
}

static void find_office(const char *q, const char *want)
{
	struct arena a;
	arena_init(&a);
	struct directory_list l;
	assert_int_equal(directory_search(fixture.db, &a, q, 0.6, 5, &l), 0);
	if (!want) {
		assert_int_equal(l.n, 0);
	} else {
		assert_true(l.n > 0);
		if (strcmp(l.v[0].municipio, want) != 0)
			fail_msg("'%s': got %s, want %s", q, l.v[0].municipio, want);
	}
	arena_free(&a);
}

static void test_directory(void **state)
{
	(void)state;
	find_office("Río Cuarto", "Río Cuarto");
	find_office("rio cuatro", "Río Cuarto");
	find_office("carlos pas", "Villa Carlos Paz");
	find_office("nueva cordova", "Córdoba");
	find_office("banda norte", "Río Cuarto");
	find_office("MALAGUENO", "Malagueño");
	find_office("zzzzqqq", NULL);
	struct arena a;
	arena_init(&a);
	struct directory_list l;
	assert_int_equal(directory_search(fixture.db, &a, NULL, 0.6, 500, &l), 0);
	assert_true(l.n >= 30);
	assert_true(strcmp(l.v[0].municipio, l.v[1].municipio) <= 0);
	json_t *o = directory_office_json(&l.v[0], true);
	assert_true(json_is_array(json_object_get(o, "localidades")));
	assert_non_null(json_object_get(o, "score"));
	json_decref(o);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_nearest_and_similar),
		cmocka_unit_test(test_categories_json),
		cmocka_unit_test(test_directory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
