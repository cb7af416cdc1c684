/* resp: every header set, JSON answers, the API error envelope and the
 * Server-Sent Events writer. */
#include "core/resp.h"
#include "core/req.h"
#include "core/buf.h"
#include "core/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *resp_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

void resp_header(struct req *r, const char *line)
{
	if (r->nextra_headers >= REQ_MAX_HEADERS)
		util_die("too many extra headers");
	r->extra_headers[r->nextra_headers++] = line;
}

/* A stream pushes each piece out at once (flush); a whole answer goes out
 * with the end of the request: a FastCGI worker then sends it, the request
 * log spooled, in one write with the end-of-request record, so lighttpd
 * wakes once for it instead of twice. Plain CGI writes unbuffered anyway. */
static void write_out(struct req *r, const char *s, size_t n, bool flush)
{
	if (r->client_gone)
		return;
	if (r->io->write(r->io->ctx, s, n) < 0 || (flush && r->io->flush(r->io->ctx) < 0))
		r->client_gone = true;
}

/* csp NULL: the policy of an API answer (nothing loads, nobody frames it). */
static void send_head_csp(struct req *r, int status, const char *content_type, const char *cache_control,
			  const char *csp, struct buf *out)
{
	r->status = status;
	r->responded = true;
	buf_printf(out, "Status: %d %s\r\n", status, resp_status_text(status));
	buf_printf(out, "Content-Type: %s\r\n", content_type);
	buf_printf(out, "Cache-Control: %s\r\n", cache_control);
	buf_puts(out, "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n");
	/* A page with its own policy says who may frame it (frame-ancestors);
	 * X-Frame-Options cannot name origins, so it is left out there. */
	if (csp)
		buf_printf(out, "Content-Security-Policy: %s\r\n", csp);
	else
		buf_puts(out, "X-Frame-Options: DENY\r\n"
			      "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n");
	for (int i = 0; i < r->nextra_headers; i++)
		buf_printf(out, "%s\r\n", r->extra_headers[i]);
}

static void send_head(struct req *r, int status, const char *content_type,
		      const char *cache_control, struct buf *out)
{
	send_head_csp(r, status, content_type, cache_control, NULL, out);
}

void resp_html(struct req *r, int status, const char *csp, const char *body, size_t len)
{
	if (r->responded) {
		fprintf(stderr, "microchat %s: answer already sent, dropping a %d\n", r->program, status);
		return;
	}
	struct buf out;
	buf_init(&out, 0);
	send_head_csp(r, status, "text/html; charset=utf-8", "no-store", csp, &out);
	buf_printf(&out, "Content-Length: %zu\r\n\r\n", len);
	buf_append(&out, body, len);
	write_out(r, out.data, out.len, false);
	buf_free(&out);
}

void resp_json_text(struct req *r, int status, const char *body, size_t len)
{
	if (r->responded) {
		fprintf(stderr, "microchat %s: answer already sent, dropping a %d\n", r->program, status);
		return;
	}
	struct buf out;
	buf_init(&out, 0);
	send_head(r, status, "application/json; charset=utf-8", "no-store", &out);
	buf_printf(&out, "Content-Length: %zu\r\n\r\n", len + 1);
	buf_append(&out, body, len);
	buf_puts(&out, "\n");
	write_out(r, out.data, out.len, false);
	buf_free(&out);
}

void resp_download(struct req *r, const char *content_type, const char *filename,
		   const char *body, size_t len)
{
	if (resp_download_begin(r, content_type, filename, len) == 0)
		resp_body(r, body, len);
}

/* The 500 of an answer that could not be built: written from a constant,
 * so it cannot fail the way the answer did. */
static void answer_unbuilt(struct req *r, int status)
{
	static const char body[] =
		"{\"error\":{\"code\":\"internal\",\"message\":\"internal error; the details are in the server log\"}}";
	fprintf(stderr, "microchat %s: internal error: the %d answer could not be built "
		"(a lookup came back empty, or out of memory)\n", r->program, status);
	r->error_code = "internal";
	resp_json_text(r, 500, body, sizeof(body) - 1);
}

void resp_json(struct req *r, int status, json_t *obj)
{
	if (r->responded) {
		fprintf(stderr, "microchat %s: answer already sent, dropping a %d\n", r->program, status);
		json_decref(obj);
		return;
	}
	char *body = obj ? json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(obj);
	if (!body) {
		answer_unbuilt(r, status);
		return;
	}
	size_t len = strlen(body);
	/* An answer the cache will keep (lib/core/cache_req). */
	if (r->cache_key && status == 200) {
		r->answer = arena_strndup(&r->arena, body, len);
		r->answer_len = len;
	}
	resp_json_text(r, status, body, len);
	free(body);
}

void resp_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->error_code = code;
	resp_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

void resp_internal(struct req *r, const char *detail)
{
	fprintf(stderr, "microchat %s: internal error: %s\n", r->program, detail);
	resp_error(r, 500, "internal", "internal error; the details are in the server log");
}

void resp_retry_later(struct req *r, int64_t seconds, const char *too_many)
{
	resp_header(r, arena_printf(&r->arena, "Retry-After: %lld", (long long)seconds));
	resp_error(r, 429, "rate_limited", "%s; try again in %lld seconds", too_many, (long long)seconds);
}

int resp_download_begin(struct req *r, const char *content_type, const char *filename, size_t length)
{
	if (r->responded) {
		fprintf(stderr, "microchat %s: answer already sent, dropping a download\n", r->program);
		return -1;
	}
	char name[128];
	size_t n = 0;
	for (const char *p = filename; *p && n < sizeof(name) - 1; p++)
		name[n++] = isalnum((unsigned char)*p) || strchr(".-_", *p) ? *p : '_';
	name[n] = '\0';
	struct buf out;
	buf_init(&out, 0);
	send_head(r, 200, content_type, "no-store", &out);
	buf_printf(&out, "Content-Disposition: attachment; filename=\"%s\"\r\n", name);
	buf_printf(&out, "Content-Length: %zu\r\n\r\n", length);
	write_out(r, out.data, out.len, false);
	buf_free(&out);
	return 0;
}

int resp_body(struct req *r, const void *data, size_t n)
{
	write_out(r, data, n, false);
	return r->client_gone ? -1 : 0;
}

void resp_sse_begin(struct req *r)
{
	struct buf out;
	buf_init(&out, 0);
	/* no-transform: proxies and compressing filters (mod_deflate) leave the
	 * stream as it is, so each event reaches the browser when it is written. */
	send_head(r, 200, "text/event-stream; charset=utf-8", "no-cache, no-transform", &out);
	buf_puts(&out, "X-Accel-Buffering: no\r\n\r\n");
	write_out(r, out.data, out.len, true);
	buf_free(&out);
}

int resp_sse_event(struct req *r, const char *event, json_t *obj)
{
	char *data = obj ? json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(obj);
	if (!data) {
		fprintf(stderr, "microchat %s: internal error: the '%s' event could not be built\n",
			r->program, event);
		return -1;
	}
	struct buf out;
	buf_init(&out, 0);
	buf_printf(&out, "event: %s\ndata: %s\n\n", event, data);
	free(data);
	write_out(r, out.data, out.len, true);
	buf_free(&out);
	return r->client_gone ? -1 : 0;
}

int resp_sse_ping(struct req *r)
{
	write_out(r, ": ping\n\n", 8, true);
	return r->client_gone ? -1 : 0;
}
