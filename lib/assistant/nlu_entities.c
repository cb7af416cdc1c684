/* nlu_entities: every entity of a message. The readings that are surest of
 * their words claim them first: prices, then measures with a unit (talla
 * 42, 9 kilos, 16gb de ram), then products; brands, categories and the
 * other features come after, with the rules of the corpus README: a word
 * of a product's name is not also a feature or a category, a feature
 * inside a category's name ("running shoes") is the category. Places are
 * matched on their own (a ratio of 0.85 or better). */
#include "assistant/nlu_entities.h"
#include "assistant/nlu_match.h"
#include "assistant/nlu_price.h"
#include "assistant/nlu_product.h"
#include "assistant/nlu_vocab.h"

#include <stdlib.h>
#include <string.h>

#define PLACE_RATIO 0.85
#define MAX_HITS 64

enum digits { ANY, MEASURES, TRAITS };

struct mention {
	int pos;
	const char *value;
};

struct scan {
	const struct nlu_vocab *v;
	const struct text_toks *m;
	const bool *unknown;
	bool used[TEXT_MAX_TOKENS];      /* prices and measures */
	bool featured[TEXT_MAX_TOKENS];  /* words some feature could claim */
	bool taken[TEXT_MAX_TOKENS];     /* product mentions */
	struct nlu_hit traits[MAX_HITS]; /* every feature reading, for the category rules */
	int ntraits;
	struct nlu_product_hit products[NLU_MAX_PRODUCTS];
	int nproducts;
	struct nlu_hit cats[MAX_HITS];
	int ncats;
	struct mention brands[MAX_HITS];
	int nbrands;
	struct mention features[MAX_HITS];
	int nfeatures;
};

static bool span_free(const bool *mask, int s, int e)
{
	for (int k = s; k < e; k++)
		if (mask[k])
			return false;
	return true;
}

/* A measure: a number with its unit, in two words or more. */
static bool is_measure(const struct nlu_term *t)
{
	if (t->toks.n < 2)
		return false;
	for (int k = 0; k < t->toks.n; k++)
		if (t->toks.v[k].num)
			return true;
	return false;
}

/* The longest hit of kind at word i over words free in mask (may be NULL). */
static bool longest_at(const struct scan *s, int i, enum nlu_kind kind, enum digits digits,
		       const bool *mask, struct nlu_hit *best)
{
	const struct nlu_vocab *v = s->v;
	bool found = false;
	double ratio = kind == NLU_K_PLACE ? PLACE_RATIO : 0;
	const struct nlu_bucket *bk = nlu_vocab_bucket(v, kind, &s->m->v[i]);
	for (int t = 0; t < bk->n; t++) {
		const struct nlu_term *term = bk->v[t];
		struct nlu_hit h;
		if ((digits == MEASURES && !is_measure(term)) || (digits == TRAITS && is_measure(term)))
			continue;
		if (!nlu_match_term(s->m, s->unknown, i, term, ratio, &h) ||
		    (mask && !span_free(mask, h.start, h.end)))
			continue;
		int len = h.end - h.start, blen = best->end - best->start;
		if (!found || len > blen || (len == blen && h.score > best->score)) {
			*best = h;
			found = true;
		}
	}
	return found;
}

static void mention_add(struct mention *list, int *n, int pos, const char *value)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i].value, value) == 0)
			return;
	if (*n < MAX_HITS)
		list[(*n)++] = (struct mention){ pos, value };
}

static int by_pos(const void *x, const void *y)
{
	return ((const struct mention *)x)->pos - ((const struct mention *)y)->pos;
}

static void find_place(struct scan *s, struct nlu_entities *e)
{
	struct nlu_hit best = { 0 }, h;
	bool found = false;
	for (int i = 0; i < s->m->n; i++) {
		memset(&h, 0, sizeof(h));
		if (!longest_at(s, i, NLU_K_PLACE, ANY, NULL, &h))
			continue;
		int len = h.end - h.start, blen = best.end - best.start;
		if (!found || h.score > best.score + 1e-9 || (h.score > best.score - 1e-9 && len > blen)) {
			best = h;
			found = true;
		}
	}
	if (!found)
		return;
	e->office_id = best.term->id;
	e->municipio = best.term->value;
	e->locality = best.term->locality ? best.term->name : NULL;
}

static void find_measures(struct scan *s)
{
	for (int i = 0; i < s->m->n; i++) {
		struct nlu_hit h = { 0 };
		if (s->used[i] || !longest_at(s, i, NLU_K_FEATURE, MEASURES, s->used, &h))
			continue;
		mention_add(s->features, &s->nfeatures, i, h.term->value);
		for (int k = h.start; k < h.end; k++)
			s->used[k] = true;
		i = h.end - 1;
	}
}

