/* buf: a growable, always NUL-terminated byte string with a size cap. */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stddef.h>

struct buf {
	char *data;     /* always NUL-terminated once anything was added */
	size_t len;
	size_t alloc;
	size_t cap;     /* appends that would pass this fail; 0 = unlimited */
};

void buf_init(struct buf *b, size_t cap);
/* Return 0, or -1 (nothing appended) when the cap would be exceeded. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop the first n bytes (used by line splitters). */
void buf_consume(struct buf *b, size_t n);
const char *buf_str(const struct buf *b);
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

#endif
