/* catalog: the product queries, every value bound. The search statement is
 * put together from fixed fragments, one per filter present, so that each
 * combination is its own cached statement and can use its index. */
#include "data/catalog.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/text.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define PRODUCT_COLS \
	"p.id, p.sku, p.name, p.brand, p.category_id, c.name, c.slug, p.price, p.stock," \
	" p.description, p.features"
#define MATCHED_FEATURES \
	"(SELECT count(*) FROM product_features pf WHERE pf.product_id = p.id" \
	" AND pf.feature IN (SELECT value FROM json_each(?6)))"
#define SUBTREE \
	"WITH RECURSIVE sub(id) AS (SELECT ?1 UNION" \
	" SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) "
/* bm25 weights: name, brand, category, description, features. */
#define FTS_RANKED \
	" JOIN (SELECT rowid AS fid, bm25(products_fts, 10.0, 6.0, 4.0, 1.0, 3.0) AS rank" \
	" FROM products_fts WHERE products_fts MATCH ?3) f ON f.fid = p.id"

void catalog_filter_init(struct catalog_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->min_price = f->max_price = -1;
	f->limit = 20;
}

static void read_product(struct arena *a, sqlite3_stmt *st, struct catalog_product *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->sku = db_col_text(a, st, 1);
	p->name = db_col_text(a, st, 2);
	p->brand = db_col_text(a, st, 3);
	p->category_id = sqlite3_column_int64(st, 4);
	p->category = db_col_text(a, st, 5);
	p->category_slug = db_col_text(a, st, 6);
	p->price = sqlite3_column_int64(st, 7);
	p->stock = sqlite3_column_int64(st, 8);
	p->description = db_col_text(a, st, 9);
	p->features = db_col_text(a, st, 10);
	p->matched_features = sqlite3_column_count(st) > 11 ? sqlite3_column_int(st, 11) : 0;
}

/* Step st to the end, appending rows to out (capacity cap). */
static int read_list(struct arena *a, sqlite3_stmt *st, int cap, struct catalog_list *out)
{
	out->v = arena_alloc(a, sizeof(struct catalog_product) * (size_t)(cap > 0 ? cap : 1));
	out->n = 0;
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW && out->n < cap)
		read_product(a, st, &out->v[out->n++]);
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

