/* Unit tests: percentile bins (C and the SQL of migration 003 agree), the
 * nearest rank, and exact percentiles from the roll-ups against a plain
 * sort of the same random samples, per hour and over a whole window. */
#define _POSIX_C_SOURCE 200809L /* rand_r */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "ops/pctl.h"
#include "ops/stats.h"

#define T0 1700000000000LL /* a Unix time in ms */

static int open_db(void **state)
{
	struct db *db = db_open(":memory:");
	if (!db || db_migrate(db, NULL) < 0)
		return -1;
	*state = db;
	return 0;
}

static int close_db(void **state)
{
	db_close(*state);
	return 0;
}

static void bins_are_contiguous(void **state)
{
	(void)state;
	int prev = pctl_bin(0);
	assert_int_equal(prev, 0);
	for (int64_t v = 1; v < 5000000; v += v < 100000 ? 1 : 997) {
		int b = pctl_bin(v);
		assert_true(b == prev || b == prev + 1 || v >= 100000);
		int64_t lo, hi;
		pctl_bounds(b, &lo, &hi);
		assert_true(lo <= v && v <= hi);
		prev = b;
	}
	assert_true(pctl_bin(INT32_MAX) < PCTL_NBINS);
	int64_t lo, hi;
	pctl_bounds(pctl_bin(1000), &lo, &hi);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 1007); /* 8 ms wide from 512 to 1023 */
}

static void nearest_rank(void **state)
{
	(void)state;
	assert_int_equal(pctl_rank(50, 0), 0);
	assert_int_equal(pctl_rank(50, 1), 1);
	assert_int_equal(pctl_rank(50, 4), 2);
	assert_int_equal(pctl_rank(50, 5), 3);
	assert_int_equal(pctl_rank(95, 20), 19);
	assert_int_equal(pctl_rank(95, 21), 20);
	assert_int_equal(pctl_rank(99, 100), 99);
	assert_int_equal(pctl_rank(99, 101), 100);
	assert_int_equal(pctl_rank(100, 7), 7);
	struct pctl_count c[] = { { 3, 2 }, { 130, 5 }, { 900, 1 } };
	int bin;
	int64_t off;
	assert_int_equal(pctl_locate(c, 3, 1, &bin, &off), 0);
	assert_int_equal(bin, 3);
	assert_int_equal(off, 0);
	assert_int_equal(pctl_locate(c, 3, 7, &bin, &off), 0);
	assert_int_equal(bin, 130);
	assert_int_equal(off, 4);
	assert_int_equal(pctl_locate(c, 3, 8, &bin, &off), 0);
	assert_int_equal(bin, 900);
	assert_int_equal(pctl_locate(c, 3, 9, &bin, &off), -1);
}

static int64_t one(struct db *db, const char *sql, int64_t v)
{
	int64_t out = -2;
	assert_int_equal(db_int(db, &out, sql, "I", v), 1);
	return out;
}

static void sql_bins_match_c(void **state)
{
	struct db *db = *state;
	for (int64_t v = 0; v < INT32_MAX; v = v < 300 ? v + 1 : v * 11 / 10 + 1) {
		assert_int_equal(db_exec(db, "INSERT INTO ops_llm_calls(at_ms, backend, model, first_token_ms, "
					 "total_ms, outcome) VALUES (0, 'b', 'm', ?1, ?1, 'done')", "I", v), 0);
		int64_t id = db_last_id(db);
		assert_int_equal(one(db, "SELECT lat_bin FROM ops_llm_calls WHERE id = ?1", id), pctl_bin(v));
		assert_int_equal(one(db, "SELECT ft_bin FROM ops_llm_calls WHERE id = ?1", id), pctl_bin(v));
	}
	assert_int_equal(db_exec(db, "DELETE FROM ops_llm_calls", ""), 0);
	assert_int_equal(db_exec(db, "DELETE FROM ops_roll_bins", ""), 0);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Skewed, with runs of equal values, spread over hours [0, 6). */
static int64_t sample(unsigned *seed)
{
	unsigned r = (unsigned)rand_r(seed);
	switch (r % 4) {
	case 0: return 40 + r % 60;               /* exact bins */
	case 1: return 900 + r % 400;             /* 8 ms bins */
	case 2: return 2000 + (r % 50) * 7;       /* repeats inside 16 ms bins */
	default: return 1000 + (int64_t)(r % 97) * (int64_t)(r % 997); /* a long tail */
	}
}

static void expect(struct db *db, int metric, int64_t h0, int64_t h1, int64_t *vals, size_t n)
{
	int64_t got[3];
	assert_int_equal(stats_percentiles(db, metric, 3600, T0 / 1000 / 3600 * 3600 + h0 * 3600,
					   T0 / 1000 / 3600 * 3600 + h1 * 3600, got), 0);
	qsort(vals, n, sizeof(*vals), cmp64);
	const int ps[3] = { 50, 95, 99 };
	for (int i = 0; i < 3; i++)
		assert_int_equal(got[i], n ? vals[pctl_rank(ps[i], (int64_t)n) - 1] : -1);
}

static void percentiles_are_exact(void **state)
{
	struct db *db = *state;
	enum { N = 6000 };
	static int64_t at[N], lat[N], ft[N];
	unsigned seed = 42;
	int64_t base = T0 / 1000 / 3600 * 3600 * 1000;
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < N; i++) {
		at[i] = base + (int64_t)(rand_r(&seed) % (6 * 3600)) * 1000;
		lat[i] = sample(&seed);
		ft[i] = sample(&seed) / 3;
		const char *outcome = i % 10 == 0 ? "error" : "done"; /* errors: no latency sample */
		assert_int_equal(db_exec(db, "INSERT INTO ops_llm_calls(at_ms, backend, model, first_token_ms, "
					 "total_ms, outcome) VALUES (?1, 'b', 'm', ?2, ?3, ?4)", "IIIs",
					 at[i], ft[i], lat[i], outcome), 0);
	}
	assert_int_equal(db_commit(db), 0);
	static int64_t pick[N];
	for (int h0 = 0; h0 < 6; h0++) {
		for (int h1 = h0 + 1; h1 <= 6; h1 += 2) {
			size_t n = 0, m = 0;
			static int64_t fpick[N];
			for (int i = 0; i < N; i++) {
				int64_t h = (at[i] - base) / 3600000;
				if (h < h0 || h >= h1)
					continue;
				if (i % 10 != 0)
					pick[n++] = lat[i];
				fpick[m++] = ft[i];
			}
			expect(db, 0, h0, h1, pick, n);
			expect(db, 1, h0, h1, fpick, m);
		}
	}
	expect(db, 0, 7, 9, pick, 0); /* nothing there: -1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bins_are_contiguous),
		cmocka_unit_test(nearest_rank),
		cmocka_unit_test_setup_teardown(sql_bins_match_c, open_db, close_db),
		cmocka_unit_test_setup_teardown(percentiles_are_exact, open_db, close_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
