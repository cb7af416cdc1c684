/* io_fcgi: requests from a FastCGI socket (libfcgi), for persistent workers. */
#include "io_fcgi.h"

bool io_fcgi_available(void)
{
	return !FCGX_IsCGI();
}

static const char *fcgi_getenv(void *ctx, const char *name)
{
	FCGX_Request *rq = ctx;
	return FCGX_GetParam(name, rq->envp);
}

static long fcgi_read(void *ctx, char *dst, size_t n)
{
	FCGX_Request *rq = ctx;
	int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
	return FCGX_GetStr(dst, chunk, rq->in);
}

static int fcgi_write(void *ctx, const char *src, size_t n)
{
	FCGX_Request *rq = ctx;
	while (n > 0) {
		int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
		if (FCGX_PutStr(src, chunk, rq->out) != chunk)
			return -1;
		src += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

static int fcgi_flush(void *ctx)
{
	FCGX_Request *rq = ctx;
	return FCGX_FFlush(rq->out) < 0 ? -1 : 0;
}

void io_fcgi_open(struct io_fcgi *f)
{
	FCGX_Init();
	FCGX_InitRequest(&f->request, 0, 0);
	f->io.ctx = &f->request;
	f->io.getenv = fcgi_getenv;
	f->io.read = fcgi_read;
	f->io.write = fcgi_write;
	f->io.flush = fcgi_flush;
}

int io_fcgi_accept(struct io_fcgi *f)
{
	return FCGX_Accept_r(&f->request) >= 0 ? 0 : -1;
}

void io_fcgi_finish(struct io_fcgi *f)
{
	FCGX_Finish_r(&f->request);
}

void io_fcgi_close(struct io_fcgi *f)
{
	FCGX_Free(&f->request, 1);
}
