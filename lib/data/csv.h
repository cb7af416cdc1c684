/* csv: an RFC 4180 reader (quoted fields, doubled quotes, line breaks in
 * quotes, CRLF or LF, a leading UTF-8 BOM) that reports line numbers. */
#ifndef MC_CSV_H
#define MC_CSV_H

#include <stddef.h>

struct arena;

#define CSV_MAX_FIELDS 64

struct csv {
	struct arena *arena;
	const char *p;
	const char *end;
	int line;           /* where the record just read starts (1-based) */
	int next_line;
	const char *error;  /* why the last record was refused */
};

void csv_init(struct csv *c, struct arena *a, const char *data, size_t len);
/* Read the next record into fields (arena strings): the number of fields,
 * 0 at the end of the data, -1 for a malformed record (c->error, c->line);
 * reading can go on after -1 from the next line. */
int csv_next(struct csv *c, const char *fields[CSV_MAX_FIELDS]);

#endif
