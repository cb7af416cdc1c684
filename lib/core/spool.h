/* spool: an append-only file of one-line records that many processes add to
 * at once and one process at a time takes whole. A request answered without
 * the database leaves its measurement here instead of opening SQLite; the
 * next request that writes to the database anyway moves the lines into the
 * tables in its own transaction (lib/core/metrics).
 *
 * Each append is one write(2) under a shared flock; taking the file needs the
 * exclusive lock, so no line can land between reading it and emptying it. */
#ifndef MC_SPOOL_H
#define MC_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

struct spool_take {
	int fd;
	char *data; /* the lines taken, NUL-terminated (malloc) */
	size_t len;
};

/* Appending goes through a descriptor the process keeps open (a FastCGI
 * worker appends again and again: no open() per line). A spool removed or
 * replaced meanwhile is noticed and opened anew. */
struct spool_writer {
	int fd; /* -1: not open */
	char path[1024];
};
void spool_writer_init(struct spool_writer *w);
/* Append one line (with its "\n"). The spool's size afterwards, or -1. */
long spool_write(struct spool_writer *w, const char *path, const char *line, size_t len);
void spool_writer_close(struct spool_writer *w);
/* True when the spool holds lines (one stat). */
bool spool_pending(const char *path);
/* Lock the spool and read it whole: 1 taken (call spool_done), 0 nothing
 * to take or, without wait, another process holds it; -1 error. */
int spool_take(const char *path, bool wait, struct spool_take *t);
/* Release what was taken; emptied tells whether the lines are now stored
 * (the file is emptied) or must stay for the next taker. */
void spool_done(struct spool_take *t, bool emptied);

#endif
