/* fuzzy: edit distance (Damerau, optimal string alignment) and the
 * similarity ratio built on it, for matching words typed with typos. */
#include "data/fuzzy.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define FUZZY_STACK 64

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

/* Three rows of the dynamic programme: two back (for swaps) and the current. */
static int osa(const char *a, size_t na, const char *b, size_t nb, int max, int *rows)
{
	int *r2 = rows, *r1 = rows + nb + 1, *r0 = rows + 2 * (nb + 1);
	for (size_t j = 0; j <= nb; j++)
		r1[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		r0[0] = (int)i;
		int best = r0[0];
		for (size_t j = 1; j <= nb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = min3(r1[j] + 1, r0[j - 1] + 1, r1[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && r2[j - 2] + 1 < v)
				v = r2[j - 2] + 1;
			r0[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		int *t = r2;
		r2 = r1;
		r1 = r0;
		r0 = t;
	}
	return r1[nb] > max ? max + 1 : r1[nb];
}

int fuzzy_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
	if (max < 0)
		max = 0;
	size_t diff = na > nb ? na - nb : nb - na;
	if (diff > (size_t)max)
		return max + 1;
	if (na == nb && memcmp(a, b, na) == 0)
		return 0;
	int stack[3 * (FUZZY_STACK + 1)];
	int *rows = nb <= FUZZY_STACK ? stack : xmalloc(sizeof(int) * 3 * (nb + 1));
	int d = osa(a, na, b, nb, max, rows);
	if (rows != stack)
		free(rows);
	return d;
}

double fuzzy_ratio(const char *a, size_t na, const char *b, size_t nb)
{
	size_t longer = na > nb ? na : nb;
	if (longer == 0)
		return 1.0;
	int d = fuzzy_distance(a, na, b, nb, (int)longer);
	return 1.0 - (double)d / (double)longer;
}

double fuzzy_ratio_min(const char *a, size_t na, const char *b, size_t nb, double floor)
{
	size_t longer = na > nb ? na : nb;
	if (longer == 0)
		return 1.0;
	if (floor <= 0)
		return fuzzy_ratio(a, na, b, nb);
	/* ratio >= floor  <=>  distance <= (1 - floor) * longer */
	double allowed = (1.0 - floor) * (double)longer + 1e-9;
	int max = allowed < 0 ? 0 : (int)allowed;
	int d = fuzzy_distance(a, na, b, nb, max);
	if (d > max)
		return 0;
	return 1.0 - (double)d / (double)longer;
}

int fuzzy_budget(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] >= '0' && w[i] <= '9')
			return 0;
	return n <= 4 ? 0 : n <= 8 ? 1 : 2;
}
