/* fake_io: a request environment, body and captured answer in memory, so
 * unit tests can drive req and resp without a server. */
#ifndef FAKE_IO_H
#define FAKE_IO_H

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/io.h"

struct fake_io {
	struct io io;
	const char **env;   /* NAME, VALUE, NAME, VALUE, ..., NULL */
	const char *body;
	size_t body_len, body_pos;
	struct buf out;
	int fail_writes;
};

static const char *fake_getenv(void *ctx, const char *name)
{
	struct fake_io *f = ctx;
	for (int i = 0; f->env && f->env[i]; i += 2)
		if (strcmp(f->env[i], name) == 0)
			return f->env[i + 1];
	return NULL;
}

static long fake_read(void *ctx, char *dst, size_t n)
{
	struct fake_io *f = ctx;
	size_t left = f->body_len - f->body_pos;
	if (n > left)
		n = left;
	if (n > 7)
		n = 7; /* short reads on purpose: callers must loop */
	memcpy(dst, f->body + f->body_pos, n);
	f->body_pos += n;
	return (long)n;
}

static int fake_write(void *ctx, const char *src, size_t n)
{
	struct fake_io *f = ctx;
	if (f->fail_writes)
		return -1;
	return buf_append(&f->out, src, n);
}

static int fake_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static inline void fake_io_init(struct fake_io *f, const char **env, const char *body, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->env = env;
	f->body = body;
	f->body_len = len;
	buf_init(&f->out, 0);
	f->io.ctx = f;
	f->io.getenv = fake_getenv;
	f->io.read = fake_read;
	f->io.write = fake_write;
	f->io.flush = fake_flush;
}

/* The body of the captured answer (after the blank line). */
static inline const char *fake_io_body(struct fake_io *f)
{
	const char *s = strstr(buf_str(&f->out), "\r\n\r\n");
	return s ? s + 4 : "";
}

#endif
