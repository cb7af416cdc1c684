/* url: what of a URL may be shown (see url.h). */
#include "core/url.h"
#include "core/arena.h"

#include <string.h>

const char *url_public(struct arena *a, const char *url)
{
	const char *scheme = strstr(url, "://");
	if (!scheme)
		return url;
	const char *host = scheme + 3;
	size_t hostpart = strcspn(host, "/?#");
	/* The last @ of the authority: a password may hold one too. */
	const char *at = NULL;
	for (const char *p = host; p < host + hostpart; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return url;
	return arena_printf(a, "%.*s%s", (int)(host - url), url, at + 1);
}
