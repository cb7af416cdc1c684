/* wordset: a set of words (open addressing, FNV-1a) living in an arena. */
#include "assistant/wordset.h"
#include "core/arena.h"

#include <stdint.h>
#include <string.h>

static uint32_t hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

static void alloc_slots(struct wordset *s, size_t cap)
{
	s->slots = arena_alloc(s->a, sizeof(struct wordset_entry) * cap);
	memset(s->slots, 0, sizeof(struct wordset_entry) * cap);
	s->cap = cap;
}

void wordset_init(struct wordset *s, struct arena *a, size_t expected)
{
	size_t cap = 16;
	while (cap < expected * 2)
		cap *= 2;
	s->a = a;
	s->n = 0;
	alloc_slots(s, cap);
}

static struct wordset_entry *slot(const struct wordset *s, const char *w, size_t n)
{
	size_t mask = s->cap - 1, i = hash(w, n) & mask;
	while (s->slots[i].word && (s->slots[i].len != n || memcmp(s->slots[i].word, w, n) != 0))
		i = (i + 1) & mask;
	return &s->slots[i];
}

static void grow(struct wordset *s)
{
	struct wordset_entry *old = s->slots;
	size_t old_cap = s->cap;
	alloc_slots(s, old_cap * 2);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].word)
			*slot(s, old[i].word, old[i].len) = old[i];
}

struct wordset_entry *wordset_add(struct wordset *s, const char *w, size_t n)
{
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	struct wordset_entry *e = slot(s, w, n);
	if (!e->word) {
		e->word = w;
		e->len = n;
		s->n++;
	}
	return e;
}

const struct wordset_entry *wordset_get(const struct wordset *s, const char *w, size_t n)
{
	const struct wordset_entry *e = slot(s, w, n);
	return e->word ? e : NULL;
}

bool wordset_has(const struct wordset *s, const char *w, size_t n)
{
	return wordset_get(s, w, n) != NULL;
}

static void found(const struct wordset *s, const char *w, size_t n, const struct wordset_entry **out,
		  int *k, int max)
{
	const struct wordset_entry *e = wordset_get(s, w, n);
	for (int i = 0; e && i < *k; i++)
		if (out[i] == e)
			return;
	if (e && *k < max)
		out[(*k)++] = e;
}

int wordset_variants(const struct wordset *s, const char *w, size_t n,
		     const struct wordset_entry **out, int max)
{
	char b[64];
	int k = 0;
	found(s, w, n, out, &k, max);
	if (n + 3 > sizeof(b))
		return k;
	memcpy(b, w, n);
	/* plural to singular */
	if (n > 3 && w[n - 1] == 's')
		found(s, w, n - 1, out, &k, max);
	if (n > 4 && w[n - 2] == 'e' && w[n - 1] == 's')
		found(s, w, n - 2, out, &k, max);
	/* singular to plural */
	b[n] = 's';
	found(s, b, n + 1, out, &k, max);
	memcpy(b + n, "es", 2);
	found(s, b, n + 2, out, &k, max);
	/* the other gender, after a plural s: rojas -> rojo */
	size_t m = n > 4 && w[n - 1] == 's' ? n - 1 : n;
	if (m >= 4 && (w[m - 1] == 'a' || w[m - 1] == 'o')) {
		memcpy(b, w, m);
		b[m - 1] = w[m - 1] == 'a' ? 'o' : 'a';
		found(s, b, m, out, &k, max);
	}
	return k;
}

bool wordset_has_variant(const struct wordset *s, const char *w, size_t n)
{
	const struct wordset_entry *e;
	return wordset_variants(s, w, n, &e, 1) > 0;
}
