/* microchat-admin: the operator's command-line tool (never served: it lives
 * in tools/, not cgi-bin/): schema migrations, seed and CSV imports,
 * settings for scripts and the docs. */
#include "chat/streams.h"
#include "core/auth.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/schema.h"
#include "data/importer.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct admin_cmd {
	const char *name;
	const char *usage;
	int min_args;
	int (*run)(struct conf *c, int argc, char **argv);
};

static struct db *open_db(struct conf *c)
{
	struct db *db = db_open(c->db_path);
	if (!db)
		fprintf(stderr, "microchat-admin: cannot open %s\n", c->db_path);
	return db;
}

static int cmd_conf(struct conf *c, int argc, char **argv)
{
	(void)argc;
	const struct conf_key *k = conf_key_find(argv[0]);
	char value[CONF_CANON_MAX];
	if (!k) {
		fprintf(stderr, "microchat-admin: unknown setting '%s'\n", argv[0]);
		return 2;
	}
	const char *text = conf_string(c, k);
	if (!text && conf_format(c, k->name, value, sizeof(value)) == 0)
		text = value;
	puts(text);
	return 0;
}

static int cmd_env_names(struct conf *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	const struct conf_key *k;
	for (size_t i = 0; (k = conf_key_at(i)); i++)
		puts(k->env);
	return 0;
}

/* The table of docs/CONFIGURATION.md, from the settings' one description
 * (a test checks that the document carries it unchanged). */
static int cmd_settings_doc(struct conf *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	const struct conf_key *k;
	char rule[96];
	puts("| key | environment | default | takes | admin | what it is |");
	puts("| --- | --- | --- | --- | --- | --- |");
	for (size_t i = 0; (k = conf_key_at(i)); i++) {
		conf_rule(k, rule, sizeof(rule));
		bool long_default = strlen(k->def) > 40;
		printf("| `%s` | `%s` | %s%s%s | %s | %s | %s |\n", k->name, k->env,
		       long_default || !*k->def ? "" : "`", long_default ? "(a Spanish prompt, see lib/core/conf.c)"
		       : *k->def ? k->def : "(empty)", long_default || !*k->def ? "" : "`",
		       rule, k->flags & CONF_ADMIN ? "yes" : "", k->about);
	}
	return 0;
}

static int cmd_migrate(struct conf *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct db *db = open_db(c);
	if (!db)
		return 1;
	/* The lock a program's first request takes too (lib/core/schema): the
	 * two never migrate at once. The seed stays `seed DIR`'s job here. */
	int rc = schema_migrate(db, c, stdout, false);
	if (rc == 0)
		printf("database %s is at schema %d\n", c->db_path, db_schema_version(db));
	/* Answers kept for another database, or another schema, must go. */
	if (rc == 0 && cache_clear(c) < 0) {
		fprintf(stderr, "microchat-admin: cannot empty the cache folder; remove it by hand\n");
		rc = 1;
	}
	db_close(db);
	return rc ? 1 : 0;
}

/* A database at the schema this build expects, or NULL (and why). */
static struct db *open_migrated(struct conf *c)
{
	struct db *db = open_db(c);
	if (db && db_schema_version(db) != db_schema_latest()) {
		fprintf(stderr, "microchat-admin: %s is at schema %d, not %d: run 'microchat-admin migrate'\n",
			c->db_path, db_schema_version(db), db_schema_latest());
		db_close(db);
		return NULL;
	}
	return db;
}

/* Import one file, say what happened; 0 or 1. */
static int import_one(struct db *db, const char *path, enum importer_kind kind)
{
	struct importer_report rep;
	int rc = importer_file(db, path, kind, stderr, &rep);
	if (rc == 0)
		printf("%s: %d %s rows: %d new, %d updated\n", path, rep.rows,
		       importer_kind_name(kind), rep.inserted, rep.updated);
	else if (rc == -1)
		fprintf(stderr, "%s: %d error%s, nothing imported from this file\n", path, rep.errors,
			rep.errors == 1 ? "" : "s");
	else
		fprintf(stderr, "%s: the database refused the rows, nothing imported\n", path);
	return rc == 0 ? 0 : 1;
}

static int64_t count_rows(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_int(db, &n, sql, "");
	return n;
}

static char *join_path(const char *dir, const char *file)
{
	size_t n = strlen(dir) + strlen(file) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, file);
	return p;
}

static int seed_file(struct db *db, const char *dir, const char *file, enum importer_kind kind)
{
	char *path = join_path(dir, file);
	int rc = import_one(db, path, kind);
	free(path);
	return rc;
}

/* Load the seed into an empty catalog and an empty directory; a part that
 * already has rows is left alone, so make run can call this every time. */
