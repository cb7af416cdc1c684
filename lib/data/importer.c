/* importer: load catalog and directory CSV files (categories, products,
 * offices): every row is validated first, errors are reported as
 * file:line, and a file with any error writes nothing (or only its good
 * rows, when asked); a file is written in one transaction, updating rows
 * that exist by their key. */
#include "data/importer.h"
#include "core/arena.h"
#include "data/csv.h"
#include "core/db.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 10
#define MAX_SHORT 200
#define MAX_LONG 4000
#define MAX_FILE (64 * 1024 * 1024)

struct column {
	const char *name;
	bool required;  /* the column must be in the header */
	bool nonempty;  /* and every row must give a value */
	size_t max;     /* bytes */
};

static const struct column category_cols[] = {
	{ "slug", true, true, 64 }, { "name", true, true, MAX_SHORT },
	{ "parent_slug", false, false, 64 }, { "name_en", false, false, MAX_SHORT },
	{ "synonyms", false, false, MAX_LONG }, { NULL, false, false, 0 },
};
enum { C_SLUG, C_NAME, C_PARENT, C_NAME_EN, C_SYNONYMS };

static const struct column product_cols[] = {
	{ "sku", true, true, 64 }, { "name", true, true, MAX_SHORT },
	{ "category_slug", true, true, 64 }, { "brand", true, true, MAX_SHORT },
	{ "price", true, true, 20 }, { "stock", false, false, 20 },
	{ "active", false, false, 10 }, { "description", false, false, MAX_LONG },
	{ "features", false, false, MAX_LONG }, { NULL, false, false, 0 },
};
enum { P_SKU, P_NAME, P_CATEGORY, P_BRAND, P_PRICE, P_STOCK, P_ACTIVE, P_DESCRIPTION, P_FEATURES };

static const struct column office_cols[] = {
	{ "municipio", true, true, MAX_SHORT }, { "localidades", true, false, MAX_LONG },
	{ "cabecera", false, false, MAX_SHORT }, { "dependencia", false, false, MAX_SHORT },
	{ "direccion", true, false, MAX_SHORT }, { "telefono", true, false, 64 },
	{ "whatsapp", false, false, 64 }, { "horario", false, false, MAX_SHORT },
	{ "email", false, false, MAX_SHORT }, { NULL, false, false, 0 },
};
enum { O_MUNICIPIO, O_LOCALIDADES, O_CABECERA, O_DEPENDENCIA, O_DIRECCION, O_TELEFONO,
       O_WHATSAPP, O_HORARIO, O_EMAIL };

struct row {
	int line;
	const char *v[MAX_COLS]; /* by column spec; "" when the file lacks it */
	const char *json;        /* the '|' list of the row as a JSON array */
	int64_t ref;             /* products: the category id */
	bool bad;                /* refused by a check: never written */
};

struct sheet {
	struct arena a;
	struct db *db;
	const char *name;
	const struct importer_opts *o;
	const struct column *cols;
	int ncols;
	int map[CSV_MAX_FIELDS]; /* file column -> spec index, -1 unused */
	int nfile_cols;
	struct row *rows;
	int nrows, arows;
	struct importer_report *rep;
};

__attribute__((format(printf, 3, 0)))
static void vcomplain(struct sheet *s, int line, const char *fmt, va_list ap)
{
	if (++s->rep->errors > IMPORTER_ERRORS_SHOWN)
		return;
	if (s->o->on_error) {
		char message[512];
		vsnprintf(message, sizeof(message), fmt, ap);
		s->o->on_error(s->o->ctx, line, message);
		return;
	}
	fprintf(s->o->err, "%s:%d: ", s->name, line);
	vfprintf(s->o->err, fmt, ap);
	fputc('\n', s->o->err);
}

__attribute__((format(printf, 3, 4)))
static void complain(struct sheet *s, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcomplain(s, line, fmt, ap);
	va_end(ap);
}

/* A complaint about one row, which is then never written. */
__attribute__((format(printf, 3, 4)))
static void refuse_row(struct sheet *s, struct row *r, const char *fmt, ...)
{
	if (!r->bad)
		s->rep->bad_rows++;
	r->bad = true;
	va_list ap;
	va_start(ap, fmt);
	vcomplain(s, r->line, fmt, ap);
	va_end(ap);
}

