/* schema: the database brought to this build's schema by the first request
 * that finds it older or absent, under a lock concurrent first requests
 * wait on; a new database gets the built-in seed data. */
#define _DEFAULT_SOURCE /* flock */
#include "core/schema.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The lock file: the database path + ".lock", beside it (so in the folder
 * the server never serves). Held with flock, which the kernel releases if
 * the holder dies: a killed request never leaves the next one waiting. */
static int schema_lock(const char *db_path, FILE *log)
{
	size_t n = strlen(db_path) + sizeof(".lock");
	char *path = xmalloc(n);
	snprintf(path, n, "%s.lock", db_path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		fprintf(log, "cannot open the lock file %s: %s\n", path, strerror(errno));
	free(path);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			fprintf(log, "cannot lock %s.lock: %s\n", db_path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Under the lock. Each migration is one transaction that also records its
 * version, so the file is at one schema or the next, never between; a
 * request killed midway leaves the rest to the next one. */
static int schema_bring(struct db *db, const struct conf *c, FILE *log, bool seed)
{
	int have = db_schema_version(db), want = db_schema_latest();
	if (have == want)
		return 0; /* another request did it while this one waited */
	if (have < 0 || db_migrate(db, log) < 0)
		return -1;
	fprintf(log, "database %s %s schema %d\n", c->db_path, have == 0 ? "created at" : "migrated to", want);
	if (have == 0 && seed && schema_seed_builtin(db, log) < 0)
		fprintf(log, "the seed data were not loaded; the database is usable without them\n");
	/* Answers kept for another schema must go. */
	if (cache_clear(c) < 0)
		fprintf(log, "cannot empty the cache folder: remove it by hand\n");
	return 0;
}

int schema_migrate(struct db *db, const struct conf *c, FILE *log, bool seed)
{
	int fd = schema_lock(c->db_path, log);
	if (fd < 0)
		return -1;
	int rc = schema_bring(db, c, log, seed);
	close(fd); /* releases the lock */
	return rc;
}

int schema_ensure(struct db *db, const struct conf *c, const char *who)
{
	int have = db_schema_version(db), want = db_schema_latest();
	if (have == want)
		return 0;
	if (have > want) {
		fprintf(stderr, "microchat %s: database %s is at schema %d, newer than this build (%d): "
			"install the newer programs\n", who, c->db_path, have, want);
		return -1;
	}
	fprintf(stderr, "microchat %s: database %s is at schema %d, this build needs %d: bringing it there\n",
		who, c->db_path, have, want);
	if (schema_migrate(db, c, stderr, c->first_run_seed) < 0) {
		fprintf(stderr, "microchat %s: database %s could not be brought to schema %d\n", who,
			c->db_path, want);
		return -1;
	}
	return 0;
}
