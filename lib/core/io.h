/* io: where a request's environment, body and answer come from and go to
 * (plain CGI: environ, stdin and stdout; FastCGI: the libfcgi streams). */
#ifndef MC_IO_H
#define MC_IO_H

#include <stddef.h>

struct io {
	void *ctx;
	const char *(*getenv)(void *ctx, const char *name);
	/* Read up to n bytes; returns bytes read, 0 at end, -1 on error. */
	long (*read)(void *ctx, char *dst, size_t n);
	/* Write all n bytes; returns 0, or -1 when the client is gone. */
	int (*write)(void *ctx, const char *src, size_t n);
	int (*flush)(void *ctx);
	/* Longest a write may wait for a client that stopped reading before
	 * the client counts as gone (0: as long as the client takes). A
	 * stream blocked on such a client would hold its model backend. */
	long write_timeout_ms;
};

/* The plain CGI implementation (process environment, stdin, stdout). */
void io_cgi_init(struct io *io);

#endif
