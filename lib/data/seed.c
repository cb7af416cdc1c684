/* seed: the built-in catalog and office directory, compiled in, loaded into
 * whichever of the two is empty. */
#include "data/seed.h"
#include "core/db.h"
#include "core/schema.h"
#include "data/importer.h"

#include <string.h>

struct seed_file {
	const char *name;
	const char *data;
	unsigned long len;
};
/* Generated at build time from the CSV files of db/seed/. */
extern const struct seed_file seed_files[];
extern const int seed_files_count;

static int64_t count_rows(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_int(db, &n, sql, "");
	return n;
}

static int seed_file(struct db *db, const char *name, enum importer_kind kind, FILE *log)
{
	for (int i = 0; i < seed_files_count; i++) {
		if (strcmp(seed_files[i].name, name) != 0)
			continue;
		struct importer_report rep;
		if (importer_data(db, name, seed_files[i].data, seed_files[i].len, kind, log, &rep) < 0)
			return -1;
		fprintf(log, "seed %s: %d rows\n", name, rep.rows);
		return 0;
	}
	fprintf(log, "seed %s: not built in\n", name);
	return -1;
}

/* Categories before products (a product names its category). */
int seed_load_builtin(struct db *db, FILE *log)
{
	int64_t catalog = count_rows(db, "SELECT (SELECT count(*) FROM categories) + (SELECT count(*) FROM products)");
	int64_t offices = count_rows(db, "SELECT count(*) FROM offices");
	if (catalog < 0 || offices < 0)
		return -1;
	int rc = 0;
	if (catalog == 0 && (seed_file(db, "categories.csv", IMPORTER_CATEGORIES, log) < 0 ||
			     seed_file(db, "products.csv", IMPORTER_PRODUCTS, log) < 0))
		rc = -1;
	if (offices == 0 && seed_file(db, "offices.csv", IMPORTER_OFFICES, log) < 0)
		rc = -1;
	return rc;
}

int schema_seed_builtin(struct db *db, FILE *log)
{
	return seed_load_builtin(db, log);
}
