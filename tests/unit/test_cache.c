/* Unit tests: the read cache's generations and entries (lib/core/cache) and the
 * request spool (lib/core/spool), on files in a temporary folder. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/spool.h"
#include "core/util.h"

struct fixture {
	char dir[64];
	struct conf conf;
	struct arena arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mc-cache-test-XXXXXX");
	if (!mkdtemp(f->dir) || sodium_init() < 0)
		return -1;
	f->conf.db_path = xstrdup("unused.db");
	char path[128];
	snprintf(path, sizeof(path), "%s/cache", f->dir);
	f->conf.cache_dir = xstrdup(path);
	f->conf.cache_max_age_s = 60;
	f->conf.cache_max_mb = 1;
	arena_init(&f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cache_clear(&f->conf);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f->conf.db_path);
	free(f->conf.cache_dir);
	arena_free(&f->arena);
	free(f);
	return 0;
}

static const char *get(struct fixture *f, const struct cache_scope *s, const char *key)
{
	size_t len;
	return cache_get(&f->conf, s, key, &f->arena, &len);
}

static void entries_live_until_the_scope_changes(void **state)
{
	struct fixture *f = *state;
	struct cache_scope alice, bob, again;
	assert_int_equal(cache_scope_open(&f->conf, 7, &alice), 0);
	assert_int_equal(cache_scope_open(&f->conf, 8, &bob), 0);
	assert_string_not_equal(alice.gen, bob.gen);
	assert_null(get(f, &alice, "history"));
	cache_put(&f->conf, &alice, "history", "{\"a\":1}", 7, 0);
	assert_string_equal(get(f, &alice, "history"), "{\"a\":1}");
	assert_null(get(f, &bob, "history")); /* another user's scope */
	/* Reopened, the same generation: still there. */
	assert_int_equal(cache_scope_open(&f->conf, 7, &again), 0);
	assert_string_equal(again.gen, alice.gen);
	assert_string_equal(get(f, &again, "history"), "{\"a\":1}");
	/* A change renews the generation: the entry is gone, also for a reader
	 * that still holds the old generation (the file was swept). */
	cache_bump(&f->conf, 7);
	assert_int_equal(cache_scope_open(&f->conf, 7, &again), 0);
	assert_string_not_equal(again.gen, alice.gen);
	assert_null(get(f, &again, "history"));
	assert_null(get(f, &alice, "history"));
	/* Bob's scope is untouched. */
	cache_put(&f->conf, &bob, "history", "{}", 2, 0);
	cache_bump(&f->conf, 7);
	assert_string_equal(get(f, &bob, "history"), "{}");
}

/* The race the generations exist for: a reader took the generation, then a
 * change committed and renewed it, then the reader stored what it had read
 * before the change. Nobody may be served that answer. */
static void a_late_store_is_never_served(void **state)
{
	struct fixture *f = *state;
	struct cache_scope before, after;
	assert_int_equal(cache_scope_open(&f->conf, 0, &before), 0);
	cache_bump(&f->conf, 0);
	cache_put(&f->conf, &before, "models", "old", 3, 0);
	assert_int_equal(cache_scope_open(&f->conf, 0, &after), 0);
	assert_null(get(f, &after, "models"));
}

static void entries_expire_and_keys_are_checked(void **state)
{
	struct fixture *f = *state;
	struct cache_scope s;
	assert_int_equal(cache_scope_open(&f->conf, 0, &s), 0);
	cache_put(&f->conf, &s, "short", "x", 1, 1);
	nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	assert_null(get(f, &s, "short"));
	/* Names that could leave the folder are refused, on both sides. */
	cache_put(&f->conf, &s, "../escape", "x", 1, 0);
	assert_null(get(f, &s, "../escape"));
	cache_put(&f->conf, &s, ".hidden", "x", 1, 0);
	assert_null(get(f, &s, ".hidden"));
	char path[256];
	snprintf(path, sizeof(path), "%s/escape", f->dir);
	assert_int_not_equal(access(path, F_OK), 0);
	/* Off: nothing is read or written. */
	f->conf.cache_max_age_s = 0;
	assert_false(cache_on(&f->conf));
	assert_int_equal(cache_scope_open(&f->conf, 0, &s), -1);
}

