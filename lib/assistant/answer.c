/* answer: the texts microchat writes itself, in the user's language (see
 * answer.h). Every phrase has a Spanish and an English form; values from
 * the database are inserted as text (the front end renders Markdown
 * through DOMPurify). */
#include "assistant/answer.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/buf.h"
#include "core/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

enum phrase {
	GREETING, GREETING_CATALOG, GREETING_DIRECTORY, GREETING_PLAIN,
	HELP_HEAD, HELP_CATALOG, HELP_DIRECTORY, HELP_FOOT, HELP_PLAIN, FOUND, FOUND_ONE, RELAXED, NEAREST, OTHER_BRANDS, OTHER_CATEGORIES,
	SOME_FEATURES, NONE, SUGGEST, TRY, RECOMMEND_TOP, ALSO, CHEAPEST_FIRST, SPREAD, MORE_THAN, PRICE, STOCK,
	OUT_OF_STOCK, FEATURES, OFFICE, ADDRESS, PHONE, WHATSAPP, HOURS, EMAIL, SERVES, HEAD_TOWN,
	OFFICES_LIST, ASK_PLACE, NO_OFFICE, FROM_DATA, PHRASES
};

static const char *const es[PHRASES] = {
	[GREETING] = "¡Hola! Soy el asistente de microchat. Puedo buscar productos del catálogo, "
		     "recomendarte opciones, comparar precios y darte los datos de la oficina de "
		     "atención de tu municipio. ¿En qué te ayudo?",
	[GREETING_CATALOG] = "¡Hola! Puedo buscar productos del catálogo, recomendarte opciones y "
			     "comparar precios. ¿Qué estás buscando?",
	[GREETING_DIRECTORY] = "¡Hola! Te doy la dirección, el teléfono y el horario de la oficina de "
			       "atención de tu municipio. ¿De qué municipio o localidad eres?",
	[GREETING_PLAIN] = "¡Hola! ¿En qué te puedo ayudar?",
	[HELP_HEAD] = "Esto es lo que puedo hacer:\n\n",
	[HELP_CATALOG] = "- **Buscar productos**: «busco un celular Samsung bajo 300 mil»\n"
			 "- **Recomendar**: «¿qué notebook me recomiendas para estudiar?»\n"
			 "- **Comparar precios**: «compara el iPhone 15 con el Galaxy S24»\n"
			 "- **Detalles de un producto**: «¿cuánto cuesta la PlayStation 5 Digital?»\n",
	[HELP_DIRECTORY] = "- **Oficinas de atención**: «horario de la oficina de Río Cuarto»\n",
	[HELP_FOOT] = "\nEscribe como quieras, en español o en inglés; entiendo errores de tipeo y "
		      "palabras sin tilde. Para todo lo demás, pregúntame y le paso la consulta al modelo.",
	[HELP_PLAIN] = "Escríbeme lo que necesites, en español o en inglés: preguntas, textos para "
		       "redactar o resumir, ideas o código. Te responde el modelo de lenguaje.",
	[FOUND] = "Encontré {1} productos{2}:",
	[FOUND_ONE] = "Encontré 1 producto{1}:",
	[RELAXED] = "No encontré productos con todos esos filtros; ",
	[NEAREST] = "estos son los más cercanos al precio que pediste",
	[OTHER_BRANDS] = "estos son de otras marcas",
	[OTHER_CATEGORIES] = "estos son de otras categorías",
	[SOME_FEATURES] = "estos cumplen solo parte de las características",
	[NONE] = "No encontré productos para esa consulta en el catálogo.",
	[SUGGEST] = " ¿Quizás te interesa la categoría **{1}**?",
	[TRY] = " Prueba con otra categoría, marca o rango de precio.",
	[RECOMMEND_TOP] = "Mi recomendación: **{1}** ({2}), por {3}.",
	[ALSO] = "También podrías mirar:",
	[CHEAPEST_FIRST] = "De más barato a más caro:",
	[SPREAD] = "Diferencia entre el más barato y el más caro: **{1}**.",
	[MORE_THAN] = "{1} más",
	[PRICE] = "Precio",
	[STOCK] = "{1} en stock",
	[OUT_OF_STOCK] = "agotado",
	[FEATURES] = "Características",
	[OFFICE] = "Oficina",
	[ADDRESS] = "Dirección",
	[PHONE] = "Teléfono",
	[WHATSAPP] = "WhatsApp",
	[HOURS] = "Horario",
	[EMAIL] = "Correo",
	[SERVES] = "Atiende también a",
	[HEAD_TOWN] = "Cabecera del departamento",
	[OFFICES_LIST] = "El directorio tiene {1} oficinas de atención ciudadana. Algunas:",
	[ASK_PLACE] = "Dime tu municipio o localidad y te doy la dirección, el teléfono y el horario.",
	[NO_OFFICE] = "No encontré esa oficina en el directorio.",
	[FROM_DATA] = "_Respuesta armada con los datos del catálogo y del directorio._",
};

