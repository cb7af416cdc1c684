/* embed: the page the widget frames (cgi-bin/embed?assistant=SLUG, also
 * served as embed.html): the chat page's modules in a compact layout, for
 * a public assistant. Only the origins in the assistant's embed_origins may
 * frame it: the Content-Security-Policy's frame-ancestors is written per
 * assistant here, which a static file served with fixed headers cannot do.
 * Every URL in the page is relative to its <base>, the site's folder, so
 * the app works under any path prefix. */
#include "chat/assistants.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

#include <jansson.h>
#include <string.h>

#define EMBED_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " \
	"frame-ancestors "

/* The page; @BASE@ and @SLUG@ are filled in (a slug is [a-z0-9-] only). */
static const char embed_page[] =
	"<!doctype html>\n"
	"<html lang=\"es\" data-theme=\"light\">\n"
	"<head>\n"
	"  <meta charset=\"utf-8\">\n"
	"  <base href=\"@BASE@\">\n"
	"  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">\n"
	"  <meta name=\"color-scheme\" content=\"light dark\">\n"
	"  <meta name=\"microchat-assistant\" content=\"@SLUG@\">\n"
	"  <title>microchat</title>\n"
	"  <link rel=\"icon\" href=\"img/logo.svg\" type=\"image/svg+xml\">\n"
	"  <link rel=\"stylesheet\" href=\"vendor/hljs-light.css\" data-hljs-theme=\"light\">\n"
	"  <link rel=\"stylesheet\" href=\"vendor/hljs-dark.css\" data-hljs-theme=\"dark\">\n"
	"  <link rel=\"stylesheet\" href=\"vendor/hljs-pain.css\" data-hljs-theme=\"pain\">\n"
	"  <link rel=\"stylesheet\" href=\"css/themes.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/base.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/app.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/markdown.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/code.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/toast.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/assistants.css\">\n"
	"  <link rel=\"stylesheet\" href=\"css/embed.css\">\n"
	"  <script src=\"js/embed-boot.js\"></script>\n"
	"  <script type=\"module\" src=\"js/embed.js\"></script>\n"
	"</head>\n"
	"<body class=\"embed\">\n"
	"  <div class=\"embed-app\" id=\"embed-app\" data-testid=\"embed-app\">\n"
	"    <header class=\"embed-head\">\n"
	"      <span class=\"embed-icon\" id=\"embed-icon\" aria-hidden=\"true\"></span>\n"
	"      <div class=\"embed-title\"><h1 id=\"embed-name\" data-testid=\"embed-name\">microchat</h1>"
	"<p id=\"embed-description\"></p></div>\n"
	"      <button type=\"button\" class=\"icon-btn\" id=\"embed-clear\" data-testid=\"clear-conversation\" "
	"aria-label=\"…\" data-i18n-aria=\"embed.clear\" data-i18n-title=\"embed.clear\"><i data-icon=\"trash\"></i></button>\n"
	"    </header>\n"
	"    <section class=\"messages\" id=\"messages\" aria-label=\"…\" data-i18n-aria=\"chat.aria\">\n"
	"      <div class=\"messages-inner\">\n"
	"        <div class=\"empty-state embed-welcome\" id=\"empty-state\">\n"
	"          <p class=\"embed-greeting\" id=\"embed-greeting\" data-testid=\"embed-greeting\"></p>\n"
	"          <div class=\"quick-actions\" id=\"quick-actions\" role=\"group\" aria-label=\"…\" "
	"data-i18n-aria=\"quick.aria\"></div>\n"
	"        </div>\n"
	"        <div id=\"message-list\" class=\"message-list\" aria-live=\"polite\" aria-busy=\"false\" "
	"data-testid=\"message-list\"></div>\n"
	"      </div>\n"
	"    </section>\n"
	"    <button type=\"button\" class=\"jump\" id=\"jump-button\" aria-label=\"…\" data-i18n-aria=\"chat.jump\" "
	"hidden><i data-icon=\"down\"></i></button>\n"
	"    <footer class=\"composer-wrap\">\n"
	"      <form class=\"composer\" id=\"composer\">\n"
	"        <label class=\"visually-hidden\" for=\"composer-input\" data-i18n=\"composer.label\">Mensaje</label>\n"
	"        <textarea id=\"composer-input\" data-testid=\"composer-input\" rows=\"1\" maxlength=\"32000\" "
	"placeholder=\"…\" data-i18n-placeholder=\"composer.placeholder\" enterkeyhint=\"send\"></textarea>\n"
	"        <button type=\"button\" class=\"stop-btn\" id=\"stop-button\" data-testid=\"stop-button\" aria-label=\"…\" "
	"data-i18n-aria=\"composer.stop\" hidden><i data-icon=\"stop\"></i></button>\n"
	"        <button type=\"submit\" class=\"send-btn\" id=\"send-button\" data-testid=\"send-button\" aria-label=\"…\" "
	"data-i18n-aria=\"composer.send\" disabled><i data-icon=\"send\"></i></button>\n"
	"      </form>\n"
	"      <p class=\"embed-note\" data-i18n=\"embed.note\"></p>\n"
	"    </footer>\n"
	"  </div>\n"
	"</body>\n"
	"</html>\n";

