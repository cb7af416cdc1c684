/* Unit tests: request parsing (every body encoding, limits, bad encodings,
 * cookies, numeric fields) and the answers it sends on bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_io.h"
#include "core/app.h"
#include "core/req.h"
#include "core/resp.h"

struct fixture {
	struct fake_io f;
	struct req r;
	char cl[32];
	const char *env[24];
};

static struct fixture *setup_req(const char *method, const char *ctype, const char *body,
				 const char *query, const char *cookie)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof(fx));
	int i = 0;
	fx.env[i++] = "REQUEST_METHOD";
	fx.env[i++] = method;
	if (ctype) {
		fx.env[i++] = "CONTENT_TYPE";
		fx.env[i++] = ctype;
	}
	size_t len = body ? strlen(body) : 0;
	snprintf(fx.cl, sizeof(fx.cl), "%zu", len);
	fx.env[i++] = "CONTENT_LENGTH";
	fx.env[i++] = fx.cl;
	if (query) {
		fx.env[i++] = "QUERY_STRING";
		fx.env[i++] = query;
	}
	if (cookie) {
		fx.env[i++] = "HTTP_COOKIE";
		fx.env[i++] = cookie;
	}
	fx.env[i] = NULL;
	fake_io_init(&fx.f, fx.env, body ? body : "", len);
	arena_init(&fx.r.arena);
	req_begin(&fx.r, &fx.f.io, "test", NULL);
	return &fx;
}

/* The fields parsed as a program's start does it (lib/core/app): a refusal
 * is answered with the error envelope. 0, or -1 once refused. */
static int parse(struct fixture *fx)
{
	return app_accept(&fx->r, fx->r.method) ? 0 : -1;
}

static void teardown_req(struct fixture *fx)
{
	req_end(&fx->r);
	arena_free(&fx->r.arena);
	buf_free(&fx->f.out);
}

static void urlencoded_fields(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("POST", "application/x-www-form-urlencoded",
				       "username=ana+maria&password=p%C3%A1ss%26word&empty=", NULL, NULL);
	assert_int_equal(parse(fx), 0);
	assert_string_equal(req_field(&fx->r, "username", ""), "ana maria");
	assert_string_equal(req_field(&fx->r, "password", ""), "páss&word");
	assert_string_equal(req_field(&fx->r, "empty", "x"), "");
	assert_string_equal(req_field(&fx->r, "missing", "def"), "def");
	teardown_req(fx);
}

static void json_fields(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("POST", "application/json; charset=utf-8",
		"{\"message\":\"hola \\u00f1and\\u00fa\",\"conversation_id\":12,\"temperature\":0.5,"
		"\"stream\":true,\"model\":null,\"tags\":[1,2]}", NULL, NULL);
	assert_int_equal(parse(fx), 0);
	assert_string_equal(req_field(&fx->r, "message", ""), "hola ñandú");
	int64_t id;
	assert_int_equal(req_field_int(&fx->r, "conversation_id", 0, 1, 100, &id), 1);
	assert_int_equal(id, 12);
	double t;
	assert_int_equal(req_field_double(&fx->r, "temperature", 0, 0, 2, &t), 1);
	assert_true(t > 0.49 && t < 0.51);
	assert_string_equal(req_field(&fx->r, "stream", ""), "1");
	assert_null(req_field(&fx->r, "model", NULL));
	assert_string_equal(req_field(&fx->r, "tags", ""), "[1,2]");
	teardown_req(fx);
}

static void multipart_fields(void **state)
{
	(void)state;
	const char *body =
		"--XyZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nline one\r\nline two\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\nContent-Type: text/plain\r\n\r\nllama3.2:1b\r\n"
		"--XyZ--\r\n";
	struct fixture *fx = setup_req("POST", "multipart/form-data; boundary=XyZ", body, NULL, NULL);
	assert_int_equal(parse(fx), 0);
	assert_string_equal(req_field(&fx->r, "message", ""), "line one\r\nline two");
	assert_string_equal(req_field(&fx->r, "model", ""), "llama3.2:1b");
	teardown_req(fx);
}

static void multipart_quoted_boundary(void **state)
{
	(void)state;
	const char *body = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
	struct fixture *fx = setup_req("POST", "multipart/form-data; boundary=\"a b\"", body, NULL, NULL);
	assert_int_equal(parse(fx), 0);
	assert_string_equal(req_field(&fx->r, "x", ""), "1");
	teardown_req(fx);
}

