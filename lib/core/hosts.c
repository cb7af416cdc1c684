/* hosts: the names the site answers to (see hosts.h). */
#include "core/hosts.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/req.h"

#include <string.h>
#include <strings.h>

/* The host of "host", "host:port", "[::1]:port" or a URL's authority,
 * without its port or a final dot: its length from *start. */
static size_t host_part(const char *s, size_t n, const char **start)
{
	const char *at = memchr(s, '@', n);
	if (at) { /* user:password@ of a URL */
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	*start = s;
	size_t len;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		len = close ? (size_t)(close - s) + 1 : n;
	} else {
		const char *colon = memchr(s, ':', n);
		len = colon ? (size_t)(colon - s) : n;
	}
	if (len > 1 && s[len - 1] == '.')
		len--;
	return len;
}

static bool same_host(const char *a, size_t na, const char *b, size_t nb)
{
	const char *ha, *hb;
	na = host_part(a, na, &ha);
	nb = host_part(b, nb, &hb);
	return na > 0 && na == nb && strncasecmp(ha, hb, na) == 0;
}

/* The authority of public_url ("https://chat.example.org:8443/x" ->
 * "chat.example.org:8443"), or NULL. */
static const char *url_authority(const char *url, size_t *n)
{
	const char *p = strstr(url, "://");
	if (!p || !p[3])
		return NULL;
	p += 3;
	*n = strcspn(p, "/?#");
	return p;
}

bool hosts_allowed(struct req *r)
{
	const char *host = r->host;
	if (!host || !*host)
		return true;
	size_t hn = strlen(host), n;
	const char *pub = url_authority(r->conf->public_url, &n);
	if (pub && same_host(pub, n, host, hn))
		return true;
	const char *list = r->conf->allowed_hosts;
	while (*list) {
		list += strspn(list, ", \t");
		size_t len = strcspn(list, ", \t");
		if (len == 1 && *list == '*')
			return true;
		if (len && same_host(list, len, host, hn))
			return true;
		list += len;
	}
	return false;
}
