/* importer: validation with file:line errors, nothing written from a file
 * with errors, updates by key on re-import, the FTS and list tables kept
 * by the triggers. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shop_fixture.h"

#include <string.h>

static const char categories[] =
	"slug,name,parent_slug,name_en,synonyms\n"
	"celulares,Celulares,tecnologia,Phones,celular|Teléfono|phone\n" /* child before parent */
	"tecnologia,Tecnología,,Technology,tech\n";
static const char products[] =
	"sku,name,category_slug,brand,price,stock,active,description,features\n"
	"A1,Samsung Galaxy A55,celulares,Samsung,429990,3,1,\"Pantalla, 6,6\"\"\",5G|Negro| azul |5g\n"
	"A2,Apple iPhone 15,celulares,Apple,899990,0,1,,5g|negro\n";

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(db, &n, sql, ""), 1);
	return n;
}

/* Import from memory, with the errors written to a string. */
static int import(struct db *db, const char *name, const char *data, enum importer_kind kind,
		  struct importer_report *rep, char *errors, size_t cap)
{
	FILE *err = fmemopen(errors, cap, "w");
	assert_non_null(err);
	int rc = importer_data(db, name, data, strlen(data), kind, err, rep);
	fclose(err);
	return rc;
}

static void test_import_and_triggers(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_empty(&f);
	assert_non_null(db);
	char errors[2048] = "";
	struct importer_report rep;
	assert_int_equal(import(db, "c.csv", categories, IMPORTER_CATEGORIES, &rep, errors, sizeof(errors)), 0);
	assert_int_equal(rep.inserted, 2);
	assert_int_equal(count(db, "SELECT parent_id FROM categories WHERE slug = 'celulares'"),
			 count(db, "SELECT id FROM categories WHERE slug = 'tecnologia'"));
	assert_int_equal(import(db, "p.csv", products, IMPORTER_PRODUCTS, &rep, errors, sizeof(errors)), 0);
	assert_int_equal(rep.rows, 2);
	/* features lower-cased, trimmed, without duplicates, as rows */
	assert_int_equal(count(db, "SELECT count(*) FROM product_features pf JOIN products p ON p.id = pf.product_id"
				   " WHERE p.sku = 'A1'"), 3);
	assert_int_equal(count(db, "SELECT count(*) FROM products WHERE description = 'Pantalla, 6,6\"'"), 1);
	/* the category's synonyms reach the product index */
	assert_int_equal(count(db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'telefono'"), 2);
	/* re-import updates by sku */
	const char *again = "sku,name,category_slug,brand,price\nA1,Samsung Galaxy A55 5G,celulares,Samsung,399990\n";
	assert_int_equal(import(db, "p2.csv", again, IMPORTER_PRODUCTS, &rep, errors, sizeof(errors)), 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.inserted, 0);
	assert_int_equal(count(db, "SELECT price FROM products WHERE sku = 'A1'"), 399990);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'name:5g'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM product_features pf JOIN products p ON p.id = pf.product_id"
				   " WHERE p.sku = 'A1'"), 0); /* this file has no features column */
	shop_fixture_done(&f);
}

static void test_errors_write_nothing(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_empty(&f);
	char errors[4096] = "";
	struct importer_report rep;
	assert_int_equal(import(db, "c.csv", categories, IMPORTER_CATEGORIES, &rep, errors, sizeof(errors)), 0);
	const char *bad =
		"sku,name,category_slug,brand,price,stock,active\n"
		"B1,Good row,celulares,Acme,1000,1,1\n"
		"B2,No category,nada,Acme,1000,1,1\n"
		"B3,Bad price,celulares,Acme,12.5,1,1\n"
		"B1,Repeated sku,celulares,Acme,1000,1,1\n"
		"B4,Bad stock,celulares,Acme,1000,-2,maybe\n"
		"B5,Too few fields\n"
		"B6,,celulares,Acme,1000,1,1\n";
	assert_int_equal(import(db, "bad.csv", bad, IMPORTER_PRODUCTS, &rep, errors, sizeof(errors)), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 0);
	assert_non_null(strstr(errors, "bad.csv:3: category_slug 'nada'"));
	assert_non_null(strstr(errors, "bad.csv:4: price '12.5'"));
	assert_non_null(strstr(errors, "bad.csv:5: sku 'B1' appears twice"));
	assert_non_null(strstr(errors, "bad.csv:6: stock"));
	assert_non_null(strstr(errors, "bad.csv:6: active"));
	assert_non_null(strstr(errors, "bad.csv:7: 2 fields, the header has 7"));
	assert_non_null(strstr(errors, "bad.csv:8: name is empty"));
	assert_null(strstr(errors, "bad.csv:2:"));
	assert_true(rep.errors >= 7);
	/* a header without a required column, and an unknown column */
	assert_int_equal(import(db, "h.csv", "sku,name\nX,Y\n", IMPORTER_PRODUCTS, &rep, errors, sizeof(errors)), -1);
	assert_non_null(strstr(errors, "lacks the column 'price'"));
	assert_int_equal(import(db, "u.csv", "slug,name,color\na,b,c\n", IMPORTER_CATEGORIES, &rep, errors,
				sizeof(errors)), -1);
	assert_non_null(strstr(errors, "u.csv:1: column 'color' is not known"));
	shop_fixture_done(&f);
}

