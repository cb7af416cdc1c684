/* io_fcgi: requests from a FastCGI socket (libfcgi), for persistent workers. */
#ifndef MC_IO_FCGI_H
#define MC_IO_FCGI_H

#include <fcgiapp.h>
#include <stdbool.h>

#include "core/io.h"

struct io_fcgi {
	FCGX_Request request;
	struct io io;
};

/* True when stdin is a FastCGI listening socket (spawned by the server). */
bool io_fcgi_available(void);
void io_fcgi_open(struct io_fcgi *f);
/* Wait for the next request: 0, or -1 when the server closes the socket. */
int io_fcgi_accept(struct io_fcgi *f);
void io_fcgi_finish(struct io_fcgi *f);
void io_fcgi_close(struct io_fcgi *f);

#endif
