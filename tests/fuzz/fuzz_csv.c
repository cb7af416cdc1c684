/* libFuzzer target: the CSV reader on arbitrary bytes. Every record must
 * come back as NUL-terminated fields, the line numbers must only grow, and
 * reading must end. Build and run: sh tests/fuzz/build.sh && build-fuzz/fuzz_csv */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "data/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct csv c;
	csv_init(&c, &a, (const char *)data, size);
	const char *f[CSV_MAX_FIELDS];
	int n, last = 0, records = 0;
	while ((n = csv_next(&c, f)) != 0) {
		if (c.line < last || ++records > (int)size + 1)
			abort();
		last = c.line;
		for (int i = 0; i < n; i++)
			if (strlen(f[i]) > size)
				abort();
	}
	arena_free(&a);
	return 0;
}
