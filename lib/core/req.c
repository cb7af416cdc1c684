/* req: one request's context: the CGI environment, cookies and the fields of
 * the query string and of the three body encodings, behind one accessor. */
#define _GNU_SOURCE /* memmem */
#include "core/req.h"
#include "core/conf.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *env(struct req *r, const char *name)
{
	const char *v = r->io->getenv(r->io->ctx, name);
	return v ? arena_strdup(&r->arena, v) : NULL;
}

void req_begin(struct req *r, struct io *io, const char *program, const struct conf *conf)
{
	struct arena keep = r->arena;
	memset(r, 0, sizeof(*r));
	r->arena = keep;
	r->io = io;
	r->conf = conf;
	r->program = program;
	r->started_ms = util_mono_ms();
	r->status = 200;
	const char *m = env(r, "REQUEST_METHOD");
	r->method = m ? m : "GET";
	r->query = env(r, "QUERY_STRING");
	r->content_type = env(r, "CONTENT_TYPE");
	r->cookie_header = env(r, "HTTP_COOKIE");
	r->host = env(r, "HTTP_HOST");
	r->origin = env(r, "HTTP_ORIGIN");
	r->remote_addr = env(r, "REMOTE_ADDR");
	r->authorization = env(r, "HTTP_AUTHORIZATION");
	r->accept = env(r, "HTTP_ACCEPT");
	r->user_agent = env(r, "HTTP_USER_AGENT");
	r->request_uri = env(r, "REQUEST_URI");
	r->script_name = env(r, "SCRIPT_NAME");
	const char *https = env(r, "HTTPS");
	r->https = https && util_streq_nocase(https, "on");
	const char *cl = env(r, "CONTENT_LENGTH");
	r->content_length = 0;
	if (cl && *cl) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		/* An unparsable length is treated as too large: refused with 413. */
		r->content_length = (errno || *end || cl[0] == '-') ? SIZE_MAX : (size_t)n;
	}
}

void req_end(struct req *r)
{
	arena_reset(&r->arena);
	struct arena keep = r->arena;
	memset(r, 0, sizeof(*r));
	r->arena = keep;
}

bool req_is_post(const struct req *r)
{
	return strcmp(r->method, "POST") == 0;
}

bool req_method_allowed(const struct req *r, const char *allowed)
{
	size_t mlen = strlen(r->method);
	for (const char *p = allowed; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == mlen && strncmp(p, r->method, n) == 0)
			return true;
		p += n + (comma ? 1 : 0);
	}
	return false;
}

/* ---- field table ---- */

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > REQ_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '-' && c != '.' && c != '[' && c != ']')
			return false;
	}
	return true;
}

/* Text may hold tabs and line breaks, but no other control character. */
static bool value_ok(const char *s, size_t n)
{
	if (!util_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return false;
	}
	return true;
}

static int field_add(struct req *r, const char *name, size_t nlen,
		     const char *value, size_t vlen, const char **why)
{
	if (!name_ok(name, nlen)) {
		*why = "a field name is empty, too long or has characters other than letters, digits, _ - . [ ]";
		return 400;
	}
	if (!value_ok(value, vlen)) {
		*why = arena_printf(&r->arena, "field '%.*s' is not valid UTF-8 text (NUL and control characters are refused)",
				    (int)nlen, name);
		return 400;
	}
	if (r->nfields >= REQ_MAX_FIELDS) {
		*why = "too many fields";
		return 400;
	}
	struct req_field *f = &r->fields[r->nfields++];
	f->name = arena_strndup(&r->arena, name, nlen);
	f->value = arena_strndup(&r->arena, value, vlen);
	f->len = vlen;
	f->filename = NULL;
	return 0;
}

const char *req_field(struct req *r, const char *name, const char *def)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return def;
}

const struct req_field *req_field_next(struct req *r, const char *name, int *pos)
{
	for (; *pos < r->nfields; (*pos)++)
		if (strcmp(r->fields[*pos].name, name) == 0)
			return &r->fields[(*pos)++];
	return NULL;
}

int req_field_int(struct req *r, const char *name, int64_t def,
		  int64_t min, int64_t max, int64_t *out)
{
	const char *v = req_field(r, name, NULL);
	*out = def;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = n;
	return 1;
}

int req_field_double(struct req *r, const char *name, double def,
		     double min, double max, double *out)
{
	const char *v = req_field(r, name, NULL);
	*out = def;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || *end || !isfinite(d) || d < min || d > max)
		return -1;
	*out = d;
	return 1;
}

/* ---- application/x-www-form-urlencoded (also the query string) ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode in place into dst (which may be src); returns the length or -1. */
static long url_decode(char *dst, const char *src, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (src[i] == '+') {
			dst[o++] = ' ';
		} else if (src[i] == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexval(src[i + 1]), lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			dst[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			dst[o++] = src[i];
		}
	}
	return (long)o;
}