/* Each bad body gets its status and the error envelope, never a crash. */
static void expect_refused(const char *ctype, const char *body, int status, const char *code)
{
	struct fixture *fx = setup_req("POST", ctype, body, NULL, NULL);
	assert_int_equal(parse(fx), -1);
	assert_int_equal(fx->r.status, status);
	char want[128];
	snprintf(want, sizeof(want), "{\"error\":{\"code\":\"%s\"", code);
	assert_non_null(strstr(fake_io_body(&fx->f), want));
	teardown_req(fx);
}

static void bad_bodies(void **state)
{
	(void)state;
	expect_refused("application/json", "{\"a\":", 400, "invalid_input");
	expect_refused("application/json", "[1,2]", 400, "invalid_input");
	expect_refused("application/json", "{\"a\":1,\"a\":2}", 400, "invalid_input");
	expect_refused("application/json", "{\"a\":\"nul\\u0000byte\"}", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%ZZ", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%4", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%00", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%C3%28", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%ED%A0%80", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "a=%07bell", 400, "invalid_input");
	expect_refused("application/x-www-form-urlencoded", "b%0Ad=1", 400, "invalid_input");
	expect_refused("text/plain", "hello", 415, "unsupported_media_type");
	expect_refused(NULL, "hello", 415, "unsupported_media_type");
	expect_refused("multipart/form-data", "--x\r\n", 400, "invalid_input");
	expect_refused("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", 400, "invalid_input");
	expect_refused("multipart/form-data; boundary=x", "--x\r\nX: y\r\n\r\nv\r\n--x--", 400, "invalid_input");
}

static void too_many_fields(void **state)
{
	(void)state;
	char body[2048] = "";
	for (int i = 0; i < REQ_MAX_FIELDS + 1; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "f%d=1&", i);
	expect_refused("application/x-www-form-urlencoded", body, 400, "invalid_input");
}

/* A body over the limit is read to its end and dropped before the 413
 * (Apache's mod_cgid would otherwise lose the answer); one larger than
 * REQ_DISCARD_MAX is left unread. */
static void body_limit_read_and_dropped(void **state)
{
	(void)state;
	size_t n = 1024 * 1024 + 100; /* over the 1 MiB default */
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	struct fixture *fx = setup_req("POST", "application/x-www-form-urlencoded", big, NULL, NULL);
	assert_int_equal(parse(fx), -1);
	assert_int_equal(fx->r.status, 413);
	assert_int_equal(fx->f.body_pos, n);
	assert_int_equal(fx->r.nfields, 0);
	teardown_req(fx);

	fx = setup_req("POST", "application/json", "{}", NULL, NULL);
	fx->r.content_length = REQ_DISCARD_MAX + 1;
	assert_int_equal(parse(fx), -1);
	assert_int_equal(fx->r.status, 413);
	assert_int_equal(fx->f.body_pos, 0);
	teardown_req(fx);
	free(big);
}

/* A request refused before its body was read (a wrong method) still has it
 * read once answered; a body already read is not read again. */
static void unread_body_drained(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("DELETE", "application/x-www-form-urlencoded", "a=1&b=2", NULL, NULL);
	assert_false(app_accept(&fx->r, "GET"));
	assert_int_equal(fx->r.status, 405);
	assert_int_equal(fx->f.body_pos, 0);
	req_drain(&fx->r);
	assert_int_equal(fx->f.body_pos, 7);
	teardown_req(fx);

	fx = setup_req("POST", "application/x-www-form-urlencoded", "a=1", NULL, NULL);
	assert_int_equal(parse(fx), 0);
	req_drain(&fx->r);
	assert_string_equal(req_field(&fx->r, "a", ""), "1");
	teardown_req(fx);
}

/* Several parts of one name (an upload of several files), each with the
 * name the browser gave its file, when that name is plain text. */
static void multipart_files(void **state)
{
	(void)state;
	const char *body =
		"--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nimport_catalog\r\n"
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"precios.csv\"\r\n"
		"Content-Type: text/csv\r\n\r\nsku,name\r\nA,B\r\n\r\n"
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bad\tname.csv\"\r\n\r\nslug,name\n"
		"\r\n--B--\r\n";
	struct fixture *fx = setup_req("POST", "multipart/form-data; boundary=B", body, NULL, NULL);
	assert_int_equal(parse(fx), 0);
	int pos = 0;
	const struct req_field *f = req_field_next(&fx->r, "file", &pos);
	assert_non_null(f);
	assert_string_equal(f->filename, "precios.csv");
	assert_string_equal(f->value, "sku,name\r\nA,B\r\n");
	f = req_field_next(&fx->r, "file", &pos);
	assert_non_null(f);
	assert_string_equal(f->value, "slug,name\n");
	assert_string_equal(f->filename, "bad\tname.csv"); /* a tab is text */
	assert_null(req_field_next(&fx->r, "file", &pos));
	pos = 0;
	f = req_field_next(&fx->r, "action", &pos);
	assert_null(f->filename);
	teardown_req(fx);
}

static void short_body_refused(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("POST", "application/json", "{}", NULL, NULL);
	fx->r.content_length = 10; /* more than will arrive */
	assert_int_equal(parse(fx), -1);
	assert_int_equal(fx->r.status, 400);
	teardown_req(fx);
}

static void query_and_body_precedence(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("POST", "application/x-www-form-urlencoded", "id=2", "id=1&q=x", NULL);
	assert_int_equal(parse(fx), 0);
	assert_string_equal(req_field(&fx->r, "id", ""), "2"); /* the body wins */
	assert_string_equal(req_field(&fx->r, "q", ""), "x");
	teardown_req(fx);
}

static void numeric_fields(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("GET", NULL, NULL, "a=12&b=-3&c=x1&d=99999999999999999999&e=&f=1.5&g=nan", NULL);
	assert_int_equal(parse(fx), 0);
	int64_t v;
	double d;
	assert_int_equal(req_field_int(&fx->r, "a", 0, 0, 100, &v), 1);
	assert_int_equal(v, 12);
	assert_int_equal(req_field_int(&fx->r, "b", 0, 0, 100, &v), -1);
	assert_int_equal(req_field_int(&fx->r, "c", 0, 0, 100, &v), -1);
	assert_int_equal(req_field_int(&fx->r, "d", 0, 0, INT64_MAX, &v), -1);
	assert_int_equal(req_field_int(&fx->r, "e", 7, 0, 100, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(req_field_int(&fx->r, "zz", 5, 0, 100, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(req_field_double(&fx->r, "f", 0, 0, 2, &d), 1);
	assert_int_equal(req_field_double(&fx->r, "g", 0, 0, 2, &d), -1);
	teardown_req(fx);
}

static void cookies(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("GET", NULL, NULL, NULL, "theme=dark; session=abc.def; sessionx=no; other=1");
	assert_string_equal(req_cookie(&fx->r, "session"), "abc.def");
	assert_string_equal(req_cookie(&fx->r, "theme"), "dark");
	assert_null(req_cookie(&fx->r, "sess"));
	assert_null(req_cookie(&fx->r, "missing"));
	teardown_req(fx);
}

static void method_check(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("DELETE", NULL, NULL, NULL, NULL);
	assert_false(app_accept(&fx->r, "GET,POST"));
	assert_int_equal(fx->r.status, 405);
	assert_non_null(strstr(buf_str(&fx->f.out), "Allow: GET,POST\r\n"));
	teardown_req(fx);
	fx = setup_req("POST", NULL, NULL, NULL, NULL);
	assert_true(app_accept(&fx->r, "GET,POST"));
	assert_false(fx->r.responded);
	teardown_req(fx);
}

/* The context is clean again after req_end: nothing of one request is
 * visible to the next (persistent workers). */
static void reset_between_requests(void **state)
{
	(void)state;
	struct fixture *fx = setup_req("POST", "application/x-www-form-urlencoded", "secret=1", NULL, "session=a");
	assert_int_equal(parse(fx), 0);
	fx->r.user.id = 42;
	req_end(&fx->r);
	assert_int_equal(fx->r.nfields, 0);
	assert_int_equal(fx->r.user.id, 0);
	assert_null(fx->r.cookie_header);
	teardown_req(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urlencoded_fields),
		cmocka_unit_test(json_fields),
		cmocka_unit_test(multipart_fields),
		cmocka_unit_test(multipart_quoted_boundary),
		cmocka_unit_test(bad_bodies),
		cmocka_unit_test(too_many_fields),
		cmocka_unit_test(body_limit_read_and_dropped),
		cmocka_unit_test(unread_body_drained),
		cmocka_unit_test(multipart_files),
		cmocka_unit_test(short_body_refused),
		cmocka_unit_test(query_and_body_precedence),
		cmocka_unit_test(numeric_fields),
		cmocka_unit_test(cookies),
		cmocka_unit_test(method_check),
		cmocka_unit_test(reset_between_requests),
	};
	return cmocka_run_group_tests_name("req", tests, NULL, NULL);
}
