/* nlu_product: the products a message names (see nlu_product.h).
 *
 * A mention qualifies when it holds a word that points at products rather
 * than at a brand or a kind of product (a model name: "pegasus", "a55",
 * "instaview") together with another word, or alone when it is a model
 * code of letters and digits ("s24", "m3"); or a model number with another
 * word ("xiaomi 14", "jeans levis 501"); or "the <kind> <brand>" ("la
 * trotadora oxford"). The best mention wins when no other product fits the
 * same words as well: when the winner still has model words the user did
 * not say ("moto" fits the Moto E14, G54 and G84) or two products fit
 * equally ("la ps5"), none is taken. */
#include "assistant/nlu_product.h"
#include "assistant/nlu_match.h"
#include "assistant/nlu_vocab.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define EPS 1e-9

struct cand {
	const struct nlu_product *p;
	int start, end;
	double weight;
	int unmatched;      /* model words of the name the user did not say */
	int affinity;       /* words shared with the products already taken */
};

struct ctx {
	const struct nlu_vocab *v;
	const struct text_toks *m;
	const bool *mask;   /* words that are features: never identify */
	bool free_word[TEXT_MAX_TOKENS];
	bool *candidate;    /* per product: has a word of the message */
	bool *taken;        /* words of every mention, taken or ambiguous */
};

static int name_word(const struct nlu_product *p, const struct text_tok *w)
{
	for (int j = 0; j < p->toks.n; j++)
		if (nlu_match_word(w, &p->toks.v[j]))
			return j;
	return -1;
}

static bool digits_only(const struct text_tok *t)
{
	return strspn(t->s, "0123456789.,") == t->len;
}

static bool plain_word(const struct text_tok *t)
{
	return !t->stop;
}

/* A word that points at products, not at a brand or a kind of product. */
static bool identifying(const struct nlu_vocab *v, const struct nlu_product *p, int j)
{
	const struct text_tok *t = &p->toks.v[j];
	return !p->brand_word[j] && !digits_only(t) && plain_word(t) &&
	       !nlu_vocab_is_catalog_word(v, t->s, t->len) && !nlu_vocab_is_cue_word(v, t->s) &&
	       !nlu_vocab_is_common_word(v, t->s);
}

/* Words of the name that tell this product from its siblings (a product
 * line such as "galaxy" does not). */
static bool distinguishing(const struct nlu_vocab *v, const struct nlu_product *p, int j)
{
	return (identifying(v, p, j) && !nlu_vocab_line_brand(v, p->toks.v[j].s)) ||
	       (digits_only(&p->toks.v[j]) && !p->brand_word[j]);
}

/* A model code such as "s24", "m3", "a55": letters and digits. */
static bool model_code(const struct text_tok *t)
{
	return t->num && !digits_only(t) && strpbrk(t->s, "abcdefghijklmnopqrstuvwxyz");
}

static bool definite_before(const struct text_toks *m, int k)
{
	static const char *const articles[] = { "el", "la", "the", "este", "esta", "ese", "esa" };
	for (size_t i = 0; k > 0 && i < sizeof(articles) / sizeof(articles[0]); i++)
		if (strcmp(m->v[k - 1].s, articles[i]) == 0)
			return true;
	return false;
}

struct run {
	double weight;
	int words;          /* matched, function words aside */
	int ident;
	bool single_ok;     /* one identifying word, long and unique */
	bool number, brand, kind;
};

static void run_word(const struct ctx *c, const struct nlu_product *p, int k, int j, struct run *r)
{
	const struct text_tok *t = &p->toks.v[j];
	r->weight += p->weight[j];
	if (!plain_word(t))
		return;
	r->words++;
	if (identifying(c->v, p, j) && !c->mask[k]) {
		r->ident++;
		r->single_ok |= model_code(t);
	}
	r->number |= digits_only(t) && !p->brand_word[j];
	r->brand |= p->brand_word[j];
	r->kind |= !p->brand_word[j] && definite_before(c->m, k) &&
		   nlu_vocab_is_catalog_word(c->v, t->s, t->len);
}

static void run_score(const struct ctx *c, const struct nlu_product *p, int s, int e, struct run *r,
		      int *unmatched)
{
	bool seen[TEXT_MAX_TOKENS] = { false };
	memset(r, 0, sizeof(*r));
	for (int k = s; k < e; k++) {
		int j = name_word(p, &c->m->v[k]);
		if (j >= 0 && j < TEXT_MAX_TOKENS && !seen[j]) {
			seen[j] = true;
			run_word(c, p, k, j, r);
		}
	}
	*unmatched = 0;
	for (int j = 0; j < p->toks.n && j < TEXT_MAX_TOKENS; j++)
		*unmatched += !seen[j] && distinguishing(c->v, p, j);
}

