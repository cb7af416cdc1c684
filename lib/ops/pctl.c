/* pctl: nearest-rank percentiles on exact values, found through a histogram
 * of bins (exact below 128, then 64 bins per doubling) and one look-up of
 * the values inside the one bin where the wanted rank falls. */
#include "ops/pctl.h"

/* e = how many doublings above 127 the value is; the bin is e * 64 + (v >> e),
 * so that v >> e is in [64, 128) once e > 0 and bins follow each other. */
int pctl_bin(int64_t value)
{
	if (value < 0)
		value = 0;
	if (value > INT32_MAX)
		value = INT32_MAX;
	int e = 0;
	while (e < 24 && value >= ((int64_t)128 << e))
		e++;
	return e * 64 + (int)(value >> e);
}

void pctl_bounds(int bin, int64_t *lo, int64_t *hi)
{
	if (bin < 128) {
		*lo = *hi = bin;
		return;
	}
	int e = bin / 64 - 1;
	int64_t m = bin - e * 64;
	*lo = m << e;
	*hi = ((m + 1) << e) - 1;
}

int64_t pctl_rank(int p, int64_t n)
{
	if (n <= 0)
		return 0;
	int64_t k = (p * n + 99) / 100;
	return k < 1 ? 1 : k > n ? n : k;
}

int pctl_locate(const struct pctl_count *counts, int ncounts, int64_t k, int *bin,
		int64_t *offset)
{
	int64_t before = 0;
	if (k < 1)
		return -1;
	for (int i = 0; i < ncounts; i++) {
		if (k <= before + counts[i].n) {
			*bin = counts[i].bin;
			*offset = k - before - 1;
			return 0;
		}
		before += counts[i].n;
	}
	return -1;
}