static void tokens_hold_a_snapshot_only_for_their_generation(void **state)
{
	struct fixture *f = *state;
	const char *hash = "ab12cd34";
	struct cache_token t;
	assert_int_equal(cache_token_read(&f->conf, hash, &f->arena, &t), 0);
	cache_token_write(&f->conf, hash, 5, NULL, NULL, 0);
	assert_int_equal(cache_token_read(&f->conf, hash, &f->arena, &t), 1);
	assert_int_equal(t.user_id, 5);
	assert_null(t.snapshot);
	struct cache_scope s;
	assert_int_equal(cache_scope_open(&f->conf, 5, &s), 0);
	cache_token_write(&f->conf, hash, 5, s.gen, "snap\n", util_now_ms() + 60000);
	assert_int_equal(cache_token_read(&f->conf, hash, &f->arena, &t), 1);
	assert_string_equal(t.gen, s.gen);
	assert_string_equal(t.snapshot, "snap\n");
	/* Expired: known, without the snapshot. */
	cache_token_write(&f->conf, hash, 5, s.gen, "snap\n", util_now_ms() - 1);
	assert_int_equal(cache_token_read(&f->conf, hash, &f->arena, &t), 1);
	assert_null(t.snapshot);
	cache_token_forget(&f->conf, hash);
	assert_int_equal(cache_token_read(&f->conf, hash, &f->arena, &t), 0);
}

/* Many processes appending while one takes: every line is taken exactly
 * once, none is cut. */
static void the_spool_loses_no_line(void **state)
{
	struct fixture *f = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/requests.spool", f->dir);
	assert_false(spool_pending(path));
	enum { WRITERS = 4, LINES = 500 };
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			struct spool_writer sw;
			spool_writer_init(&sw);
			for (int i = 0; i < LINES; i++) {
				char line[64];
				int n = snprintf(line, sizeof(line), "w%d line %d\n", w, i);
				if (spool_write(&sw, path, line, (size_t)n) < 0)
					_exit(1);
			}
			spool_writer_close(&sw);
			_exit(0);
		}
	}
	int seen[WRITERS][LINES];
	memset(seen, 0, sizeof(seen));
	int taken_total = 0, running = WRITERS;
	while (running > 0 || spool_pending(path)) {
		struct spool_take t;
		if (spool_take(path, true, &t) == 1) {
			for (char *l = t.data, *nl; *l; l = nl + 1) {
				nl = strchr(l, '\n');
				assert_non_null(nl);
				int w, i;
				assert_int_equal(sscanf(l, "w%d line %d", &w, &i), 2);
				seen[w][i]++;
				taken_total++;
			}
			spool_done(&t, true);
		}
		int st;
		while (running > 0 && waitpid(-1, &st, WNOHANG) > 0) {
			assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
			running--;
		}
	}
	assert_int_equal(taken_total, WRITERS * LINES);
	for (int w = 0; w < WRITERS; w++)
		for (int i = 0; i < LINES; i++)
			assert_int_equal(seen[w][i], 1);
}

/* A taker that could not store the lines leaves them for the next one. */
static void lines_stay_until_stored(void **state)
{
	struct fixture *f = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/keep.spool", f->dir);
	struct spool_writer w;
	spool_writer_init(&w);
	assert_true(spool_write(&w, path, "one\n", 4) == 4);
	spool_writer_close(&w);
	struct spool_take t;
	assert_int_equal(spool_take(path, false, &t), 1);
	spool_done(&t, false);
	assert_true(spool_pending(path));
	assert_int_equal(spool_take(path, false, &t), 1);
	assert_string_equal(t.data, "one\n");
	spool_done(&t, true);
	assert_false(spool_pending(path));
	assert_int_equal(spool_take(path, false, &t), 0);
}

