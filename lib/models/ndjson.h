/* ndjson: split a byte stream into lines however the reads cut it. */
#ifndef MC_NDJSON_H
#define MC_NDJSON_H

#include <stddef.h>

#include "core/buf.h"

#define NDJSON_MAX_LINE (1024 * 1024)

/* Called once per complete line (without its newline, NUL-terminated).
 * Return 0 to go on, nonzero to stop: that value is returned by feed. */
typedef int (*ndjson_line_fn)(void *ctx, const char *line, size_t len);

struct ndjson {
	struct buf pending; /* bytes of a line not yet ended */
	ndjson_line_fn on_line;
	void *ctx;
};

void ndjson_init(struct ndjson *nd, ndjson_line_fn on_line, void *ctx);
/* Feed bytes: 0, the callback's nonzero value, or -1 for a line longer
 * than NDJSON_MAX_LINE. Blank lines are skipped; a trailing \r is dropped. */
int ndjson_feed(struct ndjson *nd, const char *data, size_t len);
/* The stream ended: a last line without a newline is still delivered. */
int ndjson_finish(struct ndjson *nd);
void ndjson_free(struct ndjson *nd);

#endif