static int cmd_seed(struct conf *c, int argc, char **argv)
{
	(void)argc;
	struct db *db = open_migrated(c);
	if (!db)
		return 1;
	int rc = 0;
	int64_t products = count_rows(db, "SELECT count(*) FROM products");
	int64_t categories = count_rows(db, "SELECT count(*) FROM categories");
	int64_t offices = count_rows(db, "SELECT count(*) FROM offices");
	if (products < 0 || categories < 0 || offices < 0)
		rc = 1;
	else if (products || categories)
		printf("catalog: %lld categories and %lld products already, seed not loaded\n",
		       (long long)categories, (long long)products);
	else
		rc |= seed_file(db, argv[0], "categories.csv", IMPORTER_CATEGORIES) ||
		      seed_file(db, argv[0], "products.csv", IMPORTER_PRODUCTS);
	if (offices > 0)
		printf("directory: %lld offices already, seed not loaded\n", (long long)offices);
	else if (offices == 0)
		rc |= seed_file(db, argv[0], "offices.csv", IMPORTER_OFFICES);
	db_close(db);
	cache_bump(c, 0);
	return rc;
}

/* Import the files whose kind is in kinds, categories before products. */
static int import_files(struct conf *c, int argc, char **argv, const enum importer_kind *kinds)
{
	enum importer_kind kind[64];
	if (argc > 64) {
		fputs("microchat-admin: at most 64 files at once\n", stderr);
		return 2;
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		kind[i] = importer_detect(argv[i]);
		bool wanted = false;
		for (const enum importer_kind *k = kinds; *k; k++)
			wanted |= *k == kind[i];
		if (!wanted) {
			fprintf(stderr, "%s: not a %s file (unreadable, or its header names none)\n", argv[i],
				kinds[1] ? "categories or products" : importer_kind_name(kinds[0]));
			rc = 1;
		}
	}
	if (rc)
		return rc;
	struct db *db = open_migrated(c);
	if (!db)
		return 1;
	for (const enum importer_kind *k = kinds; *k; k++)
		for (int i = 0; i < argc; i++)
			if (kind[i] == *k)
				rc |= import_one(db, argv[i], kind[i]);
	db_close(db);
	/* The catalog's answers are cached: the next read asks the database. */
	cache_bump(c, 0);
	return rc;
}

static int cmd_import_catalog(struct conf *c, int argc, char **argv)
{
	static const enum importer_kind kinds[] = { IMPORTER_CATEGORIES, IMPORTER_PRODUCTS, 0 };
	return import_files(c, argc, argv, kinds);
}

static int cmd_import_offices(struct conf *c, int argc, char **argv)
{
	static const enum importer_kind kinds[] = { IMPORTER_OFFICES, 0 };
	return import_files(c, argc, argv, kinds);
}

/* Replies left 'streaming' by a chat process that is gone (the server was
 * killed) become 'partial' with what was saved; make run does this first. */
static int cmd_settle(struct conf *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct db *db = open_migrated(c);
	if (!db)
		return 1;
	int n, total = 0;
	while ((n = streams_settle(db, 0)) > 0)
		total += n;
	db_close(db);
	if (n < 0)
		return 1;
	if (total)
		printf("%d replies whose process was gone are now partial\n", total);
	return 0;
}

static const struct admin_cmd admin_cmds[] = {
	{ "conf", "conf KEY              print one effective setting", 1, cmd_conf },
	{ "env-names", "env-names             list the environment variables that override settings", 0, cmd_env_names },
	{ "settings-doc", "settings-doc          print the table of every setting (docs/CONFIGURATION.md)", 0,
	  cmd_settings_doc },
	{ "migrate", "migrate               create the database or bring it to the current schema", 0, cmd_migrate },
	{ "settle", "settle                mark replies left streaming by a stopped server as partial", 0, cmd_settle },
	{ "seed", "seed DIR              load DIR's CSV files into an empty catalog and directory", 1, cmd_seed },
	{ "import-catalog", "import-catalog FILE... import categories and products CSV files (update by slug, sku)",
	  1, cmd_import_catalog },
	{ "import-offices", "import-offices FILE... import office directory CSV files (update by municipio)",
	  1, cmd_import_offices },
};

static int usage(void)
{
	fputs("usage: microchat-admin COMMAND [ARGS]\n", stderr);
	for (size_t i = 0; i < MC_ARRAY_LEN(admin_cmds); i++)
		fprintf(stderr, "  %s\n", admin_cmds[i].usage);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < MC_ARRAY_LEN(admin_cmds); i++) {
		const struct admin_cmd *cmd = &admin_cmds[i];
		if (strcmp(argv[1], cmd->name) != 0)
			continue;
		if (argc - 2 < cmd->min_args)
			return usage();
		struct conf c;
		if (conf_load(&c, NULL) < 0) {
			conf_free(&c);
			return 1;
		}
		cache_check(&c);
		if (auth_init() < 0)
			util_die("libsodium failed to initialise");
		int rc = cmd->run(&c, argc - 2, argv + 2);
		conf_free(&c);
		return rc;
	}
	return usage();
}
