/* llm: one model call on one backend over libcurl: Ollama's /api/tags and
 * streamed /api/chat (NDJSON), OpenAI-compatible /v1 (SSE), with connect,
 * first-token and total timeouts and a tick every 100 ms for the caller. */
#include "models/llm.h"
#include "core/buf.h"
#include "models/ndjson.h"
#include "core/util.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLM_TICK_MS 100
#define LLM_ERRBODY_MAX 4096

struct llm_call {
	const struct llm_backend *b;
	const struct llm_callbacks *cb;
	struct llm_result *res;
	CURL *easy;
	struct ndjson nd;
	struct buf errbody;   /* the body of an HTTP error answer */
	bool status_checked;
	bool done_seen;       /* the stream's final line arrived */
	bool stop;            /* the caller asked to stop */
	bool failed;          /* a line said error, or was malformed */
	bool first_token_late; /* the first-token time limit passed */
	int64_t started_ms;
};

void llm_backend_parse(struct llm_backend *b, const char *url, const char *api_key)
{
	memset(b, 0, sizeof(*b));
	b->url = url;
	if (strncmp(url, "openai:", 7) == 0) {
		b->kind = LLM_OPENAI;
		b->base = url + 7;
		b->api_key = api_key && *api_key ? api_key : NULL;
	} else {
		b->kind = LLM_OLLAMA;
		b->base = url;
	}
}

static void fail(struct llm_call *c, enum llm_fault fault, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct llm_call *c, enum llm_fault fault, const char *code, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = true;
	c->res->fault = fault;
	c->res->error_code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->res->error_message, sizeof(c->res->error_message), fmt, ap);
	va_end(ap);
}

bool llm_fault_retryable(enum llm_fault f)
{
	return f != LLM_FAULT_NONE && f != LLM_FAULT_REQUEST;
}

bool llm_blames_backend(const struct llm_result *res)
{
	if (res->outcome != LLM_FAILED || res->tokens > 0)
		return false;
	switch (res->fault) {
	case LLM_FAULT_CONNECT:
	case LLM_FAULT_TIMEOUT:
	case LLM_FAULT_AUTH:
		return true;
	case LLM_FAULT_SERVER:
		return res->http_status >= 500;
	default:
		return false;
	}
}

static int deliver_token(struct llm_call *c, const char *text, size_t len)
{
	if (len == 0)
		return 0;
	if (c->res->tokens++ == 0)
		c->res->first_token_ms = util_mono_ms() - c->started_ms;
	if (c->cb->on_token && c->cb->on_token(c->cb->ctx, text, len)) {
		c->stop = true;
		return 1;
	}
	return 0;
}

/* ---- Ollama: one JSON object per line ---- */

static int ollama_line(void *ctx, const char *line, size_t len)
{
	struct llm_call *c = ctx;
	json_error_t jerr;
	json_t *o = json_loadb(line, len, 0, &jerr);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		fail(c, LLM_FAULT_STREAM, "llm_unavailable", "the model sent a malformed line: %.80s", line);
		return 1;
	}
	json_t *err = json_object_get(o, "error");
	if (err) {
		fail(c, LLM_FAULT_STREAM, "llm_unavailable", "the model reported an error: %s",
		     json_is_string(err) ? json_string_value(err) : "unknown");
		json_decref(o);
		return 1;
	}
	int rc = 0;
	json_t *content = json_object_get(json_object_get(o, "message"), "content");
	if (json_is_string(content))
		rc = deliver_token(c, json_string_value(content), json_string_length(content));
	if (json_is_true(json_object_get(o, "done"))) {
		c->done_seen = true;
		c->res->prompt_eval_count = (long)json_integer_value(json_object_get(o, "prompt_eval_count"));
		c->res->eval_count = (long)json_integer_value(json_object_get(o, "eval_count"));
		c->res->eval_duration_ns = json_integer_value(json_object_get(o, "eval_duration"));
		const char *reason = json_string_value(json_object_get(o, "done_reason"));
		snprintf(c->res->done_reason, sizeof(c->res->done_reason), "%s", reason ? reason : "stop");
	}
	json_decref(o);
	return rc;
}

/* ---- OpenAI-compatible: Server-Sent Events, "data: {json}" lines ---- */