static const char *const en[PHRASES] = {
	[GREETING] = "Hi! I'm the microchat assistant. I can search the catalog, recommend "
		     "products, compare prices and give you the details of your municipality's "
		     "citizen-service office. How can I help?",
	[GREETING_CATALOG] = "Hi! I can search the catalog, recommend products and compare prices. "
			     "What are you looking for?",
	[GREETING_DIRECTORY] = "Hi! I can give you the address, phone and hours of your municipality's "
			       "citizen-service office. Which municipality or locality are you in?",
	[GREETING_PLAIN] = "Hi! How can I help?",
	[HELP_HEAD] = "Here is what I can do:\n\n",
	[HELP_CATALOG] = "- **Search products**: \"Samsung phones under 300k\"\n"
			 "- **Recommend**: \"which laptop would you recommend for college?\"\n"
			 "- **Compare prices**: \"compare the iPhone 15 and the Galaxy S24\"\n"
			 "- **Product details**: \"how much is the PlayStation 5 Digital?\"\n",
	[HELP_DIRECTORY] = "- **Citizen-service offices**: \"opening hours of the Río Cuarto office\"\n",
	[HELP_FOOT] = "\nWrite it your way, in English or Spanish; typos are fine. For anything else, "
		      "just ask and I'll pass it on to the model.",
	[HELP_PLAIN] = "Ask me anything, in English or Spanish: questions, texts to write or summarise, "
		       "ideas or code. The language model answers.",
	[FOUND] = "I found {1} products{2}:",
	[FOUND_ONE] = "I found 1 product{1}:",
	[RELAXED] = "Nothing matched all of that; ",
	[NEAREST] = "these are the closest to the price you asked for",
	[OTHER_BRANDS] = "these are from other brands",
	[OTHER_CATEGORIES] = "these are from other categories",
	[SOME_FEATURES] = "these have only some of the features",
	[NONE] = "I found no products for that in the catalog.",
	[SUGGEST] = " Maybe you are after the **{1}** category?",
	[TRY] = " Try another category, brand or price range.",
	[RECOMMEND_TOP] = "My pick: **{1}** ({2}), at {3}.",
	[ALSO] = "You could also look at:",
	[CHEAPEST_FIRST] = "From cheapest to dearest:",
	[SPREAD] = "Difference between the cheapest and the dearest: **{1}**.",
	[MORE_THAN] = "{1} more",
	[PRICE] = "Price",
	[STOCK] = "{1} in stock",
	[OUT_OF_STOCK] = "out of stock",
	[FEATURES] = "Features",
	[OFFICE] = "Office",
	[ADDRESS] = "Address",
	[PHONE] = "Phone",
	[WHATSAPP] = "WhatsApp",
	[HOURS] = "Hours",
	[EMAIL] = "E-mail",
	[SERVES] = "Also serves",
	[HEAD_TOWN] = "Department head town",
	[OFFICES_LIST] = "The directory has {1} citizen-service offices. Some of them:",
	[ASK_PLACE] = "Tell me your municipality or locality and I'll give you the address, phone and hours.",
	[NO_OFFICE] = "I could not find that office in the directory.",
	[FROM_DATA] = "_Answer put together from the catalog and directory data._",
};

static const char *say(const char *lang, enum phrase p)
{
	return (strcmp(lang, "en") == 0 ? en : es)[p];
}

