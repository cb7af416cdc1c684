/* libFuzzer target: the request parsers (query string, urlencoded,
 * multipart with a boundary taken from the input, JSON, cookies) on
 * arbitrary bytes, read through a fake io as a server would hand them over.
 * The first byte picks the parser, by its value mod 5 (the seeds use 'A'
 * query, 'B' urlencoded, 'C' multipart, 'D' JSON, 'E' cookies); the rest
 * is the input. A parse either
 * refuses with a 4xx and a message, or every field it kept is a valid name
 * with valid, NUL-free text. One struct req serves every input, begun and
 * ended each time, as in a FastCGI worker. Run from the repository root:
 *   sh tests/fuzz/build.sh && build-fuzz/fuzz_req -max_len=4096 tests/fuzz/corpus/fuzz_req */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fake_io.h"
#include "core/arena.h"
#include "core/req.h"
#include "core/util.h"

enum mode { QUERY, URLENCODED, MULTIPART, JSON, COOKIES, MODES };

static struct req r;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&r.arena); /* its first chunk is kept from input to input */
	return 0;
}

/* Environment values are C strings: the input up to its first NUL. */
static char *cstring(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* What a successful parse kept must be what the handlers are promised. */
static void check_fields(void)
{
	if (r.nfields < 0 || r.nfields > REQ_MAX_FIELDS)
		abort();
	for (int i = 0; i < r.nfields; i++) {
		const struct req_field *f = &r.fields[i];
		size_t nlen = strlen(f->name);
		if (nlen == 0 || nlen > REQ_MAX_NAME || strlen(f->value) != f->len ||
		    !util_utf8_valid(f->value, f->len))
			abort();
		for (size_t j = 0; j < f->len; j++) {
			unsigned char c = (unsigned char)f->value[j];
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				abort();
		}
		/* The accessors never fail on what was kept. */
		if (!req_field(&r, f->name, NULL))
			abort();
		int64_t n;
		double d;
		if (req_field_int(&r, f->name, 0, INT64_MIN, INT64_MAX, &n) > 1 ||
		    req_field_double(&r, f->name, 0, -1e308, 1e308, &d) > 1)
			abort();
	}
}

/* The whole request as app_accept parses it: body through io, then query. */
static void parse(const char **env, const uint8_t *body, size_t n)
{
	struct fake_io f;
	fake_io_init(&f, env, (const char *)body, n);
	req_begin(&r, &f.io, "fuzz", NULL);
	struct req_error err = { 0 };
	if (req_parse(&r, &err) == 0)
		check_fields();
	else if ((err.status != 400 && err.status != 413 && err.status != 415) || !err.code || !err.message)
		abort();
	req_end(&r);
	buf_free(&f.out);
}

static void parse_body(const char *ctype, const uint8_t *body, size_t n)
{
	char cl[32];
	snprintf(cl, sizeof(cl), "%zu", n);
	const char *env[] = { "REQUEST_METHOD", "POST", "CONTENT_TYPE", ctype, "CONTENT_LENGTH", cl, NULL };
	parse(env, body, n);
}

static void parse_query(const uint8_t *data, size_t size)
{
	char *q = cstring(data, size);
	const char *env[] = { "REQUEST_METHOD", "GET", "QUERY_STRING", q, NULL };
	parse(env, NULL, 0);
	free(q);
}

/* The boundary is the input's first line, so quoted, overlong and empty
 * boundaries are all tried; the rest of the input is the body. */
static void parse_multipart(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t blen = nl ? (size_t)(nl - data) : 0;
	char *boundary = cstring(data, blen);
	char *ctype = malloc(strlen(boundary) + 40);
	if (!ctype)
		abort();
	sprintf(ctype, "multipart/form-data; boundary=%s", boundary);
	size_t skip = nl ? blen + 1 : 0;
	parse_body(ctype, data + skip, size - skip);
	free(ctype);
	free(boundary);
}

/* A cookie found is a piece of the header, and never runs past it. */
static void parse_cookies(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "session", "csrf", "lang", "a", "" };
	char *header = cstring(data, size);
	const char *env[] = { "REQUEST_METHOD", "GET", "HTTP_COOKIE", header, NULL };
	struct fake_io f;
	fake_io_init(&f, env, NULL, 0);
	req_begin(&r, &f.io, "fuzz", NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = req_cookie(&r, names[i]);
		if (v && (strlen(v) >= strlen(header) || !strstr(header, v)))
			abort();
	}
	req_end(&r);
	buf_free(&f.out);
	free(header);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	switch (data[0] % MODES) {
	case QUERY:
		parse_query(in, n);
		break;
	case URLENCODED:
		parse_body("application/x-www-form-urlencoded", in, n);
		break;
	case MULTIPART:
		parse_multipart(in, n);
		break;
	case JSON:
		parse_body("application/json", in, n);
		break;
	default:
		parse_cookies(in, n);
	}
	return 0;
}
