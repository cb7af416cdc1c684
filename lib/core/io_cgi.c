/* io_cgi: the request comes from the process environment, stdin and stdout. */
#define _POSIX_C_SOURCE 200809L
#include "core/io.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static const char *cgi_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static long cgi_read(void *ctx, char *dst, size_t n)
{
	(void)ctx;
	for (;;) {
		ssize_t got = read(STDIN_FILENO, dst, n);
		if (got < 0 && errno == EINTR)
			continue;
		return (long)got;
	}
}

/* Unbuffered on purpose: every SSE event must leave the process at once,
 * and JSON answers are already written in one piece. */
static int cgi_write(void *ctx, const char *src, size_t n)
{
	(void)ctx;
	while (n > 0) {
		ssize_t put = write(STDOUT_FILENO, src, n);
		if (put < 0 && errno == EINTR)
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

void io_cgi_init(struct io *io)
{
	io->ctx = NULL;
	io->getenv = cgi_getenv;
	io->read = cgi_read;
	io->write = cgi_write;
	io->flush = cgi_flush;
}
