/* jsonx: small lookups on jansson values that several modules need. */
#ifndef MC_JSONX_H
#define MC_JSONX_H

#include <jansson.h>

/* The first object of list whose string member key equals value, or NULL. */
json_t *jsonx_find(json_t *list, const char *key, const char *value);

#endif
