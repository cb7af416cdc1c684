/* nlu_vocab: the catalog's and the directory's own words, read with a few
 * indexed queries for each message (see nlu_vocab.h). Everything lands in
 * the request's arena; word sets are hashed, nothing is sorted. */
#define _POSIX_C_SOURCE 200809L
#include "assistant/nlu_vocab.h"
#include "core/arena.h"
#include "core/db.h"
#include "data/directory.h"
#include "assistant/nlu_lexicon.h"
#include "assistant/nlu_price.h"
#include "core/util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

struct builder {
	struct arena *a;
	struct nlu_vocab *v;
	int terms_cap;
	struct wordset brands;   /* brand as written -> its folded words */
};

static void *grow(struct arena *a, void *old, int n, int *cap, size_t size)
{
	if (n < *cap)
		return old;
	int ncap = *cap ? *cap * 2 : 512;
	void *p = arena_alloc(a, size * (size_t)ncap);
	if (old)
		memcpy(p, old, size * (size_t)n);
	*cap = ncap;
	return p;
}

static void words_of(struct wordset *set, const struct text_toks *t)
{
	for (int i = 0; i < t->n; i++)
		wordset_add(set, t->v[i].s, t->v[i].len);
}

static char *compact_of(struct arena *a, const char *folded, size_t *len)
{
	char *compact = arena_alloc(a, strlen(folded) + 1), *p = compact;
	for (const char *s = folded; *s; s++)
		if (*s != ' ')
			*p++ = *s;
	*p = '\0';
	*len = (size_t)(p - compact);
	return compact;
}

static struct nlu_term *term_add(struct builder *b, enum nlu_kind kind, const char *text,
				 const char *value)
{
	const char *folded = text_fold(b->a, text);
	if (!*folded)
		return NULL;
	struct nlu_vocab *v = b->v;
	v->terms = grow(b->a, v->terms, v->nterms, &b->terms_cap, sizeof(struct nlu_term));
	struct nlu_term *t = &v->terms[v->nterms++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->folded = folded;
	t->folded_len = strlen(folded);
	text_tokens(b->a, folded, &t->toks);
	nlu_lexicon_mark_units(&t->toks);
	t->compact = compact_of(b->a, folded, &t->compact_len);
	t->value = value;
	t->name = text;
	words_of(&v->words, &t->toks);
	if (kind == NLU_K_CATEGORY || (kind == NLU_K_FEATURE && t->toks.n == 1))
		words_of(&v->catalog, &t->toks);
	return t;
}

static void category_terms(struct builder *b, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0), parent = sqlite3_column_int64(st, 5);
	const char *slug = db_col_text(b->a, st, 1), *name = db_col_text(b->a, st, 2);
	const char *texts[3] = { slug, name, db_col_text(b->a, st, 3) };
	for (int i = 0; i < 3; i++) {
		struct nlu_term *t = texts[i] ? term_add(b, NLU_K_CATEGORY, texts[i], slug) : NULL;
		if (t)
			t->id = id, t->parent_id = parent, t->name = name;
	}
	json_t *syn = json_loads(db_col_text(b->a, st, 4), 0, NULL);
	for (size_t i = 0; i < json_array_size(syn); i++) {
		const char *s = json_string_value(json_array_get(syn, i));
		struct nlu_term *t = s ? term_add(b, NLU_K_CATEGORY, arena_strdup(b->a, s), slug) : NULL;
		if (t)
			t->id = id, t->parent_id = parent, t->name = name;
	}
	json_decref(syn);
}

