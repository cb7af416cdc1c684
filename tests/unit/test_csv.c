/* csv: the RFC 4180 reader, record by record, with line numbers and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "data/csv.h"

#include <string.h>

struct rec {
	int n;
	int line;
	const char *f[CSV_MAX_FIELDS];
};

static int next(struct csv *c, struct rec *r)
{
	r->n = csv_next(c, r->f);
	r->line = c->line;
	return r->n;
}

static void test_plain_and_quoted(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *data = "a,b,c\n1,\"two, with comma\",\"say \"\"hi\"\"\"\n,,\n";
	struct csv c;
	struct rec r;
	csv_init(&c, &a, data, strlen(data));
	assert_int_equal(next(&c, &r), 3);
	assert_string_equal(r.f[2], "c");
	assert_int_equal(next(&c, &r), 3);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.f[1], "two, with comma");
	assert_string_equal(r.f[2], "say \"hi\"");
	assert_int_equal(next(&c, &r), 3);
	assert_string_equal(r.f[0], "");
	assert_string_equal(r.f[2], "");
	assert_int_equal(next(&c, &r), 0);
	arena_free(&a);
}

static void test_crlf_bom_newline_in_quotes(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *data = "\xEF\xBB\xBFh1,h2\r\n\"multi\nline\",x\r\n\r\nlast,y";
	struct csv c;
	struct rec r;
	csv_init(&c, &a, data, strlen(data));
	assert_int_equal(next(&c, &r), 2);
	assert_string_equal(r.f[0], "h1"); /* the BOM is not part of the name */
	assert_int_equal(next(&c, &r), 2);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.f[0], "multi\nline");
	assert_int_equal(next(&c, &r), 2); /* the blank line is skipped */
	assert_int_equal(r.line, 5);
	assert_string_equal(r.f[0], "last");
	assert_string_equal(r.f[1], "y"); /* no final line break */
	assert_int_equal(next(&c, &r), 0);
	arena_free(&a);
}

static void test_errors_and_recovery(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *data = "ok,1\nbad\"quote,2\n\"closed\"junk,3\nfine,4\n\"never closed,5\n";
	struct csv c;
	struct rec r;
	csv_init(&c, &a, data, strlen(data));
	assert_int_equal(next(&c, &r), 2);
	assert_int_equal(next(&c, &r), -1);
	assert_int_equal(r.line, 2);
	assert_non_null(strstr(c.error, "quote"));
	assert_int_equal(next(&c, &r), -1);
	assert_int_equal(r.line, 3);
	assert_int_equal(next(&c, &r), 2); /* reading goes on */
	assert_string_equal(r.f[0], "fine");
	assert_int_equal(next(&c, &r), -1);
	assert_non_null(strstr(c.error, "not closed"));
	assert_int_equal(next(&c, &r), 0);
	arena_free(&a);
}

static void test_too_many_fields(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char data[400];
	memset(data, ',', CSV_MAX_FIELDS + 5);
	data[CSV_MAX_FIELDS + 5] = '\0';
	struct csv c;
	struct rec r;
	csv_init(&c, &a, data, strlen(data));
	assert_int_equal(next(&c, &r), -1);
	assert_int_equal(next(&c, &r), 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted),
		cmocka_unit_test(test_crlf_bom_newline_in_quotes),
		cmocka_unit_test(test_errors_and_recovery),
		cmocka_unit_test(test_too_many_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