int req_parse_urlencoded(struct req *r, const char *s, size_t n, const char **why)
{
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > i) {
			const char *pair = s + i;
			size_t plen = end - i;
			const char *eq = memchr(pair, '=', plen);
			size_t klen = eq ? (size_t)(eq - pair) : plen;
			size_t vlen = eq ? plen - klen - 1 : 0;
			char *k = arena_alloc(&r->arena, klen + 1);
			char *v = arena_alloc(&r->arena, vlen + 1);
			long kd = url_decode(k, pair, klen);
			long vd = url_decode(v, eq ? eq + 1 : "", vlen);
			if (kd < 0 || vd < 0) {
				*why = "malformed percent-encoding";
				return 400;
			}
			int rc = field_add(r, k, (size_t)kd, v, (size_t)vd, why);
			if (rc)
				return rc;
		}
		i = end + 1;
	}
	return 0;
}

/* ---- multipart/form-data (curl -F) ---- */

/* The value of a parameter such as name="x" in a header line. */
static const char *header_param(struct req *r, const char *line, size_t n,
				const char *param, size_t *out_len)
{
	size_t plen = strlen(param);
	for (size_t i = 0; i + plen + 1 < n; i++) {
		if ((i == 0 || line[i - 1] == ' ' || line[i - 1] == ';') &&
		    strncasecmp(line + i, param, plen) == 0 && line[i + plen] == '=') {
			const char *v = line + i + plen + 1;
			const char *end = line + n;
			if (v < end && *v == '"') {
				v++;
				const char *q = memchr(v, '"', (size_t)(end - v));
				if (!q)
					return NULL;
				end = q;
			} else {
				const char *semi = memchr(v, ';', (size_t)(end - v));
				if (semi)
					end = semi;
			}
			*out_len = (size_t)(end - v);
			return arena_strndup(&r->arena, v, *out_len);
		}
	}
	return NULL;
}

static int multipart_part(struct req *r, const char *p, size_t n, const char **why)
{
	const char *sep = memmem(p, n, "\r\n\r\n", 4);
	if (!sep) {
		*why = "multipart part without headers";
		return 400;
	}
	const char *name = NULL, *filename = NULL;
	size_t name_len = 0, filename_len = 0;
	for (const char *line = p; line < sep;) {
		const char *eol = memmem(line, (size_t)(sep - line) + 2, "\r\n", 2);
		size_t len = eol ? (size_t)(eol - line) : (size_t)(sep - line);
		if (len > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
			name = header_param(r, line, len, "name", &name_len);
			filename = header_param(r, line, len, "filename", &filename_len);
		}
		line += len + 2;
	}
	if (!name) {
		*why = "multipart part without a name";
		return 400;
	}
	const char *body = sep + 4;
	int rc = field_add(r, name, name_len, body, (size_t)(p + n - body), why);
	/* The name a browser gives a file is text of the user's: kept only when
	 * it is valid UTF-8 without control characters, for messages. */
	if (rc == 0 && filename && filename_len <= 255 && value_ok(filename, filename_len))
		r->fields[r->nfields - 1].filename = filename;
	return rc;
}

