/* wordset: a set of words (open addressing, FNV-1a) living in an arena,
 * each with a count and a value: the NLU's dictionaries, document
 * frequencies and product-line brands, built in one pass without sorting. */
#ifndef MC_WORDSET_H
#define MC_WORDSET_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct wordset_entry {
	const char *word;   /* NULL: an empty slot */
	size_t len;
	int count;
	const void *value;
};

struct wordset {
	struct arena *a;
	struct wordset_entry *slots;
	size_t cap;         /* a power of two */
	size_t n;
};

void wordset_init(struct wordset *s, struct arena *a, size_t expected);
/* The entry of w (n bytes), added with count 0 when new; w must outlive
 * the set (an arena or static string). */
struct wordset_entry *wordset_add(struct wordset *s, const char *w, size_t n);
/* The entry of w, or NULL. */
const struct wordset_entry *wordset_get(const struct wordset *s, const char *w, size_t n);
bool wordset_has(const struct wordset *s, const char *w, size_t n);
/* Is w, its singular or plural (s, es), or its other gender (roja, rojo,
 * rojas) in the set? */
bool wordset_has_variant(const struct wordset *s, const char *w, size_t n);
/* The entries of those variants (at most max, distinct); how many. */
int wordset_variants(const struct wordset *s, const char *w, size_t n,
		     const struct wordset_entry **out, int max);

#endif
