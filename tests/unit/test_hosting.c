/* Unit tests: a shared-hosting install without a shell. The microchat-data
 * folder found beside the web root or up from the program (and not from a
 * document root the program is not under), the configuration read from it
 * with its paths relative to it, and the first run that creates the schema
 * and loads the built-in seed once, with first requests opening a file
 * that does not exist yet all at once. */
#define _DEFAULT_SOURCE /* realpath, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/datadir.h"
#include "core/db.h"
#include "core/schema.h"

struct tree {
	char root[64];
	char program[PATH_MAX]; /* ROOT/home/public_html/microchat/cgi-bin/chat */
	char data[PATH_MAX];    /* ROOT/home/microchat-data, as a real path */
};

static void mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void touch(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The layout `make dist` unpacks in a home directory. */
static void tree_make(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/mc-hosting-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	mkdirs(t->root, "home/public_html/microchat/cgi-bin");
	mkdirs(t->root, "home/microchat-data/db");
	snprintf(t->program, sizeof(t->program), "%s/home/public_html/microchat/cgi-bin/chat", t->root);
	touch(t->program, "");
	char data[PATH_MAX];
	snprintf(data, sizeof(data), "%s/home/microchat-data", t->root);
	assert_non_null(realpath(data, t->data));
}

static void tree_remove(struct tree *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

static void assert_found(char *found, const char *want)
{
	assert_non_null(found);
	assert_string_equal(found, want);
	free(found);
}

static void data_folder_found(void **state)
{
	(void)state;
	struct tree t;
	tree_make(&t);
	char path[PATH_MAX];
	/* Up from the program: cgi-bin/../../../microchat-data. */
	assert_found(datadir_find(NULL, t.program), t.data);
	/* Beside the document root the program is served from. */
	snprintf(path, sizeof(path), "%s/home/public_html", t.root);
	assert_found(datadir_find(path, t.program), t.data);

	/* A server's own document root (a UserDir, an alias) with a
	 * microchat-data beside it that is not this install's: ignored while
	 * the program is known to live elsewhere. */
	mkdirs(t.root, "srv/www");
	mkdirs(t.root, "srv/microchat-data");
	snprintf(path, sizeof(path), "%s/srv/www", t.root);
	assert_found(datadir_find(path, t.program), t.data);
	char other[PATH_MAX], real[PATH_MAX];
	snprintf(other, sizeof(other), "%s/srv/microchat-data", t.root);
	assert_non_null(realpath(other, real));
	assert_found(datadir_find(path, NULL), real);

	/* Nearer folders first: microchat-data beside cgi-bin/ wins. */
	mkdirs(t.root, "home/public_html/microchat/microchat-data");
	snprintf(path, sizeof(path), "%s/home/public_html/microchat/microchat-data", t.root);
	assert_non_null(realpath(path, real));
	assert_found(datadir_find(NULL, t.program), real);

	/* None within three folders up: nothing. */
	char deep[PATH_MAX];
	mkdirs(t.root, "x/a/b/c/d");
	snprintf(deep, sizeof(deep), "%s/x/a/b/c/d/prog", t.root);
	touch(deep, "");
	assert_null(datadir_find(NULL, deep));
	assert_null(datadir_find(NULL, NULL));
	assert_null(datadir_find("/nonexistent", "/nonexistent/prog"));
	tree_remove(&t);
}

/* A microchat.conf in the data folder: paths relative to that folder, and
 * so is the default db/microchat.db when the file says nothing. */
static void conf_in_data_folder(void **state)
{
	(void)state;
	struct tree t;
	tree_make(&t);
	char conf[PATH_MAX + 32], want[PATH_MAX + 32];
	snprintf(conf, sizeof(conf), "%s/microchat.conf", t.data);
	touch(conf, "llm_timeout = 50\nfirst_run_seed = 0\n");
	unsetenv("DB_PATH");
	unsetenv("LLM_TIMEOUT");
	unsetenv("FIRST_RUN_SEED");
	struct conf c;
	assert_int_equal(conf_load(&c, conf), 0);
	assert_string_equal(c.data_dir, t.data);
	snprintf(want, sizeof(want), "%s/db/microchat.db", t.data);
	assert_string_equal(c.db_path, want);
	assert_int_equal(c.llm_timeout, 50);
	assert_false(c.first_run_seed);
	conf_free(&c);

	touch(conf, "db_path = other/x.db\ncache_dir = /var/tmp/c\n");
	assert_int_equal(conf_load(&c, conf), 0);
	snprintf(want, sizeof(want), "%s/other/x.db", t.data);
	assert_string_equal(c.db_path, want);
	assert_string_equal(c.cache_dir, "/var/tmp/c");
	assert_true(c.first_run_seed); /* the default */
	conf_free(&c);
	tree_remove(&t);
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int(db, &n, sql, ""), 1);
	return n;
}

/* The first request on no database: the schema and the seed, once; the
 * next finds nothing to do; a file newer than the build is refused. */
static void first_run(void **state)
{
	(void)state;
	struct tree t;
	tree_make(&t);
	char conf_path[PATH_MAX + 32], lock[PATH_MAX + 64];
	snprintf(conf_path, sizeof(conf_path), "%s/microchat.conf", t.data);
	touch(conf_path, "cache_max_age_s = 0\n");
	struct conf c;
	assert_int_equal(conf_load(&c, conf_path), 0);
	struct db *db = db_open(c.db_path);
	assert_non_null(db);
	assert_int_equal(db_schema_version(db), 0);
	assert_int_equal(schema_ensure(db, &c, "test"), 0);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	int64_t products = count(db, "SELECT count(*) FROM products");
	assert_true(products >= 200);
	assert_true(count(db, "SELECT count(*) FROM offices") >= 30);
	snprintf(lock, sizeof(lock), "%s.lock", c.db_path);
	struct stat st;
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Again: nothing to do, nothing loaded twice. */
	assert_int_equal(schema_ensure(db, &c, "test"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), products);
	/* The operator's migrate agrees. */
	assert_int_equal(schema_migrate(db, &c, stderr, false), 0);
	/* A newer file is left alone and refused. */
	assert_int_equal(db_exec(db, "PRAGMA user_version = 999", ""), 0);
	assert_int_equal(schema_ensure(db, &c, "test"), -1);
	assert_int_equal(db_schema_version(db), 999);
	db_close(db);
	conf_free(&c);
	tree_remove(&t);
}

static void first_run_without_seed(void **state)
{
	(void)state;
	struct tree t;
	tree_make(&t);
	char conf_path[PATH_MAX + 32];
	snprintf(conf_path, sizeof(conf_path), "%s/microchat.conf", t.data);
	touch(conf_path, "first_run_seed = 0\ncache_max_age_s = 0\n");
	struct conf c;
	assert_int_equal(conf_load(&c, conf_path), 0);
	struct db *db = db_open(c.db_path);
	assert_int_equal(schema_ensure(db, &c, "test"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM products"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM offices"), 0);
	db_close(db);
	conf_free(&c);
	tree_remove(&t);
}

/* Eight first requests open a file that does not exist yet, together:
 * every one gets a usable connection (the switch to WAL can find the file
 * locked in a way SQLite's busy handler does not wait for). */
static void fresh_file_opened_at_once(void **state)
{
	(void)state;
	char dir[] = "/tmp/microchat-open-XXXXXX", path[64], side[80];
	assert_non_null(mkdtemp(dir));
	int failed = 0;
	for (int round = 0; round < 60; round++) {
		snprintf(path, sizeof(path), "%s/r%d.db", dir, round);
		pid_t kids[8];
		for (int i = 0; i < 8; i++) {
			kids[i] = fork();
			assert_true(kids[i] >= 0);
			if (kids[i] == 0) {
				struct db *db = db_open(path);
				int64_t v = -1;
				_exit(db && db_int(db, &v, "PRAGMA user_version", "") == 1 ? 0 : 1);
			}
		}
		for (int i = 0; i < 8; i++) {
			int status;
			waitpid(kids[i], &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				failed++;
		}
		for (const char *const *s = (const char *const[]){ "", "-wal", "-shm", NULL }; *s; s++) {
			snprintf(side, sizeof(side), "%s%s", path, *s);
			unlink(side);
		}
	}
	rmdir(dir);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_folder_found),
		cmocka_unit_test(conf_in_data_folder),
		cmocka_unit_test(first_run),
		cmocka_unit_test(first_run_without_seed),
		cmocka_unit_test(fresh_file_opened_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
