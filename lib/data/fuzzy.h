/* fuzzy: edit distance (Damerau, optimal string alignment) and the
 * similarity ratio built on it, for matching words typed with typos. */
#ifndef MC_FUZZY_H
#define MC_FUZZY_H

#include <stddef.h>

/* Edits (insert, delete, substitute, swap two neighbours) between a and b,
 * byte-wise (compare folded text); max + 1 as soon as it exceeds max. */
int fuzzy_distance(const char *a, size_t na, const char *b, size_t nb, int max);
/* 1 - distance / length of the longer string, in [0, 1] (1: equal). */
double fuzzy_ratio(const char *a, size_t na, const char *b, size_t nb);
/* The same when it is at least floor; otherwise 0, found out early (the
 * lengths alone, or the first row of the table past the edits floor
 * allows), which is what a search that keeps only good matches needs. */
double fuzzy_ratio_min(const char *a, size_t na, const char *b, size_t nb, double floor);
/* Edits tolerated in a vocabulary word of n bytes: 0 up to 4, 1 up to 8,
 * then 2. Words with digits (model numbers) never tolerate any. */
int fuzzy_budget(const char *w, size_t n);

#endif