static const struct column *kind_cols(enum importer_kind kind)
{
	switch (kind) {
	case IMPORTER_CATEGORIES: return category_cols;
	case IMPORTER_PRODUCTS: return product_cols;
	case IMPORTER_OFFICES: return office_cols;
	default: return NULL;
	}
}

const char *importer_kind_name(enum importer_kind kind)
{
	switch (kind) {
	case IMPORTER_CATEGORIES: return "categories";
	case IMPORTER_PRODUCTS: return "products";
	case IMPORTER_OFFICES: return "offices";
	default: return "unknown";
	}
}

static char *trim(struct arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

static char *lower(struct arena *a, const char *s)
{
	char *k = arena_strdup(a, s);
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* --- reading the header and the rows ------------------------------------ */

static int spec_index(const struct sheet *s, const char *name)
{
	for (int i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return i;
	return -1;
}

static int read_header(struct sheet *s, struct csv *c)
{
	const char *f[CSV_MAX_FIELDS];
	int n = csv_next(c, f);
	if (n <= 0) {
		s->rep->header_bad = true;
		complain(s, c->line ? c->line : 1, "%s", n < 0 ? c->error : "the file is empty");
		return -1;
	}
	bool seen[MAX_COLS] = { false };
	s->nfile_cols = n;
	for (int i = 0; i < n; i++) {
		int k = spec_index(s, lower(&s->a, trim(&s->a, f[i])));
		if (k < 0 || seen[k]) {
			s->rep->header_bad = true;
			complain(s, c->line, "column '%s' is %s", f[i], k < 0 ? "not known" : "repeated");
			return -1;
		}
		seen[k] = true;
		s->map[i] = k;
	}
	for (int k = 0; k < s->ncols; k++)
		if (s->cols[k].required && !seen[k]) {
			s->rep->header_bad = true;
			complain(s, c->line, "the header lacks the column '%s'", s->cols[k].name);
		}
	return s->rep->header_bad ? -1 : 0;
}

static bool field_ok(struct sheet *s, int line, const struct column *col, const char *v)
{
	size_t n = strlen(v);
	if (!util_utf8_valid(v, n)) {
		complain(s, line, "%s is not valid UTF-8", col->name);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			complain(s, line, "%s holds a control character", col->name);
			return false;
		}
	if (n > col->max) {
		complain(s, line, "%s is longer than %zu bytes", col->name, col->max);
		return false;
	}
	if (col->nonempty && n == 0) {
		complain(s, line, "%s is empty", col->name);
		return false;
	}
	return true;
}

static struct row *row_add(struct sheet *s)
{
	if (s->nrows == s->arows) {
		s->arows = s->arows ? s->arows * 2 : 256;
		s->rows = xrealloc(s->rows, sizeof(struct row) * (size_t)s->arows);
	}
	struct row *r = &s->rows[s->nrows++];
	memset(r, 0, sizeof(*r));
	for (int k = 0; k < MAX_COLS; k++)
		r->v[k] = "";
	return r;
}

static void read_row(struct sheet *s, const struct csv *c, const char **f, int n)
{
	s->rep->rows++;
	if (n != s->nfile_cols) {
		s->rep->bad_rows++;
		complain(s, c->line, "%d fields, the header has %d", n, s->nfile_cols);
		return;
	}
	struct row *r = row_add(s);
	r->line = c->line;
	bool ok = true;
	for (int i = 0; i < n; i++) {
		const struct column *col = &s->cols[s->map[i]];
		r->v[s->map[i]] = trim(&s->a, f[i]);
		ok &= field_ok(s, c->line, col, r->v[s->map[i]]);
	}
	for (int k = 0; k < s->ncols; k++)
		if (s->cols[k].nonempty && !*r->v[k] && ok)
			ok = field_ok(s, c->line, &s->cols[k], r->v[k]);
	if (!ok) {
		s->rep->bad_rows++;
		s->nrows--;
	}
}

static int read_sheet(struct sheet *s, const char *data, size_t len)
{
	struct csv c;
	csv_init(&c, &s->a, data, len);
	if (read_header(s, &c) < 0)
		return -1;
	const char *f[CSV_MAX_FIELDS];
	int n;
	while ((n = csv_next(&c, f)) != 0) {
		if (n < 0) {
			s->rep->rows++;
			s->rep->bad_rows++;
			complain(s, c.line, "%s", c.error);
		} else {
			read_row(s, &c, f, n);
		}
	}
	return 0;
}

/* --- values --------------------------------------------------------------- */

/* "a|b|c" as a JSON array of trimmed, distinct, non-empty strings. */
static const char *list_json(struct arena *a, const char *s, bool lowercase)
{
	json_t *arr = json_array();
	while (*s) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		char *item = trim(a, arena_strndup(a, s, n));
		if (lowercase)
			item = lower(a, item);
		bool dup = false;
		for (size_t i = 0; i < json_array_size(arr) && !dup; i++)
			dup = strcmp(json_string_value(json_array_get(arr, i)), item) == 0;
		if (*item && !dup)
			json_array_append_new(arr, json_string(item));
		s += n + (bar ? 1 : 0);
	}
	char *text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!text)
		util_die("json_dumps failed");
	const char *out = arena_strdup(a, text);
	free(text);
	return out;
}

/* A whole number in [0, max]; digits only. */
static bool parse_count(const char *s, int64_t max, int64_t *out)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "1", "true", "yes", "si", "sí", "y" };
	static const char *const no[] = { "0", "false", "no", "n" };
	for (size_t i = 0; i < MC_ARRAY_LEN(yes); i++)
		if (util_streq_nocase(s, yes[i]))
			return 1;
	for (size_t i = 0; i < MC_ARRAY_LEN(no); i++)
		if (util_streq_nocase(s, no[i]))
			return 0;
	return -1;
}

