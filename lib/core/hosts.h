/* hosts: the names the site answers to. A page on another name that an
 * attacker points at this server's address (DNS rebinding) would
 * otherwise reach the programs from a victim's browser as if it were the
 * site itself: register the first (admin) account of a fresh install on
 * 127.0.0.1, read what the API answers. */
#ifndef MC_HOSTS_H
#define MC_HOSTS_H

#include <stdbool.h>

struct req;

/* Whether the request's Host (its port ignored) is one of allowed_hosts
 * or the host of public_url; "*" in allowed_hosts allows any. A request
 * without a Host header (HTTP/1.0, not a browser) is allowed. */
bool hosts_allowed(struct req *r);

#endif
