/* curl_none: what a fully static program links in place of libcurl (and of
 * lib/models/curl_lazy.c, which would dlopen it): the libcurl functions
 * lib/models/llm.c calls, each failing at once, and llm_can_fetch saying
 * so. A static program has no loader to bring libcurl and the shared C
 * library it needs; those that may need a backend hand the request to
 * their twin (lib/core/app.c: app_exec_twin) instead. The Makefile links
 * this file before the library, so curl_lazy.o is never pulled in. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "models/llm.h"

bool llm_can_fetch(void)
{
	return false;
}

CURL *curl_easy_init(void)
{
	return NULL;
}

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	(void)curl;
	(void)option;
	return CURLE_FAILED_INIT;
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	(void)curl;
	(void)info;
	return CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *curl)
{
	(void)curl;
}

const char *curl_easy_strerror(CURLcode code)
{
	(void)code;
	return "libcurl is not available in a fully static program";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	(void)data;
	return list;
}

void curl_slist_free_all(struct curl_slist *list)
{
	(void)list;
}

CURLM *curl_multi_init(void)
{
	return NULL;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	(void)multi;
	(void)easy;
	return CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	(void)multi;
	(void)easy;
	return CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_perform(CURLM *multi, int *running)
{
	(void)multi;
	*running = 0;
	return CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
			  int timeout_ms, int *ret)
{
	(void)multi;
	(void)extra_fds;
	(void)extra_nfds;
	(void)timeout_ms;
	if (ret)
		*ret = 0;
	return CURLM_BAD_HANDLE;
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *msgs_in_queue)
{
	(void)multi;
	*msgs_in_queue = 0;
	return NULL;
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
	(void)multi;
	return CURLM_OK;
}