static bool run_qualifies(const struct run *r)
{
	if (r->ident >= 1 && (r->words >= 2 || r->single_ok))
		return true;
	if (r->number && r->words >= 2)
		return true;
	return r->brand && r->kind && r->words >= 2;
}

/* The product's best mention among the free words. */
static bool best_run(const struct ctx *c, const struct nlu_product *p, struct cand *out)
{
	bool found = false;
	for (int s = 0; s < c->m->n; s++) {
		if (!c->free_word[s] || !plain_word(&c->m->v[s]) || name_word(p, &c->m->v[s]) < 0)
			continue;
		int e = s;
		while (e < c->m->n && c->free_word[e] && name_word(p, &c->m->v[e]) >= 0)
			e++;
		struct run r;
		int unmatched;
		run_score(c, p, s, e, &r, &unmatched);
		if (run_qualifies(&r) && (!found || r.weight > out->weight + EPS)) {
			*out = (struct cand){ p, s, e, r.weight, unmatched, 0 };
			found = true;
		}
		s = e;
	}
	return found;
}

static bool same_weight(const struct cand *a, const struct cand *b)
{
	return a->weight > b->weight - EPS && a->weight < b->weight + EPS;
}

/* "el macbook air m2 y el m3": the second is read in the line of the first. */
static int affinity(const struct nlu_product *p, const struct nlu_product_hit *out, int n)
{
	int shared = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < p->toks.n; j++)
			if (!p->brand_word[j] && !p->toks.v[j].num && !p->toks.v[j].stop &&
			    name_word(out[i].p, &p->toks.v[j]) >= 0)
				shared++;
	return shared;
}

static bool better(const struct cand *a, const struct cand *b)
{
	if (!same_weight(a, b))
		return a->weight > b->weight;
	if (a->affinity != b->affinity)
		return a->affinity > b->affinity;
	return a->unmatched < b->unmatched;
}

static bool chosen(const struct nlu_product_hit *out, int n, const struct nlu_product *p)
{
	for (int i = 0; i < n; i++)
		if (out[i].p == p)
			return true;
	return false;
}

/* Is the best mention shared: another product fits the same words with
 * the same weight, and the best is not the only one fully said? */
static bool ambiguous(const struct ctx *c, const struct cand *best, const struct nlu_product_hit *out, int n)
{
	for (int i = 0; i < c->v->nproducts; i++) {
		const struct nlu_product *p = &c->v->products[i];
		struct cand o;
		if (!c->candidate[i] || p == best->p || chosen(out, n, p) || !best_run(c, p, &o))
			continue;
		o.affinity = affinity(p, out, n);
		if (same_weight(&o, best) && o.start == best->start && o.end == best->end &&
		    o.affinity == best->affinity && (best->unmatched > 0 || o.unmatched == 0))
			return true;
	}
	return false;
}

/* One round: the best mention left; false when there is none. */
static bool pick(struct ctx *c, struct nlu_product_hit *out, int *n)
{
	struct cand best = { 0 }, cand = { 0 };
	bool any = false;
	for (int i = 0; i < c->v->nproducts; i++) {
		const struct nlu_product *p = &c->v->products[i];
		if (!c->candidate[i] || chosen(out, *n, p) || !best_run(c, p, &cand))
			continue;
		cand.affinity = *n ? affinity(p, out, *n) : 0;
		if (!any || better(&cand, &best)) {
			best = cand;
			any = true;
		}
	}
	if (!any)
		return false;
	if (!ambiguous(c, &best, out, *n))
		out[(*n)++] = (struct nlu_product_hit){ best.p, best.start, best.end };
	/* An ambiguous mention still names a product: its words are not features. */
	for (int k = best.start; k < best.end; k++)
		c->free_word[k] = false, c->taken[k] = true;
	return true;
}

static void by_position(struct nlu_product_hit *h, int n)
{
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && h[k].start < h[k - 1].start; k--) {
			struct nlu_product_hit t = h[k];
			h[k] = h[k - 1];
			h[k - 1] = t;
		}
}

int nlu_product_find(const struct nlu_vocab *v, const struct text_toks *m, const bool *blocked,
		     const bool *features, bool *taken, struct nlu_product_hit *out, int max)
{
	struct ctx c = { .v = v, .m = m, .mask = features, .taken = taken };
	bool none = false;
	c.candidate = v->nproducts ? calloc((size_t)v->nproducts, sizeof(bool)) : &none;
	if (!c.candidate)
		util_die("out of memory");
	for (int k = 0; k < m->n; k++) {
		c.free_word[k] = !blocked[k];
		if (!blocked[k] && !m->v[k].stop)
			nlu_vocab_products_with(v, &m->v[k], c.candidate);
	}
	int n = 0;
	while (n < max && pick(&c, out, &n))
		;
	if (c.candidate != &none)
		free(c.candidate);
	by_position(out, n);
	return n;
}