/* Every reading of the words as a feature, before products are sought. */
static void find_feature_words(struct scan *s)
{
	for (int i = 0; i < s->m->n && s->ntraits < MAX_HITS; i++) {
		struct nlu_hit h = { 0 };
		if (s->used[i] || !longest_at(s, i, NLU_K_FEATURE, TRAITS, s->used, &h))
			continue;
		s->traits[s->ntraits++] = h;
		for (int k = h.start; k < h.end; k++)
			s->featured[k] = true;
		i = h.end - 1;
	}
}

static void find_products(struct scan *s, struct nlu_entities *e)
{
	s->nproducts = nlu_product_find(s->v, s->m, s->used, s->featured, s->taken, s->products,
					NLU_MAX_PRODUCTS);
	for (int i = 0; i < s->nproducts; i++) {
		e->product_ids[i] = s->products[i].p->id;
		e->products[i] = s->products[i].p->name;
		mention_add(s->brands, &s->nbrands, s->products[i].start, s->products[i].p->brand);
	}
	e->nproducts = s->nproducts;
}

static void find_brands(struct scan *s)
{
	for (int i = 0; i < s->m->n; i++) {
		struct nlu_hit h = { 0 };
		if (s->used[i])
			continue;
		if (longest_at(s, i, NLU_K_BRAND, ANY, s->used, &h)) {
			mention_add(s->brands, &s->nbrands, i, h.term->value);
			i = h.end - 1;
			continue;
		}
		const char *line = nlu_vocab_line_brand(s->v, s->m->v[i].s);
		if (line)
			mention_add(s->brands, &s->nbrands, i, line);
	}
}

static bool brand_word_at(const struct nlu_product *p, const struct text_tok *w)
{
	for (int j = 0; j < p->toks.n; j++)
		if (p->brand_word[j] && nlu_match_word(w, &p->toks.v[j]))
			return true;
	return false;
}

/* "xiaomi robot vacuum s10": the kind is a word of the product's name,
 * said while naming it. Said before the brand ("la tele lg oled c3", "los
 * jeans levis 501") the user adds the kind, and it counts. */
static bool in_product_name(const struct scan *s, const struct nlu_hit *c)
{
	for (int i = 0; i < s->nproducts; i++) {
		const struct nlu_product_hit *p = &s->products[i];
		if (c->start < p->start || c->end > p->end)
			continue;
		bool brand_after = false;
		for (int k = c->end; k < p->end; k++)
			brand_after |= brand_word_at(p->p, &s->m->v[k]);
		if (c->start == p->start && brand_after)
			continue;
		bool all = true;
		for (int k = c->start; k < c->end && all; k++) {
			bool found = false;
			for (int j = 0; j < p->p->toks.n && !found; j++)
				found = nlu_match_word(&s->m->v[k], &p->p->toks.v[j]);
			all = found;
		}
		if (all)
			return true;
	}
	return false;
}

/* "agua" inside "resistente al agua" is not the beverages category. */
static bool inside_longer_feature(const struct scan *s, const struct nlu_hit *c)
{
	for (int i = 0; i < s->ntraits; i++) {
		const struct nlu_hit *f = &s->traits[i];
		if (f->start <= c->start && f->end >= c->end && f->end - f->start > c->end - c->start)
			return true;
	}
	return false;
}

static void find_categories(struct scan *s)
{
	for (int i = 0; i < s->m->n && s->ncats < MAX_HITS; i++) {
		struct nlu_hit h = { 0 };
		if (s->used[i] || !longest_at(s, i, NLU_K_CATEGORY, ANY, s->used, &h))
			continue;
		if (!in_product_name(s, &h) && !inside_longer_feature(s, &h))
			s->cats[s->ncats++] = h;
	}
}

/* "para correr", "for the gym": a category named as a purpose ("para" or
 * "for" among the three words before the one at after, or that word itself). */
static bool purpose(const struct text_toks *m, int after)
{
	static const char *const looking[] = { "looking", "look", "search", "searching", "ask", "asking" };
	for (int k = after - 1; k >= 0 && k >= after - 4; k--) {
		const char *w = m->v[k].s;
		if (strcmp(w, "para") == 0)
			return true;
		if (strcmp(w, "for") != 0)
			continue;
		for (size_t j = 0; k > 0 && j < sizeof(looking) / sizeof(looking[0]); j++)
			if (strcmp(m->v[k - 1].s, looking[j]) == 0)
				return false;
		return true;
	}
	return false;
}

static int64_t parent_of(const struct nlu_vocab *v, int64_t id)
{
	for (int t = v->kind_first[NLU_K_CATEGORY]; t < v->kind_first[NLU_K_CATEGORY] + v->kind_count[NLU_K_CATEGORY]; t++)
		if (v->terms[t].id == id)
			return v->terms[t].parent_id;
	return 0;
}

static bool is_ancestor(const struct nlu_vocab *v, int64_t ancestor, int64_t id)
{
	for (int depth = 0; depth < 8 && id; depth++) {
		id = parent_of(v, id);
		if (id == ancestor)
			return true;
	}
	return false;
}

/* The category the user asks for: not one named as a purpose, the first
 * named (the longest name there) unless another follows it directly, a
 * subcategory before its parent. */
