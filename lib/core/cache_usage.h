/* cache_usage: how many bytes the read cache's entries hold, kept in one
 * small file ("usage") in the cache folder and changed under a lock, so
 * that every process stores against the one cap (cache_max_mb). The count
 * can drift (a process killed between a write and its count); lib/core/cache
 * recounts the folder when the cap is reached, at most every few seconds.
 *
 * A recount must not race the stores and sweeps of other processes: a file
 * written after the recount read its folder, or removed before, would be
 * missing from (or counted against) the count it sets. So every store and
 * sweep holds the folder's "writers" file shared, and a recount holds it
 * alone. */
#ifndef MC_CACHE_USAGE_H
#define MC_CACHE_USAGE_H

#include <stdbool.h>

/* Seconds between two recounts of the whole folder. */
#define CACHE_USAGE_RECOUNT_S 10

/* Count n more bytes if the total stays within cap: 0. Otherwise -1, and
 * *recount is set when a recount is due (the caller then does it: this
 * call claimed it). No count at all yet (a new folder) asks for one. */
int cache_usage_reserve(const char *root, long long cap, long long n, bool *recount);
/* Add delta (negative: bytes removed) to the count. */
void cache_usage_add(const char *root, long long delta);
/* The writers' lock, held shared: its descriptor, or -1 (nothing may then
 * be stored). */
int cache_usage_enter(const char *root);
/* Hold it alone (for a recount) or, again, shared: 0, or -1 (not held at
 * all any more: the caller stores nothing). */
int cache_usage_alone(int writers, bool alone);
void cache_usage_leave(int writers);
/* The count, as a recount found it. */
void cache_usage_set(const char *root, long long bytes);

#endif
