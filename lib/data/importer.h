/* importer: load catalog and directory CSV files (categories, products,
 * offices): every row is validated first, errors are reported as
 * file:line, and a file with any error writes nothing (or, when asked,
 * only its good rows); a file is written in one transaction (a savepoint
 * inside the caller's), updating rows that exist by their key (slug, sku,
 * municipio). */
#ifndef MC_IMPORTER_H
#define MC_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>
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
	int errors;    /* problems found: without skip_bad_rows, > 0 means nothing was written */
	int bad_rows;  /* data rows refused */
	bool header_bad; /* the header line is wrong: nothing was read past it */
};

/* How one file is imported (importer_data_with). */
struct importer_opts {
	/* Write the rows that pass and report the others; otherwise a file
	 * with any error writes nothing. A file with no good row writes
	 * nothing either way. */
	bool skip_bad_rows;
	/* Each error (line: the file's line, the header being 1), at most
	 * IMPORTER_ERRORS_SHOWN of them; NULL: "name:line: why" lines to err. */
	void (*on_error)(void *ctx, int line, const char *message);
	void *ctx;
	FILE *err;
};

#define IMPORTER_ERRORS_SHOWN 50

/* Which kind of file this is, from its header line (IMPORTER_UNKNOWN when
 * the file cannot be read or the header names none). */
enum importer_kind importer_detect(const char *path);
/* The same from a file's text. */
enum importer_kind importer_detect_data(const char *data, size_t len);
const char *importer_kind_name(enum importer_kind kind);
/* The columns of a kind for people: "slug, name (required); parent_slug,
 * name_en, synonyms". */
void importer_columns(enum importer_kind kind, char *out, size_t n);

/* Import one file of a known kind. Errors go to err as "path:line: why".
 * Returns 0 (written), -1 (refused: errors reported, nothing written) or
 * -2 (database failure, rolled back). */
int importer_file(struct db *db, const char *path, enum importer_kind kind, FILE *err,
		  struct importer_report *rep);
/* The same for data in memory (tests and the fuzz target); name labels errors. */
int importer_data(struct db *db, const char *name, const char *data, size_t len,
		  enum importer_kind kind, FILE *err, struct importer_report *rep);
/* The same with options (POST /cgi-bin/data). Returns 0 (written, some
 * rows perhaps refused with skip_bad_rows), -1 (nothing written) or -2. */
int importer_data_with(struct db *db, const char *name, const char *data, size_t len,
		       enum importer_kind kind, const struct importer_opts *o,
		       struct importer_report *rep);

#endif
