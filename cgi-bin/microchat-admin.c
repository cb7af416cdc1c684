/* microchat-admin: the operator's command-line tool (never served as CGI):
 * schema migrations, seed and CSV imports, settings for scripts. */
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "util.h"

#include <stdio.h>
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
	char value[4096];
	if (conf_format(c, argv[0], value, sizeof(value)) < 0) {
		fprintf(stderr, "microchat-admin: unknown setting '%s'\n", argv[0]);
		return 2;
	}
	puts(value);
	return 0;
}

static int cmd_migrate(struct conf *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct db *db = open_db(c);
	if (!db)
		return 1;
	int rc = db_migrate(db, stdout);
	if (rc == 0)
		printf("database %s is at schema %d\n", c->db_path, db_schema_version(db));
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_seed(struct conf *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	printf("seed data in %s: the catalog and directory importers are not built yet\n", argv[0]);
	return 0;
}

static const struct admin_cmd admin_cmds[] = {
	{ "conf", "conf KEY              print one effective setting", 1, cmd_conf },
	{ "migrate", "migrate               create the database or bring it to the current schema", 0, cmd_migrate },
	{ "seed", "seed DIR              load DIR's CSV files into an empty catalog and directory", 1, cmd_seed },
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
		if (auth_init() < 0)
			util_die("libsodium failed to initialise");
		int rc = cmd->run(&c, argc - 2, argv + 2);
		conf_free(&c);
		return rc;
	}
	return usage();
}
