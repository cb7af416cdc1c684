/* csv: an RFC 4180 reader (quoted fields, doubled quotes, line breaks in
 * quotes, CRLF or LF, a leading UTF-8 BOM) that reports line numbers. */
#include "data/csv.h"
#include "core/arena.h"
#include "core/buf.h"

#include <stdbool.h>
#include <string.h>

void csv_init(struct csv *c, struct arena *a, const char *data, size_t len)
{
	c->arena = a;
	c->p = data;
	c->end = data + len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
	c->line = 0;
	c->next_line = 1;
	c->error = NULL;
}

static bool at_eol(const struct csv *c)
{
	return c->p == c->end || *c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n');
}

static void skip_eol(struct csv *c)
{
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->next_line++;
	}
}

/* Skip the rest of a bad record so reading can resume on the next line. */
static int fail(struct csv *c, const char *why)
{
	c->error = why;
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	skip_eol(c);
	return -1;
}

static int quoted(struct csv *c, struct buf *b)
{
	c->p++; /* the opening quote */
	for (;;) {
		if (c->p == c->end)
			return fail(c, "a quoted field is not closed");
		char ch = *c->p++;
		if (ch == '"') {
			if (c->p < c->end && *c->p == '"') {
				buf_append(b, "\"", 1);
				c->p++;
				continue;
			}
			if (!at_eol(c) && *c->p != ',')
				return fail(c, "text after the closing quote of a field");
			return 0;
		}
		if (ch == '\n')
			c->next_line++;
		buf_append(b, &ch, 1);
	}
}

static int plain(struct csv *c, struct buf *b)
{
	while (!at_eol(c) && *c->p != ',') {
		if (*c->p == '"')
			return fail(c, "a quote inside an unquoted field");
		buf_append(b, c->p++, 1);
	}
	return 0;
}

static int field(struct csv *c, const char **out)
{
	struct buf b;
	buf_init(&b, 0);
	int rc = c->p < c->end && *c->p == '"' ? quoted(c, &b) : plain(c, &b);
	*out = rc == 0 ? arena_strndup(c->arena, b.data ? b.data : "", b.len) : NULL;
	buf_free(&b);
	return rc;
}

int csv_next(struct csv *c, const char *fields[CSV_MAX_FIELDS])
{
	c->error = NULL;
	/* Blank lines between records are skipped. */
	while (c->p < c->end && (*c->p == '\n' || (*c->p == '\r' && at_eol(c))))
		skip_eol(c);
	c->line = c->next_line;
	if (c->p >= c->end)
		return 0;
	int n = 0;
	for (;;) {
		if (n == CSV_MAX_FIELDS)
			return fail(c, "too many fields");
		if (field(c, &fields[n]) < 0)
			return -1;
		n++;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		skip_eol(c);
		return n;
	}
}