static const char *features_json(struct arena *a, const struct catalog_filter *f)
{
	json_t *arr = json_array();
	for (int i = 0; i < f->nfeatures; i++)
		json_array_append_new(arr, json_string(f->features[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!s)
		util_die("json_dumps failed");
	const char *out = arena_strdup(a, s);
	free(s);
	return out;
}

static void build_where(struct buf *sql, const struct catalog_filter *f, bool with_price)
{
	buf_puts(sql, " WHERE p.active = 1");
	if (f->category_id > 0)
		buf_puts(sql, " AND p.category_id IN sub");
	if (f->brand)
		buf_puts(sql, " AND p.brand = ?2 COLLATE NOCASE");
	if (with_price && f->min_price >= 0)
		buf_puts(sql, " AND p.price >= ?4");
	if (with_price && f->max_price >= 0)
		buf_puts(sql, " AND p.price <= ?5");
	if (f->nfeatures > 0 && f->min_features > 0)
		buf_puts(sql, " AND " MATCHED_FEATURES " >= ?7");
	if (f->in_stock)
		buf_puts(sql, " AND p.stock > 0");
}

static void build_order(struct buf *sql, enum catalog_order order, bool ranked)
{
	const char *rank = ranked ? "f.rank, " : "";
	switch (order) {
	case CATALOG_BY_PRICE_ASC:
		buf_printf(sql, " ORDER BY p.price, %sp.name", rank);
		break;
	case CATALOG_BY_PRICE_DESC:
		buf_printf(sql, " ORDER BY p.price DESC, %sp.name", rank);
		break;
	default:
		buf_printf(sql, " ORDER BY matched DESC, %s(p.stock > 0) DESC, p.name", rank);
	}
}

static char *build_search(const struct catalog_filter *f, const char *fts, bool with_price,
				const char *order_by_distance)
{
	struct buf sql;
	buf_init(&sql, 0);
	if (f->category_id > 0)
		buf_puts(&sql, SUBTREE);
	buf_puts(&sql, "SELECT " PRODUCT_COLS ", ");
	buf_puts(&sql, f->nfeatures > 0 ? MATCHED_FEATURES : "0");
	buf_puts(&sql, " AS matched FROM products p JOIN categories c ON c.id = p.category_id");
	if (fts)
		buf_puts(&sql, FTS_RANKED);
	build_where(&sql, f, with_price);
	if (order_by_distance)
		buf_puts(&sql, order_by_distance);
	else
		build_order(&sql, f->order, fts != NULL);
	buf_puts(&sql, " LIMIT ?8");
	return sql.data; /* the caller frees */
}

static int run_search(struct db *db, struct arena *a, const struct catalog_filter *f, const char *sql,
		      const char *fts, int limit, struct catalog_list *out)
{
	const char *features = f->nfeatures > 0 ? features_json(a, f) : NULL;
	sqlite3_stmt *st = db_query(db, sql, "IssIIsii", (int64_t)f->category_id, f->brand, fts,
				    (int64_t)f->min_price, (int64_t)f->max_price, features,
				    f->min_features, limit);
	return read_list(a, st, limit, out);
}

static int clamp_limit(int limit)
{
	return limit < 1 ? 1 : limit > 100 ? 100 : limit;
}

int catalog_search(struct db *db, struct arena *a, const struct catalog_filter *f,
		   struct catalog_list *out)
{
	const char *fts = f->q ? catalog_fts_query(a, f->q, f->q_any) : NULL;
	if (f->q && !fts) { /* only punctuation or stopwords: nothing can match */
		out->v = NULL;
		out->n = 0;
		return 0;
	}
	char *sql = build_search(f, fts, true, NULL);
	int rc = run_search(db, a, f, sql, fts, clamp_limit(f->limit), out);
	free(sql);
	return rc;
}

int catalog_nearest_price(struct db *db, struct arena *a, const struct catalog_filter *f,
			  int limit, struct catalog_list *out)
{
	const char *fts = f->q ? catalog_fts_query(a, f->q, true) : NULL;
	char *sql = build_search(f, fts, false,
				 " ORDER BY CASE WHEN ?4 >= 0 AND p.price < ?4 THEN ?4 - p.price"
				 " WHEN ?5 >= 0 AND p.price > ?5 THEN p.price - ?5 ELSE 0 END, p.price");
	int rc = run_search(db, a, f, sql, fts, clamp_limit(limit), out);
	free(sql);
	return rc;
}

int catalog_get(struct db *db, struct arena *a, int64_t id, struct catalog_product *out)
{
	sqlite3_stmt *st = db_query(db, "SELECT " PRODUCT_COLS " FROM products p"
				    " JOIN categories c ON c.id = p.category_id WHERE p.id = ?1", "I", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		read_product(a, st, out);
		out->matched_features = 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int catalog_similar(struct db *db, struct arena *a, const struct catalog_product *p,
		    int64_t min_price, int64_t max_price, int limit, struct catalog_list *out)
{
	const char *fts = catalog_fts_query(a, p->name, true);
	limit = clamp_limit(limit);
	/* In the same category and price range: the most shared features
	 * first, then the FTS rank of the product's own name (bm25 is
	 * negative: lower is closer), then the nearest price. */
	sqlite3_stmt *st = db_query(db,
		"SELECT " PRODUCT_COLS ", (SELECT count(*) FROM product_features a"
		"  JOIN product_features b ON b.feature = a.feature AND b.product_id = p.id"
		"  WHERE a.product_id = ?1) AS shared"
		" FROM products p JOIN categories c ON c.id = p.category_id"
		" LEFT JOIN (SELECT rowid AS fid, bm25(products_fts, 10.0, 6.0, 4.0, 1.0, 3.0) AS rank"
		"  FROM products_fts WHERE products_fts MATCH ?3) f ON f.fid = p.id"
		" WHERE p.active = 1 AND p.stock > 0 AND p.id <> ?1 AND p.category_id = ?2"
		"  AND (?6 < 0 OR p.price >= ?6) AND (?7 < 0 OR p.price <= ?7)"
		" ORDER BY shared - coalesce(f.rank, 0) DESC, abs(p.price - ?4) LIMIT ?5",
		"IIsIIII", p->id, p->category_id, fts ? fts : "\"\"", p->price, (int64_t)limit, min_price,
		max_price);
	return read_list(a, st, limit, out);
}

const char *catalog_fts_query(struct arena *a, const char *text, bool any)
{
	struct text_toks t;
	text_fold_tokens(a, text, &t);
	struct buf q;
	buf_init(&q, 0);
	for (int pass = 0; pass < 2 && q.len == 0; pass++) {
		for (int i = 0; i < t.n; i++) {
			/* First pass skips the function words; if that leaves none, keep them. */
			if (pass == 0 && text_is_stopword(t.v[i].s, t.v[i].len))
				continue;
			if (q.len)
				buf_puts(&q, any ? " OR " : " AND ");
			/* Folded tokens hold only [a-z0-9.,]: quoting is enough. */
			buf_printf(&q, "\"%s\"*", t.v[i].s);
		}
	}
	const char *out = q.len ? arena_strdup(a, q.data) : NULL;
	buf_free(&q);
	return out;
}

json_t *catalog_categories_json(struct db *db, struct arena *a)
{
	sqlite3_stmt *st = db_query(db,
		"WITH RECURSIVE tree(root, id) AS (SELECT id, id FROM categories"
		" UNION ALL SELECT tree.root, c.id FROM categories c JOIN tree ON c.parent_id = tree.id)"
		" SELECT k.id, k.name, k.slug, k.parent_id, k.name_en,"
		"  (SELECT count(*) FROM tree JOIN products p ON p.category_id = tree.id"
		"   WHERE tree.root = k.id AND p.active = 1)"
		" FROM categories k ORDER BY coalesce(k.parent_id, k.id), k.parent_id IS NOT NULL, k.name", "");
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		json_t *parent = sqlite3_column_type(st, 3) == SQLITE_NULL
					 ? json_null() : json_integer(sqlite3_column_int64(st, 3));
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:o,s:s,s:I}",
			"id", (json_int_t)sqlite3_column_int64(st, 0), "name", db_col_text(a, st, 1),
			"slug", db_col_text(a, st, 2), "parent_id", parent, "name_en", db_col_text(a, st, 4),
			"product_count", (json_int_t)sqlite3_column_int64(st, 5)));
	}
	sqlite3_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "categories", arr);
}

json_t *catalog_product_json(const struct catalog_product *p, bool with_details)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)p->id, "name", p->name,
			      "brand", p->brand, "category", p->category, "price", (json_int_t)p->price,
			      "stock", (json_int_t)p->stock);
	if (with_details) {
		json_t *features = json_loads(p->features ? p->features : "[]", 0, NULL);
		json_object_set_new(o, "sku", json_string(p->sku));
		json_object_set_new(o, "category_slug", json_string(p->category_slug));
		json_object_set_new(o, "description", json_string(p->description ? p->description : ""));
		json_object_set_new(o, "features", features ? features : json_array());
	}
	return o;
}
