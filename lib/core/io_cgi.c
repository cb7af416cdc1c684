/* io_cgi: the request comes from the process environment, stdin and stdout. */
#define _POSIX_C_SOURCE 200809L
#include "core/io.h"

#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *cgi_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* stdin may share its file with stdout (a socket both ways, as Apache's
 * mod_cgid hands it over), which nonblocking_stdout made non-blocking:
 * a read that would block waits for data, as a blocking read does. */
static long cgi_read(void *ctx, char *dst, size_t n)
{
	(void)ctx;
	for (;;) {
		ssize_t got = read(STDIN_FILENO, dst, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			if (poll(&p, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		return (long)got;
	}
}

/* Wait until stdout takes more, at most until deadline (0: no limit). */
static int wait_writable(int64_t deadline)
{
	for (;;) {
		long left = deadline ? (long)(deadline - util_mono_ms()) : -1;
		if (deadline && left <= 0)
			return -1;
		struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
		int rc = poll(&p, 1, deadline ? (int)left : -1);
		if (rc > 0)
			return p.revents & POLLOUT ? 0 : -1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* Unbuffered on purpose: every SSE event must leave the process at once,
 * and JSON answers are already written in one piece. */
static int cgi_write(void *ctx, const char *src, size_t n)
{
	const struct io *io = ctx;
	int64_t deadline = io->write_timeout_ms > 0 ? util_mono_ms() + io->write_timeout_ms : 0;
	while (n > 0) {
		ssize_t put = write(STDOUT_FILENO, src, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable(deadline) == 0)
			continue;
		if (put <= 0)
			return -1;
		src += put;
		n -= (size_t)put;
	}
	return 0;
}

static int cgi_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

/* The server's pipe (or socket) is ours alone: writes to it do not block,
 * so that cgi_write can give up on a client that stopped reading. A
 * terminal or a file (a program run by hand) is left as it is. */
static void nonblocking_stdout(void)
{
	struct stat st;
	int fl = fcntl(STDOUT_FILENO, F_GETFL);
	if (fl >= 0 && fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
}

void io_cgi_init(struct io *io)
{
	nonblocking_stdout();
	io->ctx = io;
	io->write_timeout_ms = 0;
	io->getenv = cgi_getenv;
	io->read = cgi_read;
	io->write = cgi_write;
	io->flush = cgi_flush;
}
