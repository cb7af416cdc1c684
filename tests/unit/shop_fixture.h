/* shop_fixture: a temporary SQLite file, migrated and loaded with the seed
 * catalog and directory (db/seed), for the tests of the shop modules.
 * Header-only: each test program includes it once. Run from the repo root. */
#ifndef MC_SHOP_FIXTURE_H
#define MC_SHOP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/db.h"
#include "data/importer.h"
#include "core/util.h"

struct shop_fixture {
	char path[64];
	struct db *db;
};

/* A migrated, empty database; NULL (and why on stderr) on failure. */
static inline struct db *shop_fixture_empty(struct shop_fixture *f)
{
	snprintf(f->path, sizeof(f->path), "/tmp/microchat-shop-XXXXXX");
	int fd = mkstemp(f->path);
	if (fd < 0)
		return NULL;
	close(fd);
	f->db = db_open(f->path);
	if (f->db && db_migrate(f->db, NULL) < 0) {
		db_close(f->db);
		f->db = NULL;
	}
	return f->db;
}

/* The same with the seed loaded. */
static inline struct db *shop_fixture_seeded(struct shop_fixture *f)
{
	static const struct { const char *file; enum importer_kind kind; } seed[] = {
		{ "db/seed/categories.csv", IMPORTER_CATEGORIES },
		{ "db/seed/products.csv", IMPORTER_PRODUCTS },
		{ "db/seed/offices.csv", IMPORTER_OFFICES },
	};
	if (!shop_fixture_empty(f))
		return NULL;
	for (size_t i = 0; i < MC_ARRAY_LEN(seed); i++) {
		struct importer_report rep;
		if (importer_file(f->db, seed[i].file, seed[i].kind, stderr, &rep) != 0) {
			db_close(f->db);
			return f->db = NULL;
		}
	}
	return f->db;
}

static inline void shop_fixture_done(struct shop_fixture *f)
{
	db_close(f->db);
	f->db = NULL;
	unlink(f->path);
	char side[80];
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
}

/* For a test program whose tests all read the seeded database: defines its
 * fixture and the cmocka group setup and teardown that make and drop it. */
#define SHOP_FIXTURE_GROUP()                                              \
	static struct shop_fixture fixture;                               \
	static int setup(void **state)                                    \
	{                                                                 \
		(void)state;                                              \
		return shop_fixture_seeded(&fixture) ? 0 : -1;            \
	}                                                                 \
	static int teardown(void **state)                                 \
	{                                                                 \
		(void)state;                                              \
		shop_fixture_done(&fixture);                              \
		return 0;                                                 \
	}

#endif