static bool slug_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
			return false;
	return *s != '\0';
}

static bool phone_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(isdigit((unsigned char)*p) || strchr(" +()-./", *p)))
			return false;
	return true;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return !*s || (at && at > s && strchr(at + 1, '.') && !strchr(s, ' ') &&
		       at[strlen(at) - 1] != '.');
}

/* Is key already in column col of an earlier row? */
static bool repeated(const struct sheet *s, int upto, int col, const char *key)
{
	for (int i = 0; i < upto; i++)
		if (util_streq_nocase(s->rows[i].v[col], key))
			return true;
	return false;
}

/* The row of the file whose column col is key (the first), or NULL. */
static const struct row *row_with(const struct sheet *s, int col, const char *key)
{
	for (int i = 0; i < s->nrows; i++)
		if (strcmp(s->rows[i].v[col], key) == 0)
			return &s->rows[i];
	return NULL;
}

/* --- validation per kind -------------------------------------------------- */

/* A parent in this file (one that will be written) or in the database. */
static bool category_known(struct sheet *s, const char *slug)
{
	int64_t id;
	const struct row *in_file = row_with(s, C_SLUG, slug);
	if (in_file)
		return !in_file->bad;
	return db_int(s->db, &id, "SELECT id FROM categories WHERE slug = ?1", "s", slug) == 1;
}

/* The slugs first, then the parents, which may be any good row. */
static void check_categories(struct sheet *s)
{
	for (int i = 0; i < s->nrows; i++) {
		struct row *r = &s->rows[i];
		if (!slug_ok(r->v[C_SLUG]))
			refuse_row(s, r, "slug '%s' may hold only a-z, 0-9, '-' and '_'", r->v[C_SLUG]);
		else if (repeated(s, i, C_SLUG, r->v[C_SLUG]))
			refuse_row(s, r, "slug '%s' appears twice", r->v[C_SLUG]);
		r->json = list_json(&s->a, r->v[C_SYNONYMS], true);
	}
	for (int i = 0; i < s->nrows; i++) {
		struct row *r = &s->rows[i];
		if (strcmp(r->v[C_PARENT], r->v[C_SLUG]) == 0)
			refuse_row(s, r, "category '%s' is its own parent", r->v[C_SLUG]);
		else if (*r->v[C_PARENT] && !category_known(s, r->v[C_PARENT]))
			refuse_row(s, r, "parent_slug '%s' is not a category", r->v[C_PARENT]);
	}
}

