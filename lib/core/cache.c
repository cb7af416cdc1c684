/* cache: answers and session snapshots kept as small files (see cache.h for
 * why a reader never sees an entry older than a change it could observe). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "core/cache.h"
#include "core/arena.h"
#include "core/cache_usage.h"
#include "core/conf.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Nothing the programs cache comes near this; a bigger file is not ours. */
#define CACHE_ENTRY_MAX (4u << 20)
/* One store in this many also sweeps its scope. */
#define CACHE_SWEEP_EVERY 64
/* What cache_get reads before it asks for an entry's size. */
#define CACHE_FIRST_READ 8192
/* A temporary file this old was left by a process that died mid-write. */
#define CACHE_TMP_STALE_S 60

bool cache_on(const struct conf *c)
{
	return c && c->cache_max_age_s > 0 && c->db_path && *c->db_path;
}

/* A folder no one but this user (or root, for the one above) may change:
 * ours, or root's, and not writable by group or others unless sticky.
 * NULL, or what is wrong with it. */
static const char *folder_problem(const char *path, bool ours_only)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? NULL : "cannot be examined";
	if (!S_ISDIR(st.st_mode))
		return "is not a folder";
	if (st.st_uid != geteuid() && (ours_only || st.st_uid != 0))
		return "belongs to another user";
	if ((st.st_mode & 022) && (ours_only || !(st.st_mode & S_ISVTX)))
		return "may be written by group or others";
	return NULL;
}

void cache_check(struct conf *c)
{
	char root[CACHE_ROOT_MAX], parent[CACHE_ROOT_MAX];
	if (!cache_on(c) || cache_root(c, root) < 0)
		return;
	snprintf(parent, sizeof(parent), "%s", root);
	char *slash = strrchr(parent, '/');
	if (slash)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		snprintf(parent, sizeof(parent), ".");
	const char *why = folder_problem(root, true), *which = root;
	if (!why) {
		why = folder_problem(parent, false);
		which = parent;
	}
	if (!why)
		return;
	fprintf(stderr, "microchat cache: %s %s: running without the read cache "
		"(make it yours with mode 0700, or set cache_dir to such a folder)\n", which, why);
	c->cache_max_age_s = 0;
}

int cache_root(const struct conf *c, char out[CACHE_ROOT_MAX])
{
	int n = c->cache_dir && *c->cache_dir ? snprintf(out, CACHE_ROOT_MAX, "%s", c->cache_dir)
					     : snprintf(out, CACHE_ROOT_MAX, "%s-cache", c->db_path);
	return n > 0 && n < CACHE_ROOT_MAX ? 0 : -1;
}

static int scope_dir(const struct conf *c, int64_t user_id, char out[CACHE_PATH_MAX])
{
	char root[CACHE_ROOT_MAX];
	if (!cache_on(c) || cache_root(c, root) < 0)
		return -1;
	if (user_id > 0)
		snprintf(out, CACHE_PATH_MAX, "%s/u%lld", root, (long long)user_id);
	else
		snprintf(out, CACHE_PATH_MAX, "%s/all", root);
	return 0;
}

static int ensure_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	/* The root first (the only level that can be missing below it). */
	char parent[CACHE_PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -1;
	*slash = '\0';
	if (mkdir(parent, 0700) < 0 && errno != EEXIST)
		return -1;
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Read a small file whole: bytes read, or -1 (missing or unreadable). */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap);
	close(fd);
	return n;
}

/* Write a whole file under a temporary name in dir, to be renamed or linked
 * into place: the name of the temporary file in tmp, or -1. */