static void test_category_cycle(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_empty(&f);
	char errors[2048] = "";
	struct importer_report rep;
	const char *cycle = "slug,name,parent_slug\na,A,b\nb,B,a\n";
	assert_int_equal(import(db, "cy.csv", cycle, IMPORTER_CATEGORIES, &rep, errors, sizeof(errors)), -1);
	assert_non_null(strstr(errors, "lead back"));
	assert_int_equal(count(db, "SELECT count(*) FROM categories"), 0);
	shop_fixture_done(&f);
}

static void test_offices(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_empty(&f);
	char errors[2048] = "";
	struct importer_report rep;
	const char *offices =
		"municipio,localidades,cabecera,dependencia,direccion,telefono,whatsapp,horario,email\n"
		"Río Cuarto,Banda Norte|Alberdi,Río Cuarto,Oficina RC,Constitución 870,+54 358 467-8030,"
		"5493586545033,Lun a Vie 7-13,rc@ejemplo.gob.ar\n";
	assert_int_equal(import(db, "o.csv", offices, IMPORTER_OFFICES, &rep, errors, sizeof(errors)), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM localities"), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM offices_fts WHERE offices_fts MATCH 'rio'"), 1);
	const char *update =
		"municipio,localidades,direccion,telefono\nrío cuarto,Banda Norte,Otra 1,123\n";
	assert_int_equal(import(db, "o2.csv", update, IMPORTER_OFFICES, &rep, errors, sizeof(errors)), 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(count(db, "SELECT count(*) FROM localities"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM offices"), 1);
	const char *bad =
		"municipio,localidades,direccion,telefono,email\nX,,Calle,abc,no-mail\nX,,Calle,1,\n";
	assert_int_equal(import(db, "o3.csv", bad, IMPORTER_OFFICES, &rep, errors, sizeof(errors)), -1);
	assert_non_null(strstr(errors, "o3.csv:2: telefono 'abc'"));
	assert_non_null(strstr(errors, "o3.csv:2: email 'no-mail'"));
	assert_non_null(strstr(errors, "o3.csv:3: municipio 'X' appears twice"));
	shop_fixture_done(&f);
}

static void test_seed_files(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_seeded(&f);
	assert_non_null(db);
	assert_true(count(db, "SELECT count(*) FROM products") >= 200);
	assert_true(count(db, "SELECT count(*) FROM categories WHERE parent_id IS NULL") >= 8);
	assert_true(count(db, "SELECT count(*) FROM offices") >= 30);
	assert_int_equal(importer_detect("db/seed/products.csv"), IMPORTER_PRODUCTS);
	assert_int_equal(importer_detect("db/seed/categories.csv"), IMPORTER_CATEGORIES);
	assert_int_equal(importer_detect("db/seed/offices.csv"), IMPORTER_OFFICES);
	assert_int_equal(importer_detect("db/seed/README.md"), IMPORTER_UNKNOWN);
	assert_int_equal(importer_detect("/nonexistent"), IMPORTER_UNKNOWN);
	shop_fixture_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_and_triggers),
		cmocka_unit_test(test_errors_write_nothing),
		cmocka_unit_test(test_category_cycle),
		cmocka_unit_test(test_offices),
		cmocka_unit_test(test_seed_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
