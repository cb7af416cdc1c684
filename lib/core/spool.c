/* spool: one-line records appended by many processes, taken whole by one. */
#define _DEFAULT_SOURCE /* flock */
#include "core/spool.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* A spool this big was not written by us (or nobody took it for far too
 * long): take it in pieces of this size. */
#define SPOOL_TAKE_MAX (8u << 20)

void spool_writer_init(struct spool_writer *w)
{
	w->fd = -1;
	w->path[0] = '\0';
}

void spool_writer_close(struct spool_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	spool_writer_init(w);
}

static int writer_open(struct spool_writer *w, const char *path)
{
	spool_writer_close(w);
	if (strlen(path) >= sizeof(w->path))
		return -1;
	w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	return 0;
}

long spool_write(struct spool_writer *w, const char *path, const char *line, size_t len)
{
	if ((w->fd < 0 || strcmp(w->path, path) != 0) && writer_open(w, path) < 0)
		return -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct stat st;
		if (flock(w->fd, LOCK_SH) < 0 || fstat(w->fd, &st) < 0)
			break;
		if (st.st_nlink == 0) {
			/* Removed (a cleared cache): the next line goes to a new file. */
			if (writer_open(w, path) < 0)
				return -1;
			continue;
		}
		/* One write(2) of a short line with O_APPEND lands whole, after
		 * every other; the shared lock only keeps a taker from emptying
		 * the file in between. */
		ssize_t n = write(w->fd, line, len);
		flock(w->fd, LOCK_UN);
		if (n == (ssize_t)len)
			return (long)st.st_size + (long)len;
		break;
	}
	spool_writer_close(w);
	return -1;
}

bool spool_pending(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 0;
}

int spool_take(const char *path, bool wait, struct spool_take *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = open(path, O_RDWR | O_CLOEXEC);
	if (t->fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	int rc = 1;
	if (flock(t->fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0)
		rc = errno == EWOULDBLOCK ? 0 : -1;
	else if (fstat(t->fd, &st) < 0)
		rc = -1;
	else if (st.st_size == 0)
		rc = 0;
	if (rc <= 0) {
		close(t->fd);
		t->fd = -1;
		return rc;
	}
	size_t want = (size_t)st.st_size < SPOOL_TAKE_MAX ? (size_t)st.st_size : SPOOL_TAKE_MAX;
	t->data = xmalloc(want + 1);
	ssize_t n = pread(t->fd, t->data, want, 0);
	if (n <= 0) {
		spool_done(t, false);
		return -1;
	}
	/* Only whole lines: a piece ends at its last newline. */
	while (n > 0 && t->data[n - 1] != '\n')
		n--;
	t->len = (size_t)n;
	t->data[n] = '\0';
	return 1;
}

/* Drop the first len bytes, keeping what follows (a spool taken in pieces). */
static int drop_front(int fd, size_t len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	size_t rest = (size_t)st.st_size - len;
	char *tail = xmalloc(rest + 1);
	ssize_t n = pread(fd, tail, rest, (off_t)len);
	int rc = n == (ssize_t)rest && pwrite(fd, tail, rest, 0) == (ssize_t)rest &&
		 ftruncate(fd, (off_t)rest) == 0 ? 0 : -1;
	free(tail);
	return rc;
}

void spool_done(struct spool_take *t, bool emptied)
{
	if (t->fd >= 0 && emptied) {
		struct stat st;
		int rc = fstat(t->fd, &st) == 0 && (size_t)st.st_size == t->len ? ftruncate(t->fd, 0)
										 : drop_front(t->fd, t->len);
		if (rc < 0)
			fprintf(stderr, "microchat spool: cannot empty the spool: %s\n", strerror(errno));
	}
	if (t->fd >= 0)
		close(t->fd);
	free(t->data);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}
