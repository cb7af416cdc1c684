/* import_plan: conversations read for an import, before they are stored
 * (see import_plan.h). */
#include "chat/import_plan.h"
#include "chat/convo.h"
#include "core/arena.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct import_conversation *import_plan_add(struct import_plan *p, size_t nmessages)
{
	if (p->n == p->alloc) {
		int alloc = p->alloc ? p->alloc * 2 : 16;
		struct import_conversation *items = arena_alloc(p->a, (size_t)alloc * sizeof(*items));
		if (p->n)
			memcpy(items, p->items, (size_t)p->n * sizeof(*items));
		p->items = items;
		p->alloc = alloc;
	}
	struct import_conversation *c = &p->items[p->n++];
	memset(c, 0, sizeof(*c));
	c->messages = arena_alloc(p->a, (nmessages ? nmessages : 1) * sizeof(*c->messages));
	return c;
}

void import_plan_error(struct import_plan *p, size_t index, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(p->errors, json_pack("{s:I,s:s}", "index", (json_int_t)index, "message", msg));
}

void import_plan_select(struct import_plan *p, struct import_conversation *c)
{
	/* chosen[parent + 1]: the version each parent goes on with. */
	int n = c->nmessages;
	int *chosen = arena_alloc(p->a, (size_t)(n + 1) * sizeof(int));
	int *last = arena_alloc(p->a, (size_t)(n + 1) * sizeof(int));
	for (int i = 0; i <= n; i++)
		chosen[i] = last[i] = -1;
	for (int i = 0; i < n; i++) {
		int k = c->messages[i].parent + 1;
		last[k] = i;
		if (c->messages[i].selected)
			chosen[k] = i;
	}
	for (int i = 0; i < n; i++) {
		int k = c->messages[i].parent + 1;
		c->messages[i].selected = i == (chosen[k] >= 0 ? chosen[k] : last[k]);
	}
}

const char *import_plan_title(struct import_plan *p, const char *title, const char *first_message)
{
	size_t n = title ? strcspn(title, "\r\n") : 0;
	while (n > 0 && isspace((unsigned char)title[n - 1]))
		n--;
	if (n == 0)
		return first_message ? convo_title_from(p->a, first_message) : "…";
	if (n > IMPORT_TITLE_MAX) {
		n = IMPORT_TITLE_MAX;
		while (n > 0 && ((unsigned char)title[n] & 0xC0) == 0x80)
			n--; /* never inside a UTF-8 sequence */
	}
	return arena_strndup(p->a, title, n);
}

bool import_time_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!s || strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}