static void check_product(struct sheet *s, int i)
{
	struct row *r = &s->rows[i];
	int64_t v;
	if (repeated(s, i, P_SKU, r->v[P_SKU]))
		refuse_row(s, r, "sku '%s' appears twice", r->v[P_SKU]);
	if (db_int(s->db, &r->ref, "SELECT id FROM categories WHERE slug = ?1", "s", r->v[P_CATEGORY]) != 1)
		refuse_row(s, r, "category_slug '%s' is not a category (import the categories first)",
			 r->v[P_CATEGORY]);
	if (!parse_count(r->v[P_PRICE], 1000000000000LL, &v))
		refuse_row(s, r, "price '%s' must be a whole number of pesos (digits only)", r->v[P_PRICE]);
	if (*r->v[P_STOCK] && !parse_count(r->v[P_STOCK], 100000000, &v))
		refuse_row(s, r, "stock '%s' must be a whole number >= 0", r->v[P_STOCK]);
	if (*r->v[P_ACTIVE] && parse_bool(r->v[P_ACTIVE]) < 0)
		refuse_row(s, r, "active '%s' must be 1 or 0 (true/false, si/no)", r->v[P_ACTIVE]);
	r->json = list_json(&s->a, r->v[P_FEATURES], true);
}

static void check_office(struct sheet *s, int i)
{
	struct row *r = &s->rows[i];
	if (repeated(s, i, O_MUNICIPIO, r->v[O_MUNICIPIO]))
		refuse_row(s, r, "municipio '%s' appears twice", r->v[O_MUNICIPIO]);
	if (!phone_ok(r->v[O_TELEFONO]))
		refuse_row(s, r, "telefono '%s' may hold only digits, spaces and + ( ) - . /",
			 r->v[O_TELEFONO]);
	if (!phone_ok(r->v[O_WHATSAPP]))
		refuse_row(s, r, "whatsapp '%s' may hold only digits, spaces and + ( ) - . /",
			 r->v[O_WHATSAPP]);
	if (!email_ok(r->v[O_EMAIL]))
		refuse_row(s, r, "email '%s' is not an e-mail address", r->v[O_EMAIL]);
	r->json = list_json(&s->a, r->v[O_LOCALIDADES], false);
}

static void check_rows(struct sheet *s, enum importer_kind kind)
{
	if (kind == IMPORTER_CATEGORIES)
		check_categories(s);
	for (int i = 0; i < s->nrows; i++) {
		if (kind == IMPORTER_PRODUCTS)
			check_product(s, i);
		else if (kind == IMPORTER_OFFICES)
			check_office(s, i);
	}
}

/* --- writing -------------------------------------------------------------- */

static int count_change(struct sheet *s, int exists)
{
	if (exists < 0)
		return -1;
	if (exists)
		s->rep->updated++;
	else
		s->rep->inserted++;
	return 0;
}

/* The slug of a category whose parents lead back to itself, or NULL. */
static const char *category_cycle(struct sheet *s)
{
	const char *slug = NULL;
	db_text(s->db, &s->a, &slug,
		"WITH RECURSIVE up(start, id, depth) AS ("
		" SELECT id, parent_id, 1 FROM categories WHERE parent_id IS NOT NULL"
		" UNION ALL SELECT up.start, c.parent_id, up.depth + 1 FROM up"
		" JOIN categories c ON c.id = up.id WHERE c.parent_id IS NOT NULL AND up.depth < 64)"
		" SELECT c.slug FROM up JOIN categories c ON c.id = up.start"
		" WHERE up.id = up.start LIMIT 1", "");
	return slug;
}

static int write_categories(struct sheet *s)
{
	int64_t id;
	for (int i = 0; i < s->nrows; i++) {
		const struct row *r = &s->rows[i];
		if (r->bad)
			continue;
		int exists = db_int(s->db, &id, "SELECT id FROM categories WHERE slug = ?1", "s", r->v[C_SLUG]);
		if (count_change(s, exists) < 0 ||
		    db_exec(s->db, "INSERT INTO categories(slug, name, name_en, synonyms) VALUES (?1, ?2, ?3, ?4)"
			    " ON CONFLICT(slug) DO UPDATE SET name = excluded.name,"
			    " name_en = excluded.name_en, synonyms = excluded.synonyms",
			    "ssss", r->v[C_SLUG], r->v[C_NAME], r->v[C_NAME_EN], r->json) < 0)
			return -1;
	}
	for (int i = 0; i < s->nrows; i++) {
		const struct row *r = &s->rows[i];
		if (r->bad)
			continue;
		if (db_exec(s->db, "UPDATE categories SET parent_id = (SELECT id FROM categories WHERE slug = ?2)"
			    " WHERE slug = ?1", "ss", r->v[C_SLUG], *r->v[C_PARENT] ? r->v[C_PARENT] : NULL) < 0)
			return -1;
	}
	const char *cycle = category_cycle(s);
	if (cycle) {
		for (int i = 0; i < s->nrows; i++)
			if (strcmp(s->rows[i].v[C_SLUG], cycle) == 0)
				complain(s, s->rows[i].line, "the parents of '%s' lead back to it", cycle);
		if (!s->rep->errors)
			complain(s, 1, "the parents of '%s' lead back to it", cycle);
		return 1;
	}
	return 0;
}

