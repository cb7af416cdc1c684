/* ndjson: split a byte stream into lines however the reads cut it. */
#include "models/ndjson.h"

#include <string.h>

/* Input is taken in slices so that a big read of many short lines never
 * looks like one long line. */
#define NDJSON_SLICE (64 * 1024)

void ndjson_init(struct ndjson *nd, ndjson_line_fn on_line, void *ctx)
{
	buf_init(&nd->pending, NDJSON_MAX_LINE + NDJSON_SLICE);
	nd->on_line = on_line;
	nd->ctx = ctx;
}

static int deliver(struct ndjson *nd, char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	char saved = line[len];
	line[len] = '\0';
	int rc = nd->on_line(nd->ctx, line, len);
	line[len] = saved;
	return rc;
}

static int feed_slice(struct ndjson *nd, const char *data, size_t len)
{
	if (buf_append(&nd->pending, data, len) < 0)
		return -1;
	size_t start = 0;
	int rc = 0;
	char *p = nd->pending.data;
	for (size_t i = 0; i < nd->pending.len && rc == 0; i++) {
		if (p[i] != '\n')
			continue;
		rc = deliver(nd, p + start, i - start);
		start = i + 1;
	}
	buf_consume(&nd->pending, start);
	if (rc == 0 && nd->pending.len > NDJSON_MAX_LINE)
		return -1;
	return rc;
}

int ndjson_feed(struct ndjson *nd, const char *data, size_t len)
{
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0; off += NDJSON_SLICE) {
		size_t n = len - off < NDJSON_SLICE ? len - off : NDJSON_SLICE;
		rc = feed_slice(nd, data + off, n);
	}
	return rc;
}

int ndjson_finish(struct ndjson *nd)
{
	int rc = 0;
	if (nd->pending.len)
		rc = deliver(nd, nd->pending.data, nd->pending.len);
	buf_clear(&nd->pending);
	return rc;
}

void ndjson_free(struct ndjson *nd)
{
	buf_free(&nd->pending);
}
