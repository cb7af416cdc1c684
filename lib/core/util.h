/* util: allocation that never returns NULL, time stamps, small string helpers. */
#ifndef MC_UTIL_H
#define MC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define MC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
_Noreturn void util_die(const char *fmt, ...);

/* Milliseconds since the Unix epoch (wall clock) and a monotonic clock. */
int64_t util_now_ms(void);
int64_t util_mono_ms(void);
/* ISO-8601 UTC "2026-11-20T12:34:56Z" for a Unix time in seconds. */
void util_iso_time(int64_t unix_seconds, char out[21]);

bool util_streq_nocase(const char *a, const char *b);
/* True when s is valid UTF-8 of exactly n bytes with no NUL byte. */
bool util_utf8_valid(const char *s, size_t n);

#endif