static int write_products(struct sheet *s)
{
	int64_t id, price, stock;
	for (int i = 0; i < s->nrows; i++) {
		const struct row *r = &s->rows[i];
		if (r->bad)
			continue;
		parse_count(r->v[P_PRICE], INT64_MAX, &price);
		stock = 0;
		if (*r->v[P_STOCK])
			parse_count(r->v[P_STOCK], INT64_MAX, &stock);
		int active = *r->v[P_ACTIVE] ? parse_bool(r->v[P_ACTIVE]) : 1;
		int exists = db_int(s->db, &id, "SELECT id FROM products WHERE sku = ?1", "s", r->v[P_SKU]);
		if (count_change(s, exists) < 0 ||
		    db_exec(s->db, "INSERT INTO products(sku, name, category_id, brand, price, stock, active,"
			    " description, features) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			    " ON CONFLICT(sku) DO UPDATE SET name = excluded.name,"
			    " category_id = excluded.category_id, brand = excluded.brand,"
			    " price = excluded.price, stock = excluded.stock, active = excluded.active,"
			    " description = excluded.description, features = excluded.features,"
			    " updated_at = " DB_NOW,
			    "ssIsIIiss", r->v[P_SKU], r->v[P_NAME], r->ref, r->v[P_BRAND], price, stock,
			    active, r->v[P_DESCRIPTION], r->json) < 0)
			return -1;
	}
	return 0;
}

static int write_offices(struct sheet *s)
{
	int64_t id;
	for (int i = 0; i < s->nrows; i++) {
		const struct row *r = &s->rows[i];
		if (r->bad)
			continue;
		int exists = db_int(s->db, &id, "SELECT id FROM offices WHERE municipio = ?1", "s",
				    r->v[O_MUNICIPIO]);
		if (count_change(s, exists) < 0 ||
		    db_exec(s->db, "INSERT INTO offices(municipio, localidades, cabecera, dependencia,"
			    " direccion, telefono, whatsapp, horario, email)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			    " ON CONFLICT(municipio) DO UPDATE SET municipio = excluded.municipio,"
			    " localidades = excluded.localidades, cabecera = excluded.cabecera,"
			    " dependencia = excluded.dependencia, direccion = excluded.direccion,"
			    " telefono = excluded.telefono, whatsapp = excluded.whatsapp,"
			    " horario = excluded.horario, email = excluded.email,"
			    " updated_at = " DB_NOW,
			    "sssssssss", r->v[O_MUNICIPIO], r->json, r->v[O_CABECERA], r->v[O_DEPENDENCIA],
			    r->v[O_DIRECCION], r->v[O_TELEFONO], r->v[O_WHATSAPP], r->v[O_HORARIO],
			    r->v[O_EMAIL]) < 0)
			return -1;
	}
	return 0;
}

/* 0 written, 1 refused by a check that needs the written rows, -1 db error. */
static int write_rows(struct sheet *s, enum importer_kind kind)
{
	switch (kind) {
	case IMPORTER_CATEGORIES: return write_categories(s);
	case IMPORTER_PRODUCTS: return write_products(s);
	default: return write_offices(s);
	}
}

/* One transaction, or a savepoint in the caller's (an upload of several
 * files that stand or fall together, or a dry run rolled back). */
static int write_all(struct sheet *s, enum importer_kind kind)
{
	bool nested = !sqlite3_get_autocommit(db_handle(s->db));
	if ((nested ? db_exec(s->db, "SAVEPOINT importer", "") : db_begin(s->db)) < 0)
		return -2;
	int rc = write_rows(s, kind);
	if (rc != 0) {
		if (nested)
			db_exec(s->db, "ROLLBACK TO importer", "");
		if (!nested || db_exec(s->db, "RELEASE importer", "") < 0)
			db_rollback(s->db);
		s->rep->inserted = s->rep->updated = 0;
		return rc < 0 ? -2 : -1;
	}
	if (nested)
		return db_exec(s->db, "RELEASE importer", "") < 0 ? -2 : 0;
	return db_commit(s->db) < 0 ? -2 : 0;
}