static int openai_line(void *ctx, const char *line, size_t len)
{
	struct llm_call *c = ctx;
	if (len < 5 || strncmp(line, "data:", 5) != 0)
		return 0; /* comments, event names, ids */
	line += 5, len -= 5;
	while (len && *line == ' ')
		line++, len--;
	if (len == 6 && strncmp(line, "[DONE]", 6) == 0) {
		c->done_seen = true;
		return 0;
	}
	json_error_t jerr;
	json_t *o = json_loadb(line, len, 0, &jerr);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		fail(c, LLM_FAULT_STREAM, "llm_unavailable", "the model sent a malformed event: %.80s", line);
		return 1;
	}
	json_t *err = json_object_get(o, "error");
	if (err) {
		const char *m = json_string_value(json_object_get(err, "message"));
		fail(c, LLM_FAULT_STREAM, "llm_unavailable", "the model reported an error: %s", m ? m : "unknown");
		json_decref(o);
		return 1;
	}
	int rc = 0;
	json_t *choice = json_array_get(json_object_get(o, "choices"), 0);
	json_t *content = json_object_get(json_object_get(choice, "delta"), "content");
	if (json_is_string(content))
		rc = deliver_token(c, json_string_value(content), json_string_length(content));
	const char *reason = json_string_value(json_object_get(choice, "finish_reason"));
	if (reason)
		snprintf(c->res->done_reason, sizeof(c->res->done_reason), "%s", reason);
	json_t *usage = json_object_get(o, "usage");
	if (json_is_object(usage)) {
		c->res->prompt_eval_count = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
		c->res->eval_count = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
	}
	json_decref(o);
	return rc;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct llm_call *c = ctx;
	size_t n = size * nmemb;
	if (!c->status_checked) {
		c->status_checked = true;
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->res->http_status);
		c->res->connected = true;
	}
	if (c->res->http_status >= 400) {
		size_t room = LLM_ERRBODY_MAX - c->errbody.len;
		buf_append(&c->errbody, data, n < room ? n : room);
		return n;
	}
	if (ndjson_feed(&c->nd, data, n) != 0) {
		if (!c->stop)
			fail(c, LLM_FAULT_STREAM, "llm_unavailable", "%s", "the model sent a line that is too long");
		return CURL_WRITEFUNC_ERROR;
	}
	return n;
}

static struct curl_slist *request_headers(const struct llm_backend *b)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept-Encoding: identity");
	if (b->api_key) {
		char auth[512];
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", b->api_key);
		h = curl_slist_append(h, auth);
	}
	return h;
}

static char *request_body(const struct llm_backend *b, const char *model, json_t *messages,
			  const struct llm_options *o)
{
	json_t *body = json_pack("{s:s,s:O,s:b}", "model", model, "messages", messages, "stream", 1);
	if (b->kind == LLM_OLLAMA) {
		json_t *opts = json_object();
		if (o->temperature >= 0)
			json_object_set_new(opts, "temperature", json_real(o->temperature));
		if (o->top_p >= 0)
			json_object_set_new(opts, "top_p", json_real(o->top_p));
		if (o->num_predict > 0)
			json_object_set_new(opts, "num_predict", json_integer(o->num_predict));
		/* Without num_ctx Ollama silently cuts long prompts to its default. */
		if (o->num_ctx > 0)
			json_object_set_new(opts, "num_ctx", json_integer(o->num_ctx));
		json_object_set_new(body, "options", opts);
	} else {
		if (o->temperature >= 0)
			json_object_set_new(body, "temperature", json_real(o->temperature));
		if (o->top_p >= 0)
			json_object_set_new(body, "top_p", json_real(o->top_p));
		if (o->num_predict > 0)
			json_object_set_new(body, "max_tokens", json_integer(o->num_predict));
		json_object_set_new(body, "stream_options", json_pack("{s:b}", "include_usage", 1));
	}
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!s)
		util_die("json_dumps failed");
	return s;
}

static enum llm_fault http_fault(long status)
{
	if (status == 404)
		return LLM_FAULT_NOT_FOUND;
	if (status == 401 || status == 403)
		return LLM_FAULT_AUTH;
	if (status >= 500 || status == 408 || status == 429)
		return LLM_FAULT_SERVER;
	return LLM_FAULT_REQUEST;
}

static void settle_http_error(struct llm_call *c)
{
	struct llm_result *res = c->res;
	json_t *e = json_loadb(c->errbody.data ? c->errbody.data : "", c->errbody.len, 0, NULL);
	json_t *m = json_object_get(e, "error");
	const char *msg = json_is_string(m) ? json_string_value(m)
			  : json_string_value(json_object_get(m, "message"));
	fail(c, http_fault(res->http_status), res->http_status == 404 ? "not_found" : "llm_unavailable",
	     "the model server answered HTTP %ld: %.160s", res->http_status, msg ? msg : "no detail");
	json_decref(e);
}

/* Whether the TCP (or TLS) connection was ever made. */
static bool tcp_connected(struct llm_call *c)
{
	curl_off_t us = 0;
	return curl_easy_getinfo(c->easy, CURLINFO_CONNECT_TIME_T, &us) == CURLE_OK && us > 0;
}

