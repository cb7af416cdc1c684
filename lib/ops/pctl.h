/* pctl: nearest-rank percentiles on exact values, found through a histogram
 * of bins (exact below 128, then 64 bins per doubling) and one look-up of
 * the values inside the one bin where the wanted rank falls. */
#ifndef MC_PCTL_H
#define MC_PCTL_H

#include <stdint.h>

/* Values are 0 .. 2^31-1; their bins are 0 .. PCTL_NBINS-1. The same
 * function is written in SQL in db/migrations/003_ops.sql (lat_bin). */
#define PCTL_NBINS (24 * 64 + 128)

int pctl_bin(int64_t value);
/* The smallest and largest value of a bin. */
void pctl_bounds(int bin, int64_t *lo, int64_t *hi);

/* The 1-based nearest rank of percentile p (0 < p <= 100) among n values:
 * the smallest k with k >= p/100 * n. 0 when n is 0. */
int64_t pctl_rank(int p, int64_t n);

/* One bin's count, in a list sorted by bin. */
struct pctl_count {
	int bin;
	int64_t n;
};

/* Where rank k falls: the bin, and how many values of that bin come before
 * it (0-based offset inside the bin). Returns 0, or -1 when k is out of range. */
int pctl_locate(const struct pctl_count *counts, int ncounts, int64_t k, int *bin,
		int64_t *offset);

#endif
