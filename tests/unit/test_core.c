/* Unit tests: buffers, arenas, UTF-8 checks, conversation titles, the
 * configuration file and environment, JSON answers and SSE events. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/db_json.h"
#include "chat/convo.h"
#include "fake_io.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"

static void buf_cap_is_never_silent(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "67890"), 0);
	assert_int_equal(buf_puts(&b, "x"), -1);
	assert_string_equal(buf_str(&b), "1234567890"); /* unchanged, not cut */
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	buf_consume(&b, 4);
	assert_string_equal(buf_str(&b), "567890");
	assert_int_equal(buf_printf(&b, "%s", "abcd"), 0);
	assert_string_equal(buf_str(&b), "567890abcd");
	buf_free(&b);
	buf_init(&b, 0);
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_puts(&b, "grow"), 0);
	assert_int_equal(b.len, 40000);
	buf_free(&b);
}

static void arena_reuse(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *s = arena_printf(&a, "%s-%d", "req", 7);
	assert_string_equal(s, "req-7");
	void *big = arena_alloc(&a, 1 << 20);
	memset(big, 1, 1 << 20);
	assert_true(((uintptr_t)arena_alloc(&a, 3) & 15) == 0);
	arena_reset(&a);
	assert_int_equal(a.used_total, 0);
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	arena_free(&a);
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(util_utf8_valid("ñandú 🍞", strlen("ñandú 🍞")));
	assert_false(util_utf8_valid("a\0b", 3));
	assert_false(util_utf8_valid("\xc3", 1));          /* cut */
	assert_false(util_utf8_valid("\xc0\xaf", 2));      /* overlong */
	assert_false(util_utf8_valid("\xed\xa0\x80", 3));  /* surrogate */
	assert_false(util_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(util_utf8_valid("\xff", 1));
}

static void titles(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(convo_title_from(&a, "  Hola\nsegunda línea"), "Hola");
	const char *longer = "Necesito una recomendación de notebook para programar y jugar un poco, con buena batería";
	char *t = convo_title_from(&a, longer);
	assert_true(strlen(t) <= 64);
	assert_true(util_utf8_valid(t, strlen(t)));
	assert_non_null(strstr(t, "…"));
	/* Never cut inside a character, even with no spaces at all. */
	char many[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(many, "ñ");
	t = convo_title_from(&a, many);
	assert_true(util_utf8_valid(t, strlen(t)));
	assert_string_equal(convo_title_from(&a, "\n\n"), "…");
	arena_free(&a);
}

static void conf_file_and_environment(void **state)
{
	(void)state;
	char dir[] = "/tmp/mc-conf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char confdir[64], path[96];
	snprintf(confdir, sizeof(confdir), "%s/conf", dir);
	mkdir(confdir, 0700);
	snprintf(path, sizeof(path), "%s/microchat.conf", confdir);
	FILE *f = fopen(path, "w");
	fputs("# comment\n  port = 9090  \nollama_url = http://a:1,http://b:2\ndb_path = db/x.db\nllm_timeout=30\n", f);
	fclose(f);
	unsetenv("PORT");
	unsetenv("DB_PATH");
	setenv("LLM_TIMEOUT", "45", 1);
	struct conf c;
	assert_int_equal(conf_load(&c, path), 0);
	assert_string_equal(c.port, "9090");
	assert_string_equal(c.ollama_url, "http://a:1,http://b:2");
	assert_int_equal(c.llm_timeout, 45); /* the environment wins */
	char want[128];
	snprintf(want, sizeof(want), "%s/db/x.db", dir); /* relative to the folder above conf/ */
	assert_string_equal(c.db_path, want);
	char out[64];
	assert_int_equal(conf_format(&c, "llm_timeout", out, sizeof(out)), 0);
	assert_string_equal(out, "45");
	assert_int_equal(conf_format(&c, "nope", out, sizeof(out)), -1);
	conf_free(&c);

	f = fopen(path, "w");
	fputs("port = 1\nunknown_key = 2\nllm_timeout = -5\nno equals sign\n", f);
	fclose(f);
	unsetenv("LLM_TIMEOUT");
	assert_int_equal(conf_load(&c, path), -1);
	conf_free(&c);
	setenv("LLM_TIMEOUT", "abc", 1);
	assert_int_equal(conf_load(&c, "/nonexistent/microchat.conf"), -1);
	unsetenv("LLM_TIMEOUT");
	conf_free(&c);
	unlink(path);
	rmdir(confdir);
	rmdir(dir);
}

/* A request on a fake connection, and its end. */
static void start_request(struct fake_io *f, struct req *r, const char **env)
{
	fake_io_init(f, env, "", 0);
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	req_begin(r, &f->io, "test", NULL);
}

static void end_request(struct fake_io *f, struct req *r)
{
	req_end(r);
	arena_free(&r->arena);
	buf_free(&f->out);
}

static void json_answer_and_error_envelope(void **state)
{
	(void)state;
	const char *env[] = { "REQUEST_METHOD", "GET", NULL };
	struct fake_io f;
	struct req r;
	start_request(&f, &r, env);
	resp_header(&r, "Retry-After: 30");
	resp_error(&r, 429, "rate_limited", "wait %d seconds for \"%s\"", 30, "<x>");
	const char *out = buf_str(&f.out);
	assert_true(strncmp(out, "Status: 429 Too Many Requests\r\n", 31) == 0);
	assert_non_null(strstr(out, "Content-Type: application/json; charset=utf-8\r\n"));
	assert_non_null(strstr(out, "X-Content-Type-Options: nosniff\r\n"));
	assert_non_null(strstr(out, "Cache-Control: no-store\r\n"));
	assert_non_null(strstr(out, "Retry-After: 30\r\n"));
	assert_string_equal(fake_io_body(&f),
		"{\"error\":{\"code\":\"rate_limited\",\"message\":\"wait 30 seconds for \\\"<x>\\\"\"}}\n");
	/* A second answer for the same request is dropped, not appended. */
	size_t len = f.out.len;
	resp_json(&r, 200, json_pack("{s:b}", "ok", 1));
	assert_int_equal(f.out.len, len);
	end_request(&f, &r);
}

/* An answer that could not be built (a lookup that came back empty, so
 * json_pack got NULL) is a 500 "internal", never an exit of the process. */
static void unbuilt_answer_is_internal(void **state)
{
	(void)state;
	const char *env[] = { "REQUEST_METHOD", "GET", NULL };
	struct fake_io f;
	struct req r;
	start_request(&f, &r, env);
	resp_json(&r, 200, json_pack("{s:o}", "conversation", NULL));
	assert_true(strncmp(buf_str(&f.out), "Status: 500 Internal Server Error\r\n", 35) == 0);
	assert_non_null(strstr(fake_io_body(&f), "{\"error\":{\"code\":\"internal\""));
	assert_string_equal(r.error_code, "internal");
	end_request(&f, &r);
	/* An event that cannot be built is skipped; the stream goes on. */
	start_request(&f, &r, env);
	resp_sse_begin(&r);
	assert_int_equal(resp_sse_event(&r, "token", NULL), -1);
	assert_false(r.client_gone);
	assert_int_equal(resp_sse_event(&r, "token", json_pack("{s:s}", "content", "x")), 0);
	end_request(&f, &r);
}

static void sse_events(void **state)
{
	(void)state;
	const char *env[] = { "REQUEST_METHOD", "POST", NULL };
	struct fake_io f;
	struct req r;
	start_request(&f, &r, env);
	resp_sse_begin(&r);
	assert_int_equal(resp_sse_event(&r, "token", json_pack("{s:s}", "content", "línea\nnueva")), 0);
	const char *out = buf_str(&f.out);
	assert_non_null(strstr(out, "Content-Type: text/event-stream; charset=utf-8\r\n"));
	assert_non_null(strstr(out, "X-Accel-Buffering: no\r\n"));
	assert_non_null(strstr(out, "Cache-Control: no-cache, no-transform\r\n"));
	/* The newline is escaped inside JSON: one data line per event. */
	assert_string_equal(fake_io_body(&f), "event: token\ndata: {\"content\":\"línea\\nnueva\"}\n\n");
	f.fail_writes = 1;
	assert_int_equal(resp_sse_event(&r, "token", json_pack("{s:s}", "content", "x")), -1);
	assert_true(r.client_gone);
	end_request(&f, &r);
}

/* A row function that shows n and fails on the row whose n is *ctx. */
static json_t *n_row(sqlite3_stmt *st, void *ctx)
{
	int n = sqlite3_column_int(st, 0);
	return ctx && n == *(int *)ctx ? NULL : json_integer(n);
}

/* Every row in order; a statement that failed, or a row that cannot be
 * shown, is no list at all (never one with a hole); the statement is
 * reset after, so it can be stepped again. */
static void rows_as_json(void **state)
{
	(void)state;
	struct db *db = db_open(":memory:");
	assert_non_null(db);
	assert_int_equal(db_exec(db, "CREATE TABLE t(n INTEGER)", ""), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (1), (2), (3)", ""), 0);
	const char *sql = "SELECT n FROM t WHERE n >= ?1 ORDER BY n";
	json_t *all = db_json_rows(db_query(db, sql, "i", 1), n_row, NULL);
	assert_non_null(all);
	assert_int_equal(json_array_size(all), 3);
	assert_int_equal(json_integer_value(json_array_get(all, 2)), 3);
	json_decref(all);
	int bad = 2;
	assert_null(db_json_rows(db_query(db, sql, "i", 1), n_row, &bad));
	json_t *none = db_json_rows(db_query(db, sql, "i", 9), n_row, NULL);
	assert_non_null(none);
	assert_int_equal(json_array_size(none), 0);
	json_decref(none);
	assert_null(db_json_rows(NULL, n_row, NULL));
	json_t *again = db_json_rows(db_query(db, sql, "i", 2), n_row, NULL);
	assert_int_equal(json_array_size(again), 2);
	json_decref(again);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_cap_is_never_silent),
		cmocka_unit_test(arena_reuse),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(titles),
		cmocka_unit_test(conf_file_and_environment),
		cmocka_unit_test(json_answer_and_error_envelope),
		cmocka_unit_test(unbuilt_answer_is_internal),
		cmocka_unit_test(sse_events),
		cmocka_unit_test(rows_as_json),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