static int load_categories(struct db *db, struct builder *b)
{
	sqlite3_stmt *st = db_query(db, "SELECT id, slug, name, name_en, synonyms,"
				    " coalesce(parent_id, 0) FROM categories", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW)
		category_terms(b, st);
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Rows of one text column become terms of one kind. */
static int load_column(struct db *db, struct builder *b, const char *sql, enum nlu_kind kind)
{
	sqlite3_stmt *st = db_query(db, sql, "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		const char *s = db_col_text(b->a, st, 0);
		if (s)
			term_add(b, kind, s, s);
	}
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

static void feature_aliases(struct builder *b, struct wordset *features)
{
	for (size_t i = 0; i < nlu_nfeature_aliases; i++) {
		const struct nlu_pair *p = &nlu_feature_aliases[i];
		if (!wordset_has(features, p->to, strlen(p->to)))
			continue;
		struct nlu_term *t = term_add(b, NLU_K_FEATURE, p->from, p->to);
		if (t)
			t->alias = strcmp(p->from, p->to) != 0;
	}
}

static int load_features(struct db *db, struct builder *b)
{
	int first = b->v->nterms;
	if (load_column(db, b, "SELECT DISTINCT feature FROM product_features", NLU_K_FEATURE) < 0)
		return -1;
	struct wordset features;
	wordset_init(&features, b->a, (size_t)(b->v->nterms - first));
	for (int i = first; i < b->v->nterms; i++)
		wordset_add(&features, b->v->terms[i].value, strlen(b->v->terms[i].value));
	feature_aliases(b, &features);
	return 0;
}

static int load_places(struct db *db, struct builder *b)
{
	struct directory_names names;
	if (directory_names(db, b->a, &names) < 0)
		return -1;
	for (int i = 0; i < names.n; i++) {
		struct nlu_term *t = term_add(b, NLU_K_PLACE, names.v[i].name, names.v[i].municipio);
		if (t) {
			t->id = names.v[i].office_id;
			t->locality = names.v[i].locality;
		}
	}
	return 0;
}

/* Group the terms by kind, keeping the load order within a kind. */
static void group_terms(struct arena *a, struct nlu_vocab *v)
{
	struct nlu_term *sorted = arena_alloc(a, sizeof(struct nlu_term) * (size_t)(v->nterms + 1));
	int n = 0;
	for (int k = 0; k < NLU_K_KINDS; k++) {
		v->kind_first[k] = n;
		for (int i = 0; i < v->nterms; i++)
			if ((int)v->terms[i].kind == k)
				sorted[n++] = v->terms[i];
		v->kind_count[k] = n - v->kind_first[k];
	}
	v->terms = sorted;
}

/* The brand of the current row, shared by all its products and folded
 * once; *words gets its folded words. */
static const char *brand_of(struct builder *b, sqlite3_stmt *st, const struct text_toks **words)
{
	const char *raw = (const char *)sqlite3_column_text(st, 2);
	if (!raw)
		raw = "";
	size_t n = strlen(raw);
	const struct wordset_entry *e = wordset_get(&b->brands, raw, n);
	if (!e) {
		struct wordset_entry *added = wordset_add(&b->brands, arena_strndup(b->a, raw, n), n);
		struct text_toks *t = arena_alloc(b->a, sizeof(*t));
		text_fold_tokens(b->a, added->word, t);
		added->value = t;
		e = added;
	}
	*words = e->value;
	return e->word;
}

static void product_add(struct builder *b, sqlite3_stmt *st, int *cap)
{
	struct nlu_vocab *v = b->v;
	v->products = grow(b->a, v->products, v->nproducts, cap, sizeof(struct nlu_product));
	struct nlu_product *p = &v->products[v->nproducts++];
	const struct text_toks *brand;
	p->id = sqlite3_column_int64(st, 0);
	p->name = db_col_text(b->a, st, 1);
	p->brand = brand_of(b, st, &brand);
	p->category_id = sqlite3_column_int64(st, 3);
	text_fold_tokens(b->a, p->name, &p->toks);
	nlu_lexicon_mark_units(&p->toks);
	size_t n = (size_t)p->toks.n + 1;
	p->weight = arena_alloc(b->a, sizeof(double) * n);
	p->df = arena_alloc(b->a, sizeof(int) * n);
	p->brand_word = arena_alloc(b->a, sizeof(bool) * n);
	for (int i = 0; i < p->toks.n; i++) {
		p->brand_word[i] = false;
		for (int k = 0; k < brand->n; k++)
			p->brand_word[i] |= strcmp(brand->v[k].s, p->toks.v[i].s) == 0;
	}
}

/* The brands of the active products, each once, in the order of their
 * first product: read with the products rather than by a second scan. */
static void brand_terms(struct builder *b)
{
	for (int i = 0; i < b->v->nproducts; i++) {
		const char *brand = b->v->products[i].brand;
		struct wordset_entry *e = wordset_add(&b->brands, brand, strlen(brand));
		if (e->count++ == 0)
			term_add(b, NLU_K_BRAND, brand, brand);
	}
}

static int load_products(struct db *db, struct builder *b)
{
	int cap = 0;
	wordset_init(&b->brands, b->a, 128);
	sqlite3_stmt *st = db_query(db, "SELECT id, name, brand, category_id FROM products"
				    " WHERE active = 1 ORDER BY id", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW)
		product_add(b, st, &cap);
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

static bool earlier_in_name(const struct nlu_product *p, int k)
{
	for (int j = 0; j < k; j++)
		if (strcmp(p->toks.v[j].s, p->toks.v[k].s) == 0)
			return true;
	return false;
}

/* The products whose names have one word: n of them, then their indexes. */
struct posting {
	int n;
	int idx[];
};

/* Each word of a product name weighs log(1 + N / df): rare words identify
 * a product. The same pass files each product under its words. */
static void product_weights(struct builder *b)
{
	struct nlu_vocab *v = b->v;
	struct wordset *df = &v->product_words;
	wordset_init(df, b->a, (size_t)v->nproducts * 4);
	for (int i = 0; i < v->nproducts; i++)
		for (int k = 0; k < v->products[i].toks.n; k++)
			if (!earlier_in_name(&v->products[i], k))
				wordset_add(df, v->products[i].toks.v[k].s, v->products[i].toks.v[k].len)->count++;
	for (int i = 0; i < v->nproducts; i++) {
		struct nlu_product *p = &v->products[i];
		for (int k = 0; k < p->toks.n; k++) {
			struct wordset_entry *e = wordset_add(df, p->toks.v[k].s, p->toks.v[k].len);
			p->df[k] = e->count;
			p->weight[k] = log(1.0 + (double)v->nproducts / (double)p->df[k]);
			wordset_add(&v->words, p->toks.v[k].s, p->toks.v[k].len);
			if (earlier_in_name(p, k))
				continue;
			if (!e->value) {
				struct posting *post = arena_alloc(b->a, sizeof(*post) + sizeof(int) * (size_t)e->count);
				post->n = 0;
				e->value = post;
			}
			struct posting *post = (struct posting *)e->value;
			post->idx[post->n++] = i;
		}
	}
}

unsigned char nlu_vocab_letter(const struct text_tok *w)
{
	return (unsigned char)(w->canon ? w->canon[0] : w->s[0]);
}

/* File each term under the letter of its first word. */
static void bucket_terms(struct arena *a, struct nlu_vocab *v)
{
	for (int i = 0; i < v->nterms; i++)
		v->buckets[v->terms[i].kind][nlu_vocab_letter(&v->terms[i].toks.v[0])].n++;
	for (int k = 0; k < NLU_K_KINDS; k++)
		for (int c = 0; c < 256; c++) {
			struct nlu_bucket *bk = &v->buckets[k][c];
			bk->v = bk->n ? arena_alloc(a, sizeof(struct nlu_term *) * (size_t)bk->n) : NULL;
			bk->n = 0;
		}
	for (int i = 0; i < v->nterms; i++) {
		struct nlu_bucket *bk = &v->buckets[v->terms[i].kind][nlu_vocab_letter(&v->terms[i].toks.v[0])];
		bk->v[bk->n++] = &v->terms[i];
	}
}

const struct nlu_bucket *nlu_vocab_bucket(const struct nlu_vocab *v, enum nlu_kind kind,
					  const struct text_tok *w)
{
	return &v->buckets[kind][nlu_vocab_letter(w)];
}

void nlu_vocab_products_with(const struct nlu_vocab *v, const struct text_tok *w, bool *mark)
{
	const struct wordset_entry *e[8];
	int n = wordset_variants(&v->product_words, w->s, w->len, e, 6);
	if (w->canon && n < 8)
		n += wordset_variants(&v->product_words, w->canon, strlen(w->canon), e + n, 8 - n);
	for (int i = 0; i < n; i++) {
		const struct posting *post = e[i]->value;
		for (int k = 0; post && k < post->n; k++)
			mark[post->idx[k]] = true;
	}
}

static bool line_candidate(const struct nlu_vocab *v, const struct text_tok *t)
{
	return !t->num && t->len >= 4 && !text_is_stopword(t->s, t->len) &&
	       !nlu_vocab_is_catalog_word(v, t->s, t->len);
}

/* A word of product names that one brand uses in two products or more,
 * and no other brand: "iphone", "galaxy", "redmi". A count of -1 marks a
 * word that several brands use. */
static void product_lines(struct builder *b)
{
	struct nlu_vocab *v = b->v;
	wordset_init(&v->lines, b->a, 256);
	for (int i = 0; i < v->nproducts; i++) {
		const struct nlu_product *p = &v->products[i];
		for (int k = 0; k < p->toks.n; k++) {
			const struct text_tok *t = &p->toks.v[k];
			if (earlier_in_name(p, k))
				continue;
			struct wordset_entry *e = wordset_add(&v->lines, t->s, t->len);
			if (e->count < 0)
				continue;
			if (p->brand_word[k] || (e->value && strcmp(e->value, p->brand) != 0) || !line_candidate(v, t))
				e->count = -1;
			else
				e->value = p->brand, e->count++;
		}
	}
}

static void phrase_words(struct arena *a, struct wordset *set, const char *phrase)
{
	struct text_toks t;
	text_tokens(a, phrase, &t);
	words_of(set, &t);
}

static void lexicon_words(struct builder *b)
{
	struct nlu_vocab *v = b->v;
	wordset_init(&v->cues, b->a, nlu_ncues * 2);
	v->cue_prefixes = arena_alloc(b->a, sizeof(char *) * nlu_ncues);
	for (size_t i = 0; i < nlu_ncues; i++) {
		const char *p = nlu_cues[i].phrase;
		size_t n = strlen(p);
		if (n && p[n - 1] == '*' && !strchr(p, ' '))
			v->cue_prefixes[v->ncue_prefixes++] = arena_strndup(b->a, p, n - 1);
		else
			phrase_words(b->a, &v->cues, p);
	}
	for (size_t i = 0; i < nlu_nrewrites; i++)
		phrase_words(b->a, &v->cues, nlu_rewrites[i].from);
	for (size_t i = 0; i < nlu_nunit_aliases; i++)
		phrase_words(b->a, &v->cues, nlu_unit_aliases[i].from);
	wordset_init(&v->common, b->a, nlu_ncommon_words);
	for (size_t i = 0; i < nlu_ncommon_words; i++) {
		size_t n = strlen(nlu_common_words[i]);
		wordset_add(&v->common, nlu_common_words[i], n);
		wordset_add(&v->words, nlu_common_words[i], n);
	}
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int nlu_vocab_load(struct db *db, struct arena *a, struct nlu_vocab *v)
{
	int64_t start = now_us();
	memset(v, 0, sizeof(*v));
	v->db = db;
	wordset_init(&v->words, a, 2048);
	wordset_init(&v->catalog, a, 512);
	struct builder b = { .a = a, .v = v };
	/* Terms enter the word sets in a fixed order (categories, brands,
	 * features, places): the spelling corrector breaks ties by it. */
	if (load_categories(db, &b) < 0 || load_products(db, &b) < 0)
		return -1;
	brand_terms(&b);
	if (load_features(db, &b) < 0 || load_places(db, &b) < 0)
		return -1;
	group_terms(a, v);
	bucket_terms(a, v);
	product_weights(&b);
	product_lines(&b);
	lexicon_words(&b);
	v->elapsed_us = now_us() - start;
	return 0;
}

bool nlu_vocab_is_cue_word(const struct nlu_vocab *v, const char *w)
{
	size_t n = strlen(w);
	if (wordset_has(&v->cues, w, n))
		return true;
	for (int i = 0; i < v->ncue_prefixes; i++) {
		const char *p = v->cue_prefixes[i];
		if (p[0] == w[0] && strncmp(w, p, strlen(p)) == 0)
			return true;
	}
	return false;
}

bool nlu_vocab_is_common_word(const struct nlu_vocab *v, const char *w)
{
	return wordset_has_variant(&v->common, w, strlen(w));
}

bool nlu_vocab_is_catalog_word(const struct nlu_vocab *v, const char *w, size_t n)
{
	return wordset_has_variant(&v->catalog, w, n);
}

bool nlu_vocab_known(const struct nlu_vocab *v, const char *w)
{
	size_t n = strlen(w);
	return wordset_has_variant(&v->words, w, n) || wordset_has_variant(&v->cues, w, n) ||
	       nlu_vocab_is_cue_word(v, w) || text_is_stopword(w, n) || nlu_price_is_word(w);
}

const char *nlu_vocab_line_brand(const struct nlu_vocab *v, const char *w)
{
	const struct wordset_entry *e[4];
	int n = wordset_variants(&v->lines, w, strlen(w), e, 4); /* "iphones" too */
	for (int i = 0; i < n; i++)
		if (e[i]->count >= 2)
			return e[i]->value;
	return NULL;
}

bool nlu_vocab_feature_in_category(const struct nlu_vocab *v, const char *feature, int64_t category)
{
	int64_t found = 0;
	int rc = db_int(v->db, &found,
		"WITH RECURSIVE sub(id) AS (SELECT ?2 UNION"
		" SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)"
		" SELECT 1 FROM product_features pf JOIN products p ON p.id = pf.product_id"
		" WHERE pf.feature = ?1 AND p.active = 1 AND p.category_id IN sub LIMIT 1",
		"sI", feature, category);
	return rc != 0;
}