/* The page's folder from the path the browser asked for: "../" when it
 * was cgi-bin/embed, "./" when it was embed.html beside index.html. */
static const char *base_of(const struct req *r)
{
	static const char dir[] = "/cgi-bin/";
	const char *uri = r->request_uri ? r->request_uri : "";
	size_t n = strcspn(uri, "?#"), d = sizeof(dir) - 1;
	while (n > 0 && uri[n - 1] != '/')
		n--; /* the folder, with its last '/' */
	return n >= d && strncmp(uri + n - d, dir, d) == 0 ? "../" : "./";
}

/* frame-ancestors: the assistant's origins (checked when saved), or none. */
static const char *ancestors(struct req *r, const struct assistant *as)
{
	json_t *list = json_loads(as->embed_origins, 0, NULL), *o;
	size_t i;
	struct buf b;
	buf_init(&b, 0);
	json_array_foreach(list, i, o)
		if (json_is_string(o))
			buf_printf(&b, "%s%s", b.len ? " " : "", json_string_value(o));
	json_decref(list);
	const char *out = arena_strdup(&r->arena, b.len ? buf_str(&b) : "'none'");
	buf_free(&b);
	return out;
}

static const char *fill(struct req *r, const char *base, const char *slug)
{
	struct buf b;
	buf_init(&b, 0);
	for (const char *p = embed_page; *p;) {
		if (!strncmp(p, "@BASE@", 6))
			buf_puts(&b, base), p += 6;
		else if (!strncmp(p, "@SLUG@", 6))
			buf_puts(&b, slug), p += 6;
		else
			buf_append(&b, p++, 1);
	}
	const char *out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET", APP_ANYONE);
	if (!db)
		return;
	const char *slug = req_field(r, "assistant", "");
	if (!assistants_slug_valid(slug)) {
		resp_error(r, 400, "invalid_input", "assistant must be 1 to %d of a-z 0-9 -", ASSISTANT_SLUG_MAX);
		return;
	}
	struct assistant as;
	struct req_user visitor = { 0 };
	int found = assistants_by_slug(db, &r->arena, slug, &as);
	int refusal = found > 0 ? assistants_refusal(&as, &visitor) : 404;
	if (found < 0) {
		resp_internal(r, "loading the assistant failed");
	} else if (refusal == 404) {
		resp_error(r, 404, "not_found", "no such assistant, or it is disabled");
	} else if (refusal == 403) {
		resp_error(r, 403, "forbidden", "this assistant is for members: it cannot be embedded");
	} else {
		const char *page = fill(r, base_of(r), slug);
		resp_html(r, 200, arena_printf(&r->arena, EMBED_CSP "%s", ancestors(r, &as)), page, strlen(page));
	}
}

int main(void)
{
	return app_main("embed", handle, APP_KIND);
}