static int write_tmp(const char *dir, const char *data, size_t len, char tmp[CACHE_PATH_MAX])
{
	snprintf(tmp, CACHE_PATH_MAX, "%s/.tmp-%ld-%08x", dir, (long)getpid(), randombytes_random());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Put a whole file in place at path, in dir, as one rename: a reader sees
 * the old file or the new one, never part of it. 0 or -1. */
static int replace_file(const char *dir, const char *path, const char *data, size_t len)
{
	char tmp[CACHE_PATH_MAX];
	if (write_tmp(dir, data, len, tmp) < 0)
		return -1;
	if (rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	return -1;
}

/* "<expires at, Unix ms>\n" at the head of s, still ahead: what follows it,
 * or NULL (malformed or expired). */
static char *after_expiry(char *s)
{
	char *end;
	long long expires = strtoll(s, &end, 10);
	return end != s && *end == '\n' && expires > util_now_ms() ? end + 1 : NULL;
}

static void new_gen(char gen[CACHE_GEN_LEN + 1])
{
	unsigned char raw[CACHE_GEN_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(gen, CACHE_GEN_LEN + 1, raw, sizeof(raw));
}

static bool gen_valid(const char *s, size_t n)
{
	if (n != CACHE_GEN_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int read_gen(const char *dir, char gen[CACHE_GEN_LEN + 1])
{
	char path[CACHE_PATH_MAX + 8], buf[CACHE_GEN_LEN + 2];
	snprintf(path, sizeof(path), "%s/gen", dir);
	ssize_t n = read_small(path, buf, sizeof(buf));
	if (n < 0 || !gen_valid(buf, (size_t)n))
		return -1;
	memcpy(gen, buf, CACHE_GEN_LEN);
	gen[CACHE_GEN_LEN] = '\0';
	return 0;
}

/* A scope seen for the first time gets a generation; link() makes the first
 * of several racing processes win, the others read its value. */
static int create_gen(const char *dir, char gen[CACHE_GEN_LEN + 1])
{
	char tmp[CACHE_PATH_MAX], path[CACHE_PATH_MAX + 8], fresh[CACHE_GEN_LEN + 1];
	if (ensure_dir(dir) < 0)
		return -1;
	new_gen(fresh);
	if (write_tmp(dir, fresh, CACHE_GEN_LEN, tmp) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/gen", dir);
	int rc = link(tmp, path);
	int err = errno;
	unlink(tmp);
	if (rc == 0) {
		memcpy(gen, fresh, sizeof(fresh));
		return 0;
	}
	return err == EEXIST ? read_gen(dir, gen) : -1;
}

int cache_scope_open(const struct conf *c, int64_t user_id, struct cache_scope *s)
{
	if (scope_dir(c, user_id, s->dir) < 0)
		return -1;
	if (read_gen(s->dir, s->gen) == 0 || create_gen(s->dir, s->gen) == 0)
		return 0;
	return -1;
}

static bool key_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = key[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return key[0] != '.';
}

static int entry_path(const struct cache_scope *s, const char *key, char out[CACHE_PATH_MAX])
{
	if (!key_valid(key))
		return -1;
	int n = snprintf(out, CACHE_PATH_MAX, "%s/%s-%s", s->dir, s->gen, key);
	return n > 0 && n < CACHE_PATH_MAX ? 0 : -1;
}

/* An entry's file (not the generation, not a temporary file). */
static bool is_entry(const char *name)
{
	return name[0] != '.' && strcmp(name, "gen") != 0;
}

/* Remove what no reader can ask for any more: entries of other generations
 * than gen (NULL: look at the age only), entries and temporary files older than
 * max_age_s (an entry never outlives cache_max_age_s; a temporary file that
 * old was left by a process that died mid-write). Returns the bytes of the
 * entries removed, and adds those kept to *kept (when not NULL). */
static long long sweep_counted(const char *dir, const char *gen, long max_age_s, long long *kept)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	time_t now = time(NULL);
	struct dirent *e;
	char path[CACHE_PATH_MAX + 300];
	long long removed = 0;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "gen") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		bool stale_gen = gen && name[0] != '.' && strncmp(name, gen, CACHE_GEN_LEN) != 0;
		if ((stale_gen || now - st.st_mtime > max_age_s) && unlink(path) == 0)
			removed += is_entry(name) ? (long long)st.st_size : 0;
		else if (kept && is_entry(name))
			*kept += (long long)st.st_size;
	}
	closedir(d);
	return removed;
}

/* A scope's sweep, its removed entries taken off the cache's count. */
static void sweep(const struct conf *c, const char *dir, const char *gen, long max_age_s)
{
	char root[CACHE_ROOT_MAX];
	long long removed = sweep_counted(dir, gen, max_age_s, NULL);
	if (removed > 0 && cache_root(c, root) == 0)
		cache_usage_add(root, -removed);
}

/* A sweep outside a store: under the writers' lock, so that no recount
 * runs meanwhile (see cache_usage.h). Without the lock it sweeps all the
 * same: stale entries must go, and a recount corrects the count later. */
static void sweep_between_stores(const struct conf *c, const char *dir, const char *gen,
				 long max_age_s)
{
	char root[CACHE_ROOT_MAX];
	int writers = cache_root(c, root) == 0 ? cache_usage_enter(root) : -1;
	sweep(c, dir, gen, max_age_s);
	cache_usage_leave(writers);
}

/* The age past which sweep removes a file of a scope: no entry outlives
 * cache_max_age_s, and a temporary file gets at least CACHE_TMP_STALE_S. */
static long sweep_age(const struct conf *c)
{
	return c->cache_max_age_s > CACHE_TMP_STALE_S ? c->cache_max_age_s : CACHE_TMP_STALE_S;
}

/* Now and then, a store also sweeps: answers keyed by a query string (a
 * catalog search) could otherwise pile up between two changes. */
static void sweep_sometimes(const struct conf *c, const char *dir, const char *gen)
{
	if (randombytes_uniform(CACHE_SWEEP_EVERY) == 0)
		sweep(c, dir, gen, sweep_age(c));
}

/* Sweep every scope and count what stays: the cache's true size. */
static void recount(const struct conf *c, const char *root)
{
	DIR *d = opendir(root);
	if (!d)
		return;
	long long kept = 0;
	struct dirent *e;
	char dir[CACHE_PATH_MAX], gen[CACHE_GEN_LEN + 1];
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		/* Scopes: "all" and "u<id>"; "t" holds session tokens, not entries. */
		if (strcmp(name, "all") != 0 && !(name[0] == 'u' && name[1] >= '0' && name[1] <= '9'))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, name);
		sweep_counted(dir, read_gen(dir, gen) == 0 ? gen : "-", sweep_age(c), &kept);
	}
	closedir(d);
	cache_usage_set(root, kept);
}

/* Room for n more bytes under cache_max_mb: 0, or -1 (not kept). The
 * caller holds the writers' lock shared (cache_usage_enter). */
static int make_room(const struct conf *c, const char *root, int writers, long long n)
{
	long long cap = (long long)c->cache_max_mb << 20;
	bool due;
	if (cache_usage_reserve(root, cap, n, &due) == 0)
		return 0;
	if (!due)
		return -1;
	/* Alone while counting: no store or sweep between what the recount
	 * reads and the count it sets. */
	if (cache_usage_alone(writers, true) < 0)
		return -1;
	recount(c, root);
	if (cache_usage_alone(writers, false) < 0)
		return -1;
	return cache_usage_reserve(root, cap, n, &due);
}

char *cache_get(const struct conf *c, const struct cache_scope *s, const char *key,
		struct arena *a, size_t *len)
{
	char path[CACHE_PATH_MAX];
	if (!cache_on(c) || entry_path(s, key, path) < 0)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* Most answers fit the first read; a bigger one asks for its size. */
	size_t cap = CACHE_FIRST_READ;
	char *data = arena_alloc(a, cap + 1);
	ssize_t n = read(fd, data, cap);
	struct stat st;
	if (n == (ssize_t)cap) {
		if (fstat(fd, &st) < 0 || (size_t)st.st_size > CACHE_ENTRY_MAX) {
			n = -1;
		} else if ((size_t)st.st_size > cap) {
			char *all = arena_alloc(a, (size_t)st.st_size + 1);
			memcpy(all, data, cap);
			ssize_t more = read(fd, all + cap, (size_t)st.st_size - cap);
			data = all;
			n = more == (ssize_t)((size_t)st.st_size - cap) ? (ssize_t)st.st_size : -1;
		}
	}
	close(fd);
	if (n <= 0)
		return NULL;
	data[n] = '\0';
	char *body = after_expiry(data); /* "<expires at>\n<body>" */
	if (body)
		*len = (size_t)(n - (body - data));
	return body;
}

void cache_put(const struct conf *c, const struct cache_scope *s, const char *key,
	       const char *body, size_t len, int64_t ttl_ms)
{
	char path[CACHE_PATH_MAX], head[32], root[CACHE_ROOT_MAX];
	if (!cache_on(c) || len > CACHE_ENTRY_MAX - sizeof(head) || entry_path(s, key, path) < 0 ||
	    cache_root(c, root) < 0)
		return;
	int64_t max = (int64_t)c->cache_max_age_s * 1000;
	int64_t expires = util_now_ms() + (ttl_ms > 0 && ttl_ms < max ? ttl_ms : max);
	int hn = snprintf(head, sizeof(head), "%lld\n", (long long)expires);
	long long size = (long long)hn + (long long)len;
	int writers = cache_usage_enter(root);
	if (writers < 0)
		return; /* what cannot be counted is not kept */
	if (make_room(c, root, writers, size) < 0) {
		cache_usage_leave(writers);
		return; /* the cache is full: the answer is simply not kept */
	}
	struct stat old;
	long long replaced = stat(path, &old) == 0 ? (long long)old.st_size : 0;
	char *data = xmalloc((size_t)size);
	memcpy(data, head, (size_t)hn);
	memcpy(data + hn, body, len);
	long long back = replace_file(s->dir, path, data, (size_t)size) == 0 ? replaced : size;
	if (back > 0)
		cache_usage_add(root, -back);
	free(data);
	sweep_sometimes(c, s->dir, s->gen);
	cache_usage_leave(writers);
}

void cache_bump(const struct conf *c, int64_t user_id)
{
	char dir[CACHE_PATH_MAX], path[CACHE_PATH_MAX + 8], gen[CACHE_GEN_LEN + 1];
	if (scope_dir(c, user_id, dir) < 0)
		return;
	snprintf(path, sizeof(path), "%s/gen", dir);
	struct stat st;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return; /* nothing was ever cached for this scope */
	new_gen(gen);
	if (replace_file(dir, path, gen, CACHE_GEN_LEN) == 0) {
		sweep_between_stores(c, dir, gen, sweep_age(c));
		return;
	}
	/* Without a generation no entry is read and the next reader makes a
	 * new one; only if even that fails could an old entry still be read. */
	if (unlink(path) < 0 && errno != ENOENT)
		fprintf(stderr, "microchat cache: cannot renew %s (%s): remove %s by hand\n",
			path, strerror(errno), dir);
	else
		sweep_between_stores(c, dir, "-", CACHE_TMP_STALE_S); /* "-" starts no generation: every entry goes */
}

static int token_path(const struct conf *c, const char *token_hash, char out[CACHE_PATH_MAX])
{
	char root[CACHE_ROOT_MAX];
	if (!cache_on(c) || cache_root(c, root) < 0 || strlen(token_hash) > 128 || !key_valid(token_hash))
		return -1;
	snprintf(out, CACHE_PATH_MAX, "%s/t/%s", root, token_hash);
	return 0;
}

/* "<user id>\n" or, with a snapshot, "<user id>\n<generation>\n<expires at,
 * Unix ms>\n<snapshot>": one file read tells whose scope to look in and, if
 * that scope is still at the same generation, who the session is. */
int cache_token_read(const struct conf *c, const char *token_hash, struct arena *a,
		     struct cache_token *out)
{
	char path[CACHE_PATH_MAX], buf[1024];
	memset(out, 0, sizeof(*out));
	if (token_path(c, token_hash, path) < 0)
		return 0;
	ssize_t n = read_small(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p;
	long long id = strtoll(buf, &p, 10);
	if (p == buf || *p != '\n' || id <= 0)
		return 0;
	out->user_id = id;
	p++;
	char *nl = strchr(p, '\n'), *snapshot;
	if (!nl || !gen_valid(p, (size_t)(nl - p)) || !(snapshot = after_expiry(nl + 1)))
		return 1;
	memcpy(out->gen, p, CACHE_GEN_LEN);
	out->gen[CACHE_GEN_LEN] = '\0';
	out->snapshot = arena_strdup(a, snapshot);
	return 1;
}

void cache_token_write(const struct conf *c, const char *token_hash, int64_t user_id,
		       const char *gen, const char *snapshot, int64_t expires_ms)
{
	char path[CACHE_PATH_MAX], buf[1024];
	if (token_path(c, token_hash, path) < 0)
		return;
	int n = gen && snapshot
		? snprintf(buf, sizeof(buf), "%lld\n%s\n%lld\n%s", (long long)user_id, gen,
			   (long long)expires_ms, snapshot)
		: snprintf(buf, sizeof(buf), "%lld\n", (long long)user_id);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	char dir[CACHE_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (ensure_dir(dir) < 0 || replace_file(dir, path, buf, (size_t)n) < 0)
		return;
	/* A session lives session_days from its start and its file is
	 * rewritten, if at all, while it is used: older ones are of sessions
	 * that have ended. */
	if (randombytes_uniform(CACHE_SWEEP_EVERY * 4) == 0)
		sweep_counted(dir, NULL, c->session_days * 86400, NULL); /* tokens are not counted */
}

void cache_token_forget(const struct conf *c, const char *token_hash)
{
	char path[CACHE_PATH_MAX];
	if (token_path(c, token_hash, path) == 0)
		unlink(path);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int rc = type == FTW_DP ? rmdir(path) : unlink(path);
	if (rc < 0 && errno != ENOENT)
		fprintf(stderr, "microchat cache: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

int cache_clear(const struct conf *c)
{
	char root[CACHE_ROOT_MAX];
	if (!c->db_path || cache_root(c, root) < 0)
		return -1;
	struct stat st;
	if (lstat(root, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (folder_problem(root, true))
		return 0; /* not ours to empty (cache_check said why): it is never read */
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return lstat(root, &st) < 0 && errno == ENOENT ? 0 : -1;
}
