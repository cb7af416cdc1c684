/* importer: load catalog and directory CSV files (categories, products,
 * offices): every row is validated first, errors are reported as
 * file:line, and a file with any error writes nothing; a valid file is
 * written in one transaction, updating rows that exist by their key
 * (slug, sku, municipio). */
#ifndef MC_IMPORTER_H
#define MC_IMPORTER_H

#include <stdio.h>

struct db;

enum importer_kind {
	IMPORTER_UNKNOWN,
	IMPORTER_CATEGORIES,
	IMPORTER_PRODUCTS,
	IMPORTER_OFFICES,
};

struct importer_report {
	int rows;      /* data rows read */
	int inserted;
	int updated;
	int errors;    /* rows refused: when > 0 nothing was written */
};

/* Which kind of file this is, from its header line (IMPORTER_UNKNOWN when
 * the file cannot be read or the header names none). */
enum importer_kind importer_detect(const char *path);
const char *importer_kind_name(enum importer_kind kind);

/* Import one file of a known kind. Errors go to err as "path:line: why".
 * Returns 0 (written), -1 (refused: errors reported, nothing written) or
 * -2 (database failure, rolled back). */
int importer_file(struct db *db, const char *path, enum importer_kind kind, FILE *err,
		  struct importer_report *rep);
/* The same for data in memory (tests and the fuzz target); name labels errors. */
int importer_data(struct db *db, const char *name, const char *data, size_t len,
		  enum importer_kind kind, FILE *err, struct importer_report *rep);

#endif
