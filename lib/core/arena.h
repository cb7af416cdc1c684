/* arena: per-request memory, released all at once when the request ends. */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used_total;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Frees every chunk but the first, which is kept for the next request. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