/* The phrase with {1}, {2}, {3} replaced by the values (NULL: ""). */
static const char *fill(struct arena *a, const char *lang, enum phrase p, const char *x, const char *y,
			const char *z)
{
	const char *args[3] = { x, y, z };
	struct buf b;
	buf_init(&b, 0);
	for (const char *t = say(lang, p); *t; t++) {
		if (t[0] == '{' && t[1] >= '1' && t[1] <= '3' && t[2] == '}') {
			const char *v = args[t[1] - '1'];
			buf_puts(&b, v ? v : "");
			t += 2;
		} else {
			buf_append(&b, t, 1);
		}
	}
	const char *out = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static const char *num(struct arena *a, long long n)
{
	return arena_printf(a, "%lld", n);
}

const char *answer_greeting(struct arena *a, const char *lang, unsigned sources)
{
	static const enum phrase by_sources[4] = { GREETING_PLAIN, GREETING_CATALOG, GREETING_DIRECTORY, GREETING };
	return arena_strdup(a, say(lang, by_sources[sources & 3]));
}

const char *answer_help(struct arena *a, const char *lang, unsigned sources)
{
	if (!(sources & (ANSWER_CATALOG | ANSWER_DIRECTORY)))
		return arena_strdup(a, say(lang, HELP_PLAIN));
	return arena_printf(a, "%s%s%s%s", say(lang, HELP_HEAD), sources & ANSWER_CATALOG ? say(lang, HELP_CATALOG) : "",
			    sources & ANSWER_DIRECTORY ? say(lang, HELP_DIRECTORY) : "", say(lang, HELP_FOOT));
}

const char *answer_price(struct arena *a, int64_t pesos, const char *lang)
{
	bool english = strcmp(lang, "en") == 0;
	char digits[32], out[48];
	snprintf(digits, sizeof(digits), "%lld", (long long)(pesos < 0 ? -pesos : pesos));
	size_t n = strlen(digits), o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = english ? ',' : '.';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return arena_printf(a, "%s%s%s", pesos < 0 ? "-" : "", english ? "CLP " : "$", out);
}

static const char *stock_text(struct arena *a, const struct catalog_product *p, const char *lang)
{
	return p->stock > 0 ? fill(a, lang, STOCK, num(a, p->stock), NULL, NULL) : say(lang, OUT_OF_STOCK);
}

static void product_line(struct buf *b, struct arena *a, const struct catalog_product *p, const char *lang)
{
	buf_printf(b, "- **%s** — %s · %s · %s\n", p->name, answer_price(a, p->price, lang), p->brand,
		   stock_text(a, p, lang));
}

/* " de Celulares de Samsung hasta $300.000 con 5g": the filters in words. */
static const char *filters_text(struct arena *a, const struct nlu_entities *e, const char *lang)
{
	bool english = strcmp(lang, "en") == 0;
	char *s = arena_strdup(a, "");
	if (e->category_name)
		s = arena_printf(a, "%s %s **%s**", s, english ? "in" : "de", e->category_name);
	for (int i = 0; i < e->nbrands; i++)
		s = arena_printf(a, "%s%s **%s**", s, i ? (english ? " or" : " o") : (english ? " by" : " de"),
				 e->brands[i]);
	if (e->has_price && e->price.min >= 0)
		s = arena_printf(a, "%s %s **%s**", s, english ? "from" : "desde", answer_price(a, e->price.min, lang));
	if (e->has_price && e->price.max >= 0)
		s = arena_printf(a, "%s %s **%s**", s, english ? "up to" : "hasta", answer_price(a, e->price.max, lang));
	for (int i = 0; i < e->nfeatures; i++)
		s = arena_printf(a, "%s%s%s", s, i ? ", " : (english ? " with " : " con "), e->features[i]);
	return s;
}

static void relaxed_intro(struct buf *b, const struct lookup *l, const char *lang)
{
	buf_puts(b, say(lang, RELAXED));
	if (l->relaxed & LOOKUP_RELAX_PRICE)
		buf_puts(b, say(lang, NEAREST));
	else if (l->relaxed & LOOKUP_RELAX_CATEGORY)
		buf_puts(b, say(lang, OTHER_CATEGORIES));
	else if (l->relaxed & LOOKUP_RELAX_BRAND)
		buf_puts(b, say(lang, OTHER_BRANDS));
	else
		buf_puts(b, say(lang, SOME_FEATURES));
	buf_puts(b, ":\n\n");
}

static void nothing_found(struct buf *b, struct arena *a, const struct lookup *l, const char *lang)
{
	buf_puts(b, say(lang, NONE));
	if (l->suggest_category)
		buf_puts(b, fill(a, lang, SUGGEST, l->suggest_category, NULL, NULL));
	buf_puts(b, say(lang, TRY));
	buf_puts(b, "\n");
}

static void product_list(struct buf *b, struct arena *a, const struct nlu_result *res,
			 const struct lookup *l, const char *lang)
{
	int n = l->nproducts - l->nsimilar;
	if (l->relaxed)
		relaxed_intro(b, l, lang);
	else if (n == 1)
		buf_printf(b, "%s\n\n", fill(a, lang, FOUND_ONE, filters_text(a, &res->e, lang), NULL, NULL));
	else
		buf_printf(b, "%s\n\n", fill(a, lang, FOUND, num(a, n), filters_text(a, &res->e, lang), NULL));
	for (int i = 0; i < n; i++)
		product_line(b, a, &l->products[i], lang);
	if (l->nsimilar) {
		buf_printf(b, "\n%s\n\n", say(lang, ALSO));
		for (int i = n; i < l->nproducts; i++)
			product_line(b, a, &l->products[i], lang);
	}
}

static void recommendation(struct buf *b, struct arena *a, const struct nlu_result *res,
			   const struct lookup *l, const char *lang)
{
	const struct catalog_product *top = &l->products[0];
	buf_printf(b, "%s\n\n", fill(a, lang, RECOMMEND_TOP, top->name, top->brand,
				      answer_price(a, top->price, lang)));
	product_list(b, a, res, l, lang);
}

static void comparison(struct buf *b, struct arena *a, const struct lookup *l, const char *lang)
{
	buf_printf(b, "%s\n\n", say(lang, CHEAPEST_FIRST));
	const struct catalog_product *first = &l->products[0];
	for (int i = 0; i < l->nproducts; i++) {
		const struct catalog_product *p = &l->products[i];
		buf_printf(b, "%d. **%s** — %s", i + 1, p->name, answer_price(a, p->price, lang));
		if (i > 0)
			buf_printf(b, " (%s)", fill(a, lang, MORE_THAN, answer_price(a, p->price - first->price, lang),
						    NULL, NULL));
		buf_printf(b, " · %s\n", stock_text(a, p, lang));
	}
	if (l->nproducts > 1)
		buf_printf(b, "\n%s\n", fill(a, lang, SPREAD,
			   answer_price(a, l->products[l->nproducts - 1].price - first->price, lang), NULL, NULL));
}

static void details(struct buf *b, struct arena *a, const struct catalog_product *p, const char *lang)
{
	buf_printf(b, "**%s** (%s · %s)\n\n", p->name, p->brand, p->category);
	buf_printf(b, "- %s: **%s** · %s\n", say(lang, PRICE), answer_price(a, p->price, lang), stock_text(a, p, lang));
	const char *f = text_join_json_list(a, p->features);
	if (*f)
		buf_printf(b, "- %s: %s\n", say(lang, FEATURES), f);
	if (p->description && *p->description)
		buf_printf(b, "\n%s\n", p->description);
}

static void office_block(struct buf *b, struct arena *a, const struct directory_office *o, const char *lang)
{
	buf_printf(b, "**%s** — %s\n\n", o->dependencia && *o->dependencia ? o->dependencia : say(lang, OFFICE),
		   o->municipio);
	const char *labels[] = { say(lang, ADDRESS), say(lang, PHONE), say(lang, WHATSAPP), say(lang, HOURS),
				 say(lang, EMAIL), say(lang, HEAD_TOWN) };
	const char *values[] = { o->direccion, o->telefono, o->whatsapp, o->horario, o->email, o->cabecera };
	for (size_t i = 0; i < MC_ARRAY_LEN(labels); i++)
		if (values[i] && *values[i])
			buf_printf(b, "- %s: %s\n", labels[i], values[i]);
	const char *served = text_join_json_list(a, o->localidades);
	if (*served)
		buf_printf(b, "- %s: %s\n", say(lang, SERVES), served);
}

static void offices(struct buf *b, struct arena *a, const struct lookup *l, const char *lang)
{
	if (l->noffices == 1 && !l->total_offices) {
		office_block(b, a, &l->offices[0], lang);
		return;
	}
	if (!l->noffices) {
		buf_printf(b, "%s %s\n", say(lang, NO_OFFICE), say(lang, ASK_PLACE));
		return;
	}
	buf_printf(b, "%s\n\n", fill(a, lang, OFFICES_LIST, num(a, l->total_offices), NULL, NULL));
	for (int i = 0; i < l->noffices; i++)
		buf_printf(b, "- **%s**: %s · %s\n", l->offices[i].municipio, l->offices[i].direccion,
			   l->offices[i].telefono);
	buf_printf(b, "\n%s\n", say(lang, ASK_PLACE));
}

static void compose(struct buf *b, struct arena *a, const struct nlu_result *res, const struct lookup *l,
		    const char *lang)
{
	if (res->intent == NLU_CONSULTAR_OFICINA) {
		offices(b, a, l, lang);
	} else if (!l->nproducts) {
		nothing_found(b, a, l, lang);
	} else if (res->intent == NLU_COMPARAR_PRECIOS && l->nproducts > 1) {
		comparison(b, a, l, lang);
	} else if (res->intent == NLU_INFO_PRODUCTO && res->e.nproducts) {
		for (int i = 0; i < l->nproducts; i++)
			details(b, a, &l->products[i], lang), buf_puts(b, "\n");
	} else if (res->intent == NLU_RECOMENDAR_CATEGORIA && !l->relaxed) {
		recommendation(b, a, res, l, lang);
	} else {
		product_list(b, a, res, l, lang);
	}
}

const char *answer_from_rows(struct arena *a, const struct nlu_result *res, const struct lookup *l)
{
	if (res->intent == NLU_SALUDO || res->intent == NLU_AYUDA || res->intent == NLU_GENERAL)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	compose(&b, a, res, l, res->lang);
	buf_printf(&b, "\n%s", say(res->lang, FROM_DATA));
	const char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}