static void settle_transfer_error(struct llm_call *c, CURLcode cc)
{
	if (cc == CURLE_OPERATION_TIMEDOUT && (c->first_token_late || tcp_connected(c)))
		fail(c, LLM_FAULT_TIMEOUT, "llm_timeout", "%s", c->res->tokens
		     ? "the reply took longer than the time limit"
		     : "the model sent nothing within the time limit");
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		fail(c, LLM_FAULT_CONNECT, "llm_unavailable", "%s", "the model server did not accept the connection in time");
	else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST)
		fail(c, LLM_FAULT_CONNECT, "llm_unavailable", "the model server cannot be reached: %s",
		     curl_easy_strerror(cc));
	else
		fail(c, LLM_FAULT_STREAM, "llm_unavailable", "the connection to the model broke: %s",
		     curl_easy_strerror(cc));
}

/* Turn the transfer's end into an outcome. */
static void settle(struct llm_call *c, CURLcode cc)
{
	struct llm_result *res = c->res;
	if (c->stop) {
		res->outcome = LLM_STOPPED;
		return;
	}
	if (!c->failed) {
		if (res->http_status >= 400)
			settle_http_error(c);
		else if (cc != CURLE_OK)
			settle_transfer_error(c, cc);
		else if (ndjson_finish(&c->nd) != 0 && !c->stop)
			fail(c, LLM_FAULT_STREAM, "llm_unavailable", "%s", "the model's last line was malformed");
		else if (!c->done_seen)
			fail(c, LLM_FAULT_STREAM, "llm_unavailable", "%s", "the model's stream ended before it was done");
	}
	res->outcome = c->stop ? LLM_STOPPED : c->failed ? LLM_FAILED : LLM_DONE;
}

static bool first_token_late(const struct llm_call *c, const struct llm_limits *lim)
{
	return c->res->tokens == 0 && !c->done_seen &&
	       util_mono_ms() - c->started_ms > lim->first_token_ms;
}

static CURLcode run_transfer(struct llm_call *c, const struct llm_limits *lim)
{
	CURLM *multi = curl_multi_init();
	curl_multi_add_handle(multi, c->easy);
	int running = 1;
	CURLcode cc = CURLE_OK;
	while (running) {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running) {
			curl_multi_poll(multi, NULL, 0, LLM_TICK_MS, NULL);
			if (c->stop || (c->cb->on_tick && c->cb->on_tick(c->cb->ctx))) {
				c->stop = true;
				break; /* removing the handle closes the connection: the model stops */
			}
			if (first_token_late(c, lim)) {
				c->first_token_late = true;
				cc = CURLE_OPERATION_TIMEDOUT;
				break;
			}
		}
	}
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(multi, &left)))
		if (msg->msg == CURLMSG_DONE && cc == CURLE_OK)
			cc = msg->data.result;
	curl_multi_remove_handle(multi, c->easy);
	curl_multi_cleanup(multi);
	return cc;
}

int llm_chat(const struct llm_backend *b, const char *model, json_t *messages,
	     const struct llm_options *opt, const struct llm_limits *lim,
	     const struct llm_callbacks *cb, struct llm_result *res)
{
	memset(res, 0, sizeof(*res));
	res->first_token_ms = -1;
	struct llm_call c = { .b = b, .cb = cb, .res = res, .started_ms = util_mono_ms() };
	c.easy = curl_easy_init();
	if (!c.easy)
		return -1;
	ndjson_init(&c.nd, b->kind == LLM_OLLAMA ? ollama_line : openai_line, &c);
	buf_init(&c.errbody, LLM_ERRBODY_MAX);
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", b->base, b->kind == LLM_OLLAMA ? "/api/chat" : "/chat/completions");
	char *body = request_body(b, model, messages, opt);
	struct curl_slist *headers = request_headers(b);
	curl_easy_setopt(c.easy, CURLOPT_URL, url);
	curl_easy_setopt(c.easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c.easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c.easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c.easy, CURLOPT_WRITEDATA, &c);
	curl_easy_setopt(c.easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c.easy, CURLOPT_CONNECTTIMEOUT_MS, lim->connect_ms);
	curl_easy_setopt(c.easy, CURLOPT_TIMEOUT_MS, lim->total_ms);
	curl_easy_setopt(c.easy, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode cc = run_transfer(&c, lim);
	if (!c.status_checked) {
		curl_easy_getinfo(c.easy, CURLINFO_RESPONSE_CODE, &res->http_status);
		res->connected = res->http_status > 0;
	}
	settle(&c, cc);
	res->total_ms = util_mono_ms() - c.started_ms;
	curl_slist_free_all(headers);
	curl_easy_cleanup(c.easy);
	free(body);
	ndjson_free(&c.nd);
	buf_free(&c.errbody);
	return 0;
}

/* ---- model lists ---- */

static size_t collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct buf *b = ctx;
	return buf_append(b, data, size * nmemb) < 0 ? 0 : size * nmemb;
}