/* Whether the file is written: every row good, or (when asked) some. */
static bool worth_writing(const struct sheet *s)
{
	if (!s->o->skip_bad_rows)
		return s->rep->errors == 0;
	for (int i = 0; i < s->nrows; i++)
		if (!s->rows[i].bad)
			return true;
	return false;
}

int importer_data_with(struct db *db, const char *name, const char *data, size_t len,
		       enum importer_kind kind, const struct importer_opts *o,
		       struct importer_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	struct sheet s = { .db = db, .name = name, .o = o, .cols = kind_cols(kind), .rep = rep };
	if (!s.cols)
		util_die("importer_data: unknown kind");
	while (s.cols[s.ncols].name)
		s.ncols++;
	arena_init(&s.a);
	int rc = -1;
	if (read_sheet(&s, data, len) == 0) {
		check_rows(&s, kind);
		if (worth_writing(&s))
			rc = write_all(&s, kind);
	}
	if (rep->errors > IMPORTER_ERRORS_SHOWN && !o->on_error)
		fprintf(o->err, "%s: %d more errors not shown\n", name, rep->errors - IMPORTER_ERRORS_SHOWN);
	free(s.rows);
	arena_free(&s.a);
	return rc;
}

int importer_data(struct db *db, const char *name, const char *data, size_t len,
		  enum importer_kind kind, FILE *err, struct importer_report *rep)
{
	struct importer_opts o = { .err = err };
	return importer_data_with(db, name, data, len, kind, &o, rep);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			data = xrealloc(data, cap + 1);
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0 || n > MAX_FILE)
			break;
	}
	bool bad = ferror(f) || n > MAX_FILE;
	fclose(f);
	if (bad) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	*len = n;
	return data;
}

int importer_file(struct db *db, const char *path, enum importer_kind kind, FILE *err,
		  struct importer_report *rep)
{
	size_t len = 0;
	char *data = read_file(path, &len);
	if (!data) {
		memset(rep, 0, sizeof(*rep));
		rep->errors = 1;
		fprintf(err, "%s: cannot read the file (%s)\n", path, errno ? strerror(errno) : "too large");
		return -1;
	}
	int rc = importer_data(db, path, data, len, kind, err, rep);
	free(data);
	return rc;
}

enum importer_kind importer_detect(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return IMPORTER_UNKNOWN;
	char line[1024];
	bool got = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	return got ? importer_detect_data(line, strlen(line)) : IMPORTER_UNKNOWN;
}

void importer_columns(enum importer_kind kind, char *out, size_t n)
{
	const struct column *cols = kind_cols(kind);
	size_t used = 0;
	out[0] = '\0';
	for (int pass = 0; cols && pass < 2; pass++) {
		bool first = true;
		for (const struct column *c = cols; c->name && used < n; c++)
			if (c->required == (pass == 0)) {
				used += (size_t)snprintf(out + used, n - used, "%s%s", first ? "" : ", ", c->name);
				first = false;
			}
		if (pass == 0 && used < n)
			used += (size_t)snprintf(out + used, n - used, " (required); ");
	}
}

/* The header line only (the first record, which may not span lines). */
enum importer_kind importer_detect_data(const char *data, size_t len)
{
	const char *eol = memchr(data, '\n', len);
	size_t line = eol ? (size_t)(eol - data) : len;
	if (line > 4096)
		return IMPORTER_UNKNOWN;
	struct arena a;
	arena_init(&a);
	struct csv c;
	csv_init(&c, &a, data, line);
	const char *fields[CSV_MAX_FIELDS];
	int n = csv_next(&c, fields);
	bool sku = false, slug = false, municipio = false;
	for (int i = 0; i < n; i++) {
		const char *h = lower(&a, trim(&a, fields[i]));
		sku |= strcmp(h, "sku") == 0;
		slug |= strcmp(h, "slug") == 0;
		municipio |= strcmp(h, "municipio") == 0;
	}
	arena_free(&a);
	return sku ? IMPORTER_PRODUCTS : municipio ? IMPORTER_OFFICES : slug ? IMPORTER_CATEGORIES
									     : IMPORTER_UNKNOWN;
}
