/* jsonx: small lookups on jansson values that several modules need. */
#include "core/jsonx.h"

#include <string.h>

json_t *jsonx_find(json_t *list, const char *key, const char *value)
{
	json_t *item;
	size_t i;
	json_array_foreach(list, i, item) {
		const char *s = json_string_value(json_object_get(item, key));
		if (s && strcmp(s, value) == 0)
			return item;
	}
	return NULL;
}