static json_t *normalise_ollama(json_t *root)
{
	json_t *out = json_array(), *m;
	size_t i;
	json_array_foreach(json_object_get(root, "models"), i, m) {
		json_t *d = json_object_get(m, "details");
		const char *name = json_string_value(json_object_get(m, "name"));
		if (!name)
			continue;
		json_array_append_new(out, json_pack("{s:s,s:I,s:s?,s:s?,s:s?,s:s?}",
			"name", name, "size", json_integer_value(json_object_get(m, "size")),
			"family", json_string_value(json_object_get(d, "family")),
			"parameter_size", json_string_value(json_object_get(d, "parameter_size")),
			"quantization_level", json_string_value(json_object_get(d, "quantization_level")),
			"modified_at", json_string_value(json_object_get(m, "modified_at"))));
	}
	return out;
}

static json_t *normalise_openai(json_t *root)
{
	json_t *out = json_array(), *m;
	size_t i;
	json_array_foreach(json_object_get(root, "data"), i, m) {
		const char *id = json_string_value(json_object_get(m, "id"));
		if (id)
			json_array_append_new(out, json_pack("{s:s,s:i,s:n,s:n,s:n,s:n}", "name", id,
				"size", 0, "family", "parameter_size", "quantization_level", "modified_at"));
	}
	return out;
}

struct list_call {
	CURL *easy;
	struct curl_slist *headers;
	struct buf body;
	int64_t started_ms;
	CURLcode result;
};

static void list_start(struct list_call *lc, const struct llm_backend *b, long timeout_ms)
{
	buf_init(&lc->body, 8 * 1024 * 1024);
	lc->result = CURLE_FAILED_INIT; /* until the transfer reports its end */
	lc->easy = curl_easy_init();
	if (!lc->easy)
		util_die("curl_easy_init failed");
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", b->base, b->kind == LLM_OLLAMA ? "/api/tags" : "/models");
	lc->headers = request_headers(b);
	lc->started_ms = util_mono_ms();
	curl_easy_setopt(lc->easy, CURLOPT_URL, url);
	curl_easy_setopt(lc->easy, CURLOPT_HTTPHEADER, lc->headers);
	curl_easy_setopt(lc->easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(lc->easy, CURLOPT_WRITEDATA, &lc->body);
	curl_easy_setopt(lc->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(lc->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(lc->easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(lc->easy, CURLOPT_PROTOCOLS_STR, "http,https");
}

static void list_finish(struct list_call *lc, const struct llm_backend *b, CURLcode cc,
			struct llm_model_list *out)
{
	long status = 0;
	curl_easy_getinfo(lc->easy, CURLINFO_RESPONSE_CODE, &status);
	out->latency_ms = util_mono_ms() - lc->started_ms;
	if (cc != CURLE_OK) {
		out->fault = cc == CURLE_OPERATION_TIMEDOUT && status ? LLM_FAULT_TIMEOUT
			     : cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT ||
			       cc == CURLE_COULDNT_RESOLVE_HOST ? LLM_FAULT_CONNECT : LLM_FAULT_STREAM;
		snprintf(out->error, sizeof(out->error), "%s", curl_easy_strerror(cc));
	} else if (status != 200) {
		out->fault = http_fault(status);
		snprintf(out->error, sizeof(out->error), "HTTP %ld", status);
	} else {
		json_t *root = json_loadb(buf_str(&lc->body), lc->body.len, 0, NULL);
		if (!json_is_object(root)) {
			out->fault = LLM_FAULT_STREAM;
			snprintf(out->error, sizeof(out->error), "the model list is not JSON");
		} else {
			out->models = b->kind == LLM_OLLAMA ? normalise_ollama(root) : normalise_openai(root);
		}
		json_decref(root);
	}
	curl_slist_free_all(lc->headers);
	curl_easy_cleanup(lc->easy);
	buf_free(&lc->body);
}

void llm_list_models_many(const struct llm_backend *b, int n, long timeout_ms,
			  struct llm_model_list *out)
{
	struct list_call *lc = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*lc));
	CURLM *multi = curl_multi_init();
	for (int i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		list_start(&lc[i], &b[i], timeout_ms);
		curl_multi_add_handle(multi, lc[i].easy);
	}
	int running = n;
	while (running > 0) {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, LLM_TICK_MS, NULL);
	}
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(multi, &left)))
		for (int k = 0; k < n; k++)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == lc[k].easy)
				lc[k].result = msg->data.result;
	for (int i = 0; i < n; i++) {
		curl_multi_remove_handle(multi, lc[i].easy);
		list_finish(&lc[i], &b[i], lc[i].result, &out[i]);
	}
	curl_multi_cleanup(multi);
	free(lc);
}
