/* cache_usage: the byte count of the read cache, one file under a lock. */
#define _DEFAULT_SOURCE /* flock */
#include "core/cache_usage.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "<bytes> <unix second of the last recount>\n" */
struct usage {
	long long bytes;
	long long recounted_s;
	bool known;   /* the file had a count */
};

/* A file of the cache folder, opened (created if need be) and locked with
 * flock's how (closing it unlocks): its descriptor, or -1. */
static int open_locked(const char *root, const char *name, int flags, int how)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/%s", root, name);
	int fd = open(path, flags | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, how) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The usage file, opened and locked alone, or -1. */
static int usage_lock(const char *root)
{
	return open_locked(root, "usage", O_RDWR, LOCK_EX);
}

static void usage_read(int fd, struct usage *u)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	u->known = sscanf(buf, "%lld %lld", &u->bytes, &u->recounted_s) == 2 && u->bytes >= 0;
	if (!u->known)
		u->bytes = u->recounted_s = 0;
}

static void usage_write(int fd, const struct usage *u)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%lld %lld\n", u->bytes < 0 ? 0 : u->bytes, u->recounted_s);
	if (pwrite(fd, buf, (size_t)n, 0) == n)
		(void)!ftruncate(fd, n);
}

int cache_usage_reserve(const char *root, long long cap, long long n, bool *recount)
{
	*recount = false;
	int fd = usage_lock(root);
	if (fd < 0)
		return -1; /* what cannot be counted is not kept */
	struct usage u;
	usage_read(fd, &u);
	int rc = 0;
	long long now = (long long)time(NULL);
	if (u.known && u.bytes + n <= cap) {
		u.bytes += n;
	} else {
		rc = -1;
		*recount = !u.known || now - u.recounted_s >= CACHE_USAGE_RECOUNT_S;
		if (*recount)
			u.recounted_s = now;
	}
	if (rc == 0 || *recount)
		usage_write(fd, &u);
	close(fd);
	return rc;
}

void cache_usage_add(const char *root, long long delta)
{
	int fd = usage_lock(root);
	if (fd < 0)
		return;
	struct usage u;
	usage_read(fd, &u);
	if (u.known) {
		u.bytes += delta;
		usage_write(fd, &u);
	}
	close(fd);
}

int cache_usage_enter(const char *root)
{
	return open_locked(root, "writers", O_RDONLY, LOCK_SH);
}

int cache_usage_alone(int writers, bool alone)
{
	/* Let go first: two processes turning shared into alone at once must
	 * not wait for each other. Only the one that claimed the recount asks
	 * (cache_usage_reserve), so the wait is for the stores under way. */
	if (flock(writers, LOCK_UN) < 0)
		return -1;
	return flock(writers, alone ? LOCK_EX : LOCK_SH);
}

void cache_usage_leave(int writers)
{
	if (writers >= 0)
		close(writers);
}

void cache_usage_set(const char *root, long long bytes)
{
	int fd = usage_lock(root);
	if (fd < 0)
		return;
	struct usage u;
	usage_read(fd, &u);
	u.bytes = bytes;
	u.recounted_s = (long long)time(NULL);
	usage_write(fd, &u);
	close(fd);
}
