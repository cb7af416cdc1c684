/* url: what of a URL may be shown (answers, the dashboard): never the
 * user:password@ part a backend URL may carry. */
#ifndef MC_URL_H
#define MC_URL_H

struct arena;

/* "openai:http://u:p@h:1/v1" -> "openai:http://h:1/v1" (url itself when it
 * carries no credentials). */
const char *url_public(struct arena *a, const char *url);

#endif