int req_parse_multipart(struct req *r, const char *boundary, const char *s,
			size_t n, const char **why)
{
	size_t blen = strlen(boundary);
	if (blen == 0 || blen > 200) {
		*why = "bad multipart boundary";
		return 400;
	}
	char *delim = arena_printf(&r->arena, "--%s", boundary);
	size_t dlen = blen + 2;
	const char *p = memmem(s, n, delim, dlen);
	if (!p) {
		*why = "multipart body without its boundary";
		return 400;
	}
	const char *end = s + n;
	for (;;) {
		p += dlen;
		if ((size_t)(end - p) >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* closing delimiter */
		if ((size_t)(end - p) < 2 || p[0] != '\r' || p[1] != '\n') {
			*why = "malformed multipart delimiter";
			return 400;
		}
		p += 2;
		char *next_delim = arena_printf(&r->arena, "\r\n--%s", boundary);
		const char *next = memmem(p, (size_t)(end - p), next_delim, dlen + 2);
		if (!next) {
			*why = "multipart body is not terminated";
			return 400;
		}
		int rc = multipart_part(r, p, (size_t)(next - p), why);
		if (rc)
			return rc;
		p = next + 2;
	}
}

/* ---- application/json ---- */

static int json_field(struct req *r, const char *key, json_t *v, const char **why)
{
	char numbuf[64];
	const char *text = NULL;
	size_t len = 0;
	char *dumped = NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		text = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		len = (size_t)snprintf(numbuf, sizeof(numbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = numbuf;
		break;
	case JSON_REAL:
		len = (size_t)snprintf(numbuf, sizeof(numbuf), "%.17g", json_real_value(v));
		text = numbuf;
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		text = json_is_true(v) ? "1" : "0";
		len = 1;
		break;
	case JSON_NULL:
		return 0;
	default:
		dumped = json_dumps(v, JSON_COMPACT);
		if (!dumped)
			util_die("json_dumps failed");
		text = dumped;
		len = strlen(dumped);
	}
	int rc = field_add(r, key, strlen(key), text, len, why);
	free(dumped);
	return rc;
}

int req_parse_json(struct req *r, const char *s, size_t n, const char **why)
{
	json_error_t err;
	json_t *root = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		*why = arena_printf(&r->arena, "invalid JSON at line %d column %d: %s",
				    err.line, err.column, err.text);
		return 400;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		*why = "the JSON body must be an object";
		return 400;
	}
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach(root, key, v) {
		rc = json_field(r, key, v, why);
		if (rc)
			break;
	}
	json_decref(root);
	return rc;
}

/* ---- the whole request ---- */

/* Read and drop a body that is refused for its size: a server that streams
 * the body to the program (Apache) would otherwise find its input closed
 * early, and the client could get a reset instead of the JSON 413. */
static void discard_body(struct req *r)
{
	if (r->content_length > REQ_DISCARD_MAX)
		return;
	char sink[16384];
	size_t left = r->content_length;
	while (left > 0) {
		long k = r->io->read(r->io->ctx, sink, left < sizeof(sink) ? left : sizeof(sink));
		if (k <= 0)
			return;
		left -= (size_t)k;
	}
}

void req_drain(struct req *r)
{
	if (r->body_parsed)
		return;
	r->body_parsed = true;
	discard_body(r);
}

static int read_body(struct req *r, char **out)
{
	size_t n = r->content_length;
	char *body = arena_alloc(&r->arena, n + 1);
	size_t got = 0;
	while (got < n) {
		long k = r->io->read(r->io->ctx, body + got, n - got);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	body[n] = '\0';
	*out = body;
	return 0;
}

static bool type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int parse_body(struct req *r, const char *body, size_t n, const char **why)
{
	const char *ct = r->content_type ? r->content_type : "";
	if (type_is(ct, "application/x-www-form-urlencoded"))
		return req_parse_urlencoded(r, body, n, why);
	if (type_is(ct, "application/json") && r->keep_json_body) {
		r->json_body = body;
		r->json_body_len = n;
		return 0;
	}
	if (type_is(ct, "application/json"))
		return req_parse_json(r, body, n, why);
	if (type_is(ct, "multipart/form-data")) {
		size_t blen = 0;
		const char *b = header_param(r, ct, strlen(ct), "boundary", &blen);
		if (!b) {
			*why = "multipart/form-data without a boundary";
			return 400;
		}
		return req_parse_multipart(r, b, body, n, why);
	}
	*why = *ct ? "unsupported Content-Type: use application/x-www-form-urlencoded, multipart/form-data or application/json"
		   : "a request body needs a Content-Type";
	return 415;
}

static const char *status_code_name(int status)
{
	switch (status) {
	case 413: return "payload_too_large";
	case 415: return "unsupported_media_type";
	default: return "invalid_input";
	}
}

static int refuse(struct req_error *err, int status, const char *message)
{
	err->status = status;
	err->code = status_code_name(status);
	err->message = message;
	return -1;
}

static int parse_once(struct req *r, struct req_error *err)
{
	const char *why = NULL;
	int rc = 0;
	size_t limit = r->conf ? r->conf->body_limit : 1024 * 1024;
	if (r->content_length > limit) {
		discard_body(r);
		return refuse(err, 413, arena_printf(&r->arena, "request body larger than %zu bytes", limit));
	}
	if (r->content_length > 0) {
		char *body;
		if (read_body(r, &body) < 0)
			return refuse(err, 400, "request body shorter than Content-Length");
		rc = parse_body(r, body, r->content_length, &why);
	}
	if (!rc && r->query && *r->query)
		rc = req_parse_urlencoded(r, r->query, strlen(r->query), &why);
	return rc ? refuse(err, rc, why) : 0;
}

int req_parse(struct req *r, struct req_error *err)
{
	/* A second call gives the first one's answer, refusal included. */
	if (r->body_parsed) {
		if (r->parse_refused.status)
			*err = r->parse_refused;
		return r->parse_refused.status ? -1 : 0;
	}
	r->body_parsed = true;
	if (parse_once(r, err) == 0)
		return 0;
	r->parse_refused = *err;
	return -1;
}

const char *req_cookie(struct req *r, const char *name)
{
	const char *s = r->cookie_header;
	size_t nlen = strlen(name);
	while (s && *s) {
		while (*s == ' ' || *s == ';')
			s++;
		const char *semi = strchr(s, ';');
		size_t len = semi ? (size_t)(semi - s) : strlen(s);
		if (len > nlen && strncmp(s, name, nlen) == 0 && s[nlen] == '=')
			return arena_strndup(&r->arena, s + nlen + 1, len - nlen - 1);
		s = semi;
	}
	return NULL;
}
