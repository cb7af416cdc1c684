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

#include <stdio.h>
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

/* The upload's way (POST /cgi-bin/data): bad rows reported through the
 * callback by line and left out, the good ones written, inside the
 * caller's transaction (a savepoint), which a dry run rolls back. */
struct collected {
	int lines[16];
	char first[256];
	int n;
};

static void collect(void *ctx, int line, const char *message)
{
	struct collected *c = ctx;
	if (c->n == 0)
		snprintf(c->first, sizeof(c->first), "%s", message);
	if (c->n < 16)
		c->lines[c->n++] = line;
}

static void test_skip_bad_rows_and_dry_run(void **state)
{
	(void)state;
	struct shop_fixture f;
	struct db *db = shop_fixture_empty(&f);
	char errors[2048] = "";
	struct importer_report rep;
	assert_int_equal(import(db, "c.csv", categories, IMPORTER_CATEGORIES, &rep, errors, sizeof(errors)), 0);
	const char *mixed =
		"sku,name,category_slug,brand,price\n"
		"G1,Good,celulares,Acme,1000\n"
		"G2,Bad price,celulares,Acme,1.5\n"
		"G3,\"Quoted, fine\",celulares,Acme,2000\n"
		"G1,Repeated,celulares,Acme,3000\n";
	struct collected got = { .n = 0 };
	struct importer_opts o = { .skip_bad_rows = true, .on_error = collect, .ctx = &got };

	/* A dry run: the caller's transaction, rolled back. */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(importer_data_with(db, "m.csv", mixed, strlen(mixed), IMPORTER_PRODUCTS, &o, &rep), 0);
	assert_int_equal(rep.rows, 4);
	assert_int_equal(rep.inserted, 2);
	assert_int_equal(rep.bad_rows, 2);
	assert_false(rep.header_bad);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.lines[0], 3);
	assert_int_equal(got.lines[1], 5);
	assert_non_null(strstr(got.first, "price '1.5'"));
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 2); /* visible inside it */
	db_rollback(db);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 0);

	/* For real, on its own. */
	got.n = 0;
	assert_int_equal(importer_data_with(db, "m.csv", mixed, strlen(mixed), IMPORTER_PRODUCTS, &o, &rep), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 2);
	assert_int_equal(count(db, "SELECT price FROM products WHERE sku = 'G1'"), 1000);

	/* Only bad rows: nothing written, -1. A wrong header: header_bad. */
	const char *all_bad = "sku,name,category_slug,brand,price\nB1,X,nada,Acme,1\n";
	assert_int_equal(importer_data_with(db, "b.csv", all_bad, strlen(all_bad), IMPORTER_PRODUCTS, &o, &rep), -1);
	assert_int_equal(rep.bad_rows, 1);
	assert_false(rep.header_bad);
	const char *header = "sku,name,colour\nA,B,C\n";
	assert_int_equal(importer_data_with(db, "h.csv", header, strlen(header), IMPORTER_PRODUCTS, &o, &rep), -1);
	assert_true(rep.header_bad);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 2);

	/* A parent refused in the same file takes its children with it. */
	const char *cats = "slug,name,parent_slug\nBad Slug,X,\nhija,Hija,Bad Slug\nsola,Sola,\n";
	got.n = 0;
	assert_int_equal(importer_data_with(db, "k.csv", cats, strlen(cats), IMPORTER_CATEGORIES, &o, &rep), 0);
	assert_int_equal(rep.bad_rows, 2);
	assert_int_equal(count(db, "SELECT count(*) FROM categories WHERE slug IN ('hija', 'sola')"), 1);
	shop_fixture_done(&f);
}

static void test_columns_and_detection(void **state)
{
	(void)state;
	char cols[256];
	importer_columns(IMPORTER_PRODUCTS, cols, sizeof(cols));
	assert_string_equal(cols, "sku, name, category_slug, brand, price (required); stock, active, description, features");
	importer_columns(IMPORTER_OFFICES, cols, sizeof(cols));
	assert_non_null(strstr(cols, "municipio, localidades, direccion, telefono (required)"));
	const char *p = "\xEF\xBB\xBFSKU,Name,Price\r\n1,2,3\r\n";
	assert_int_equal(importer_detect_data(p, strlen(p)), IMPORTER_PRODUCTS);
	assert_int_equal(importer_detect_data("slug,name", 9), IMPORTER_CATEGORIES);
	assert_int_equal(importer_detect_data("municipio\n", 10), IMPORTER_OFFICES);
	assert_int_equal(importer_detect_data("a,b\nsku\n", 8), IMPORTER_UNKNOWN);
	assert_int_equal(importer_detect_data("", 0), IMPORTER_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_and_triggers),
		cmocka_unit_test(test_errors_write_nothing),
		cmocka_unit_test(test_category_cycle),
		cmocka_unit_test(test_offices),
		cmocka_unit_test(test_seed_files),
		cmocka_unit_test(test_skip_bad_rows_and_dry_run),
		cmocka_unit_test(test_columns_and_detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
