/* Unit tests: NDJSON line splitting however the reads cut the stream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "models/ndjson.h"

struct seen {
	char lines[16][128];
	int n;
	int stop_at; /* return nonzero on this line (1-based), 0 = never */
};

static int on_line(void *ctx, const char *line, size_t len)
{
	struct seen *s = ctx;
	assert_int_equal(strlen(line), len);
	snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", line);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static const char stream[] =
	"{\"message\":{\"content\":\"Hola\"}}\n"
	"{\"message\":{\"content\":\" se\xc3\xb1or \xf0\x9f\x8d\x9e\"}}\r\n"
	"\n"
	"{\"done\":true}\n";

/* Every way of cutting the stream in two, and one byte at a time. */
static void split_anywhere(void **state)
{
	(void)state;
	size_t len = strlen(stream);
	for (size_t cut = 0; cut <= len; cut++) {
		struct seen s = { 0 };
		struct ndjson nd;
		ndjson_init(&nd, on_line, &s);
		assert_int_equal(ndjson_feed(&nd, stream, cut), 0);
		assert_int_equal(ndjson_feed(&nd, stream + cut, len - cut), 0);
		assert_int_equal(ndjson_finish(&nd), 0);
		assert_int_equal(s.n, 3);
		assert_string_equal(s.lines[1], "{\"message\":{\"content\":\" se\xc3\xb1or \xf0\x9f\x8d\x9e\"}}");
		assert_string_equal(s.lines[2], "{\"done\":true}");
		ndjson_free(&nd);
	}
	struct seen s = { 0 };
	struct ndjson nd;
	ndjson_init(&nd, on_line, &s);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(ndjson_feed(&nd, stream + i, 1), 0);
	assert_int_equal(s.n, 3);
	ndjson_free(&nd);
}

static void last_line_without_newline(void **state)
{
	(void)state;
	struct seen s = { 0 };
	struct ndjson nd;
	ndjson_init(&nd, on_line, &s);
	assert_int_equal(ndjson_feed(&nd, "a\nb", 3), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(ndjson_finish(&nd), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[1], "b");
	ndjson_free(&nd);
}

static void callback_stops(void **state)
{
	(void)state;
	struct seen s = { .stop_at = 2 };
	struct ndjson nd;
	ndjson_init(&nd, on_line, &s);
	assert_int_equal(ndjson_feed(&nd, "1\n2\n3\n", 6), 7);
	assert_int_equal(s.n, 2);
	ndjson_free(&nd);
}

static void overlong_line_refused(void **state)
{
	(void)state;
	struct seen s = { 0 };
	struct ndjson nd;
	ndjson_init(&nd, on_line, &s);
	static char chunk[64 * 1024];
	memset(chunk, 'x', sizeof(chunk));
	int rc = 0;
	for (int i = 0; i < 40 && rc == 0; i++)
		rc = ndjson_feed(&nd, chunk, sizeof(chunk));
	assert_int_equal(rc, -1);
	assert_int_equal(s.n, 0);
	ndjson_free(&nd);
}

static int count_line(void *ctx, const char *line, size_t len)
{
	(void)line;
	(void)len;
	(*(int *)ctx)++;
	return 0;
}

/* A big read of many short lines is not mistaken for one long line. */
static void many_lines_in_one_read(void **state)
{
	(void)state;
	static char big[3 * 1024 * 1024];
	size_t n = 0;
	while (n + 2 <= sizeof(big)) {
		big[n++] = 'y';
		big[n++] = '\n';
	}
	int lines = 0;
	struct ndjson nd;
	ndjson_init(&nd, count_line, &lines);
	assert_int_equal(ndjson_feed(&nd, big, n), 0);
	assert_int_equal(lines, (int)(n / 2));
	ndjson_free(&nd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_anywhere),
		cmocka_unit_test(last_line_without_newline),
		cmocka_unit_test(callback_stops),
		cmocka_unit_test(overlong_line_refused),
		cmocka_unit_test(many_lines_in_one_read),
	};
	return cmocka_run_group_tests_name("ndjson", tests, NULL, NULL);
}
