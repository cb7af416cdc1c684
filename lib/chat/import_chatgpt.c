/* import_chatgpt: the conversations.json of a ChatGPT data export. Each
 * conversation is a tree ("mapping": node id -> {message, parent,
 * children}); the branch that was on screen ends at "current_node". The
 * text of user and assistant messages comes in, each after the one before;
 * system, tool and other non-text messages (code runs, browsing, images
 * alone) are left out and counted, as are images beside a kept text. */
#include "chat/import_plan.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/util.h"

#include <string.h>

/* Seconds since 1970 (a float, or null) as ISO-8601; def when there is none. */
static const char *time_of(struct import_plan *p, json_t *t, const char *def)
{
	double v = json_is_number(t) ? json_number_value(t) : -1;
	if (!(v > 0 && v < 253402300800.0))
		return def;
	char *out = arena_alloc(p->a, 21);
	util_iso_time((int64_t)v, out);
	return out;
}

/* The text parts of a message's content joined by line breaks, the images
 * among them counted; NULL when the content is not text (or holds a NUL). */
static const char *text_of(struct import_plan *p, json_t *content, int *images)
{
	const char *type = json_string_value(json_object_get(content, "content_type"));
	*images = 0;
	if (!type || (strcmp(type, "text") != 0 && strcmp(type, "multimodal_text") != 0))
		return NULL;
	struct buf b;
	buf_init(&b, IMPORT_CONTENT_MAX);
	json_t *part;
	size_t i;
	bool ok = true;
	json_array_foreach(json_object_get(content, "parts"), i, part) {
		if (!json_is_string(part)) {
			(*images)++;
			continue;
		}
		const char *s = json_string_value(part);
		if (json_string_length(part) != strlen(s) ||
		    (b.len && buf_puts(&b, "\n") < 0) || buf_puts(&b, s) < 0)
			ok = false;
	}
	const char *text = ok ? arena_strdup(p->a, b.len ? buf_str(&b) : "") : NULL;
	buf_free(&b);
	return text;
}

static bool blank(const char *s)
{
	return strspn(s, " \t\r\n") == strlen(s);
}

/* A model slug that is a model name microchat accepts, else none. */
static const char *model_of(json_t *meta)
{
	const char *m = json_string_value(json_object_get(meta, "model_slug"));
	return m && conf_model_name_ok(m) ? m : NULL;
}

/* One node of the branch: a message kept, or left out and counted. */
static void take(struct import_plan *p, struct import_conversation *c, json_t *msg, const char *def_time)
{
	const char *role = json_string_value(json_object_get(json_object_get(msg, "author"), "role"));
	json_t *meta = json_object_get(msg, "metadata");
	const char *recipient = json_string_value(json_object_get(msg, "recipient"));
	if (json_is_true(json_object_get(meta, "is_visually_hidden_from_conversation")))
		return;
	int images;
	const char *text = text_of(p, json_object_get(msg, "content"), &images);
	bool person = role && (strcmp(role, "user") == 0 || strcmp(role, "assistant") == 0);
	if (!person || !text || (recipient && strcmp(recipient, "all") != 0)) {
		/* An empty system message is ChatGPT's own scaffolding, not left out. */
		if (!(role && strcmp(role, "system") == 0 && (!text || blank(text))))
			p->skipped_messages++;
		return;
	}
	if (blank(text)) {
		if (images)
			p->skipped_messages++;
		return;
	}
	p->skipped_attachments += images;
	const char *finish = json_string_value(json_object_get(json_object_get(meta, "finish_details"), "type"));
	struct import_message *m = &c->messages[c->nmessages];
	*m = (struct import_message){
		.role = role, .content = text, .status = finish && strcmp(finish, "interrupted") == 0 ? "stopped" : "done",
		.model = strcmp(role, "assistant") == 0 ? model_of(meta) : NULL,
		.created_at = time_of(p, json_object_get(msg, "create_time"), def_time),
		.parent = c->nmessages - 1, .selected = true,
	};
	c->nmessages++;
}

/* The node the shown branch ends at: current_node, else the last child of
 * the last child... from the root. */
static json_t *last_node(json_t *mapping, json_t *conv)
{
	const char *current = json_string_value(json_object_get(conv, "current_node"));
	if (current)
		return json_object_get(mapping, current);
	const char *key;
	json_t *node, *root = NULL;
	json_object_foreach(mapping, key, node)
		if (!json_is_string(json_object_get(node, "parent")))
			root = node;
	for (size_t steps = 0; root && steps <= json_object_size(mapping); steps++) {
		json_t *children = json_object_get(root, "children");
		json_t *next = json_object_get(mapping, json_string_value(json_array_get(children,
					       json_array_size(children) - 1)));
		if (!json_is_object(next))
			break;
		root = next;
	}
	return root;
}

/* The branch from the root down to its last node, oldest first; NULL and
 * *why when it cannot be followed. The array borrows the nodes. */
static json_t *branch(json_t *mapping, json_t *conv, const char **why)
{
	json_t *node = last_node(mapping, conv), *up = json_array();
	size_t limit = json_object_size(mapping);
	while (json_is_object(node)) {
		if (json_array_size(up) > limit) {
			*why = "its mapping's parent links go round in a loop";
			json_decref(up);
			return NULL;
		}
		json_array_insert(up, 0, node);
		const char *parent = json_string_value(json_object_get(node, "parent"));
		node = parent ? json_object_get(mapping, parent) : NULL;
		if (parent && !node) {
			*why = "a message's parent is missing from its mapping";
			json_decref(up);
			return NULL;
		}
	}
	if (json_array_size(up) == 0 && json_object_size(mapping) > 0) {
		*why = "current_node names no message of its mapping";
		json_decref(up);
		return NULL;
	}
	return up;
}

static void one(struct import_plan *p, size_t index, json_t *conv)
{
	json_t *mapping = json_object_get(conv, "mapping");
	if (!json_is_object(conv) || !json_is_object(mapping)) {
		import_plan_error(p, index, "not a ChatGPT conversation (an object with a \"mapping\")");
		return;
	}
	const char *why = NULL;
	json_t *nodes = branch(mapping, conv, &why);
	if (!nodes) {
		import_plan_error(p, index, "%s", why);
		return;
	}
	struct import_conversation *c = import_plan_add(p, json_array_size(nodes));
	c->created_at = time_of(p, json_object_get(conv, "create_time"), p->now);
	c->updated_at = time_of(p, json_object_get(conv, "update_time"), c->created_at);
	json_t *node;
	size_t i;
	json_array_foreach(nodes, i, node)
		if (json_is_object(json_object_get(node, "message")))
			take(p, c, json_object_get(node, "message"), c->created_at);
	json_decref(nodes);
	c->title = import_plan_title(p, json_string_value(json_object_get(conv, "title")),
				     c->nmessages ? c->messages[0].content : NULL);
	for (int k = c->nmessages - 1; k >= 0 && !c->model; k--)
		c->model = c->messages[k].model;
}

void import_chatgpt(struct import_plan *p, json_t *list)
{
	json_t *conv;
	size_t i;
	json_array_foreach(list, i, conv)
		one(p, i, conv);
}