static void choose_category(struct scan *s, struct nlu_entities *e)
{
	const struct nlu_hit *best = NULL;
	bool best_purpose = true;
	for (int i = 0; i < s->ncats; i++) {
		const struct nlu_hit *h = &s->cats[i];
		bool p = purpose(s->m, h->start + 1);
		/* "gaming monitor": of two kinds side by side, the second is the
		 * thing ("zapatillas running" too) */
		bool head = best && best->end == h->start && p == best_purpose;
		if (!best || (best_purpose && !p) || head ||
		    (p == best_purpose && is_ancestor(s->v, best->term->id, h->term->id)))
			best = h, best_purpose = p;
	}
	if (!best)
		return;
	e->category_id = best->term->id;
	e->category = best->term->value;
	e->category_name = best->term->name;
}

/* "de 55" said of a television: a bare two-digit number after "de" is a
 * size in inches when the catalog has that size. */
static void find_sizes(struct scan *s, const struct nlu_entities *e, struct arena *a)
{
	if (!e->category_id)
		return;
	const struct nlu_vocab *v = s->v;
	for (int i = 1; i < s->m->n; i++) {
		const struct text_tok *w = &s->m->v[i];
		if (s->used[i] || s->taken[i] || w->len != 2 || strspn(w->s, "0123456789") != 2 ||
		    strcmp(s->m->v[i - 1].s, "de") != 0)
			continue;
		const char *size = arena_printf(a, "%s pulgadas", w->s);
		for (int t = v->kind_first[NLU_K_FEATURE]; t < v->kind_first[NLU_K_FEATURE] + v->kind_count[NLU_K_FEATURE]; t++)
			if (strcmp(v->terms[t].value, size) == 0) {
				mention_add(s->features, &s->nfeatures, i, v->terms[t].value);
				s->used[i] = true;
				break;
			}
	}
}

/* "running" in "running shoes" is the category itself. */
static bool part_of_category(const struct scan *s, const struct nlu_hit *f)
{
	for (int i = 0; i < s->ncats; i++) {
		const struct nlu_hit *c = &s->cats[i];
		if (f->end <= c->start || f->start >= c->end)
			continue;
		const char *v = f->term->value, *slug = c->term->value;
		struct text_tok a = { v, strlen(v), false, false, NULL }, b = { slug, strlen(slug), false, false, NULL };
		if (nlu_match_word(&a, &b))
			return true;
	}
	return false;
}

/* Does a product of the category (or of its subcategories) have feature f?
 * "gaming console" asks for a console, not for the feature "gamer", which
 * no console has; "mountain bike" names the bicycles' "mtb". */
static bool category_has(const struct nlu_vocab *v, const struct nlu_term *f, int64_t category)
{
	return !category || nlu_vocab_feature_in_category(v, f->value, category);
}

/* "¿en qué colores viene?" asks about colours; it names none. */
static bool only_cue_words(const struct scan *s, const struct nlu_hit *f)
{
	for (int k = f->start; k < f->end; k++)
		if (!nlu_vocab_is_cue_word(s->v, s->m->v[k].s))
			return false;
	return true;
}

static void find_traits(struct scan *s, const struct nlu_entities *e)
{
	for (int i = 0; i < s->ntraits; i++) {
		const struct nlu_hit *h = &s->traits[i];
		if (!span_free(s->taken, h->start, h->end) || part_of_category(s, h) || only_cue_words(s, h) ||
		    !category_has(s->v, h->term, e->category_id))
			continue;
		mention_add(s->features, &s->nfeatures, h->start, h->term->value);
	}
}

static void copy_out(struct scan *s, struct nlu_entities *e)
{
	qsort(s->brands, (size_t)s->nbrands, sizeof(struct mention), by_pos);
	qsort(s->features, (size_t)s->nfeatures, sizeof(struct mention), by_pos);
	for (int i = 0; i < s->nbrands && e->nbrands < NLU_MAX_BRANDS; i++)
		e->brands[e->nbrands++] = s->brands[i].value;
	for (int i = 0; i < s->nfeatures && e->nfeatures < NLU_MAX_FEATURES; i++)
		e->features[e->nfeatures++] = s->features[i].value;
}

void nlu_entities_find(struct arena *a, const struct nlu_vocab *v, const struct text_toks *m,
		       const bool *unknown, struct nlu_entities *e)
{
	struct scan *s = arena_alloc(a, sizeof(*s));
	memset(s, 0, sizeof(*s));
	memset(e, 0, sizeof(*e));
	s->v = v;
	s->m = m;
	s->unknown = unknown;
	e->has_price = nlu_price_find(m, s->used, &e->price);
	find_place(s, e);
	find_measures(s);
	find_feature_words(s);
	find_products(s, e);
	find_brands(s);
	find_categories(s);
	choose_category(s, e);
	find_sizes(s, e, a);
	find_traits(s, e);
	copy_out(s, e);
}
