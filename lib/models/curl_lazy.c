/* curl_lazy: libcurl loaded on first use instead of at every exec.
 *
 * Linked normally, libcurl brings some thirty shared libraries (TLS, HTTP/2,
 * IDN, LDAP, SSH...) that the dynamic loader maps and relocates before
 * main() of every program that can call a model: measured with
 * LD_DEBUG=statistics, 5.9 million cycles for models against 0.37 million
 * for history, which links no libcurl; a plain CGI pays it per request even
 * when the model list comes from the database cache. These definitions of
 * the libcurl functions that lib/models/llm.c uses take precedence over the shared
 * library at link time (they are in our static library, found first), so
 * the linker (--as-needed) drops libcurl from the programs, and the first
 * call loads it with dlopen(). The names are libcurl's own, not the module
 * prefix, so that llm.c stays plain libcurl code. */
#define CURL_DISABLE_TYPECHECK /* the type-checking macros would rename these */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>

#include "core/util.h"

static struct {
	void *handle;
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
} lib;

static void *sym(const char *name)
{
	void *p = dlsym(lib.handle, name);
	if (!p)
		util_die("libcurl has no %s: %s", name, dlerror());
	return p;
}

#define BIND(field, name) (*(void **)(void *)&lib.field = sym(name))

/* Defined by the linker in every dynamically linked program, absent (the
 * weak reference stays NULL) in a fully static one, which has no loader to
 * bring libcurl and the shared C library it needs into the process. */
extern const char _DYNAMIC[] __attribute__((weak));

bool llm_can_fetch(void)
{
	return _DYNAMIC != NULL;
}

static void load(void)
{
	if (lib.handle)
		return;
	/* Debian's OpenSSL build, its GnuTLS build, then whatever -lcurl is. */
	static const char *const names[] = { "libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so" };
	for (size_t i = 0; i < MC_ARRAY_LEN(names) && !lib.handle; i++)
		lib.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib.handle)
		util_die("cannot load libcurl: %s", dlerror());
	BIND(easy_init, "curl_easy_init");
	BIND(easy_setopt, "curl_easy_setopt");
	BIND(easy_getinfo, "curl_easy_getinfo");
	BIND(easy_cleanup, "curl_easy_cleanup");
	BIND(easy_strerror, "curl_easy_strerror");
	BIND(slist_append, "curl_slist_append");
	BIND(slist_free_all, "curl_slist_free_all");
	BIND(multi_init, "curl_multi_init");
	BIND(multi_add_handle, "curl_multi_add_handle");
	BIND(multi_remove_handle, "curl_multi_remove_handle");
	BIND(multi_perform, "curl_multi_perform");
	BIND(multi_poll, "curl_multi_poll");
	BIND(multi_info_read, "curl_multi_info_read");
	BIND(multi_cleanup, "curl_multi_cleanup");
}

CURL *curl_easy_init(void)
{
	load();
	return lib.easy_init();
}

/* The option number says the type of its one argument (curl.h's
 * CURLOPTTYPE_* ranges), so it is passed on as that type. */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	CURLcode rc;
	load();
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = lib.easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = lib.easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = lib.easy_setopt(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		rc = lib.easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		rc = lib.easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* is answered through a pointer. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	load();
	va_start(ap, info);
	CURLcode rc = lib.easy_getinfo(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void curl_easy_cleanup(CURL *curl)
{
	load();
	lib.easy_cleanup(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
	load();
	return lib.easy_strerror(code);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	load();
	return lib.slist_append(list, data);
}

void curl_slist_free_all(struct curl_slist *list)
{
	load();
	lib.slist_free_all(list);
}

CURLM *curl_multi_init(void)
{
	load();
	return lib.multi_init();
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	load();
	return lib.multi_add_handle(multi, easy);
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	load();
	return lib.multi_remove_handle(multi, easy);
}

CURLMcode curl_multi_perform(CURLM *multi, int *running)
{
	load();
	return lib.multi_perform(multi, running);
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
			  int timeout_ms, int *ret)
{
	load();
	return lib.multi_poll(multi, extra_fds, extra_nfds, timeout_ms, ret);
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *msgs_in_queue)
{
	load();
	return lib.multi_info_read(multi, msgs_in_queue);
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
	load();
	return lib.multi_cleanup(multi);
}