/* Answers keyed by a query string must not pile up between two changes:
 * stores now and then sweep what is older than the longest an entry lives.
 * (One store in 64 sweeps: 2000 stores miss it with odds of 1e-14.) */
static void old_entries_are_swept(void **state)
{
	struct fixture *f = *state;
	struct cache_scope s;
	assert_int_equal(cache_scope_open(&f->conf, 0, &s), 0);
	cache_put(&f->conf, &s, "catalog-old", "x", 1, 0);
	char path[CACHE_PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s-catalog-old", s.dir, s.gen);
	struct timespec old[2] = { { .tv_sec = time(NULL) - 3600 }, { .tv_sec = time(NULL) - 3600 } };
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	for (int i = 0; i < 2000 && access(path, F_OK) == 0; i++)
		cache_put(&f->conf, &s, "catalog-new", "y", 1, 0);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_string_equal(get(f, &s, "catalog-new"), "y");
}

/* Bytes of the entry files of one scope. */
static long long scope_bytes(const struct cache_scope *s)
{
	char cmd[CACHE_PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd), "du -b --exclude=gen -s %s", s->dir);
	FILE *p = popen(cmd, "r");
	long long n = -1;
	if (p && fscanf(p, "%lld", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

/* cache_max_mb holds on store, and room freed by a change is used again. */
static void the_cap_holds_and_frees(void **state)
{
	struct fixture *f = *state;
	struct cache_scope s;
	static char body[20000];
	memset(body, 'x', sizeof(body));
	assert_int_equal(cache_scope_open(&f->conf, 3, &s), 0);
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cache_put(&f->conf, &s, key, body, sizeof(body), 0);
	}
	long long used = scope_bytes(&s);
	assert_true(used > (1 << 20) / 2);
	assert_true(used <= (1 << 20) + 4096); /* the folder's own size, at most */
	assert_null(get(f, &s, "k199")); /* refused: over the cap */
	assert_non_null(get(f, &s, "k0"));
	/* A change sweeps the scope: its bytes count no more. */
	cache_bump(&f->conf, 3);
	assert_int_equal(cache_scope_open(&f->conf, 3, &s), 0);
	cache_put(&f->conf, &s, "after", body, sizeof(body), 0);
	assert_non_null(get(f, &s, "after"));
}

/* A worker's writer keeps its descriptor; a spool emptied by a taker is
 * still the same file, a removed one is opened anew. */
static void a_kept_writer_follows_the_spool(void **state)
{
	struct fixture *f = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/kept.spool", f->dir);
	struct spool_writer w;
	spool_writer_init(&w);
	assert_true(spool_write(&w, path, "a\n", 2) == 2);
	assert_true(spool_write(&w, path, "b\n", 2) == 4);
	struct spool_take t;
	assert_int_equal(spool_take(path, true, &t), 1);
	assert_string_equal(t.data, "a\nb\n");
	spool_done(&t, true);
	assert_true(spool_write(&w, path, "c\n", 2) == 2);
	assert_int_equal(unlink(path), 0);
	assert_true(spool_write(&w, path, "d\n", 2) == 2);
	assert_int_equal(spool_take(path, true, &t), 1);
	assert_string_equal(t.data, "d\n");
	spool_done(&t, true);
	spool_writer_close(&w);
	assert_int_equal(w.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(entries_live_until_the_scope_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_late_store_is_never_served, setup, teardown),
		cmocka_unit_test_setup_teardown(entries_expire_and_keys_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(tokens_hold_a_snapshot_only_for_their_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(the_spool_loses_no_line, setup, teardown),
		cmocka_unit_test_setup_teardown(lines_stay_until_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(a_kept_writer_follows_the_spool, setup, teardown),
		cmocka_unit_test_setup_teardown(old_entries_are_swept, setup, teardown),
		cmocka_unit_test_setup_teardown(the_cap_holds_and_frees, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
