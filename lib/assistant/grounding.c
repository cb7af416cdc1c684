/* grounding: the data the model must answer from, for the system message
 * (see grounding.h). One line per row, fields separated by " | ", prices
 * in pesos; rows stop at the budget and the text says how many were left
 * out, so the model never believes a cut list is complete. */
#include "assistant/grounding.h"
#include "assistant/answer.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BYTES_PER_TOKEN 4

static const char *product_row(struct arena *a, const struct catalog_product *p, bool details)
{
	const char *row = arena_printf(a, "- %s | marca %s | %s | %s | %s | %s", p->name, p->brand,
				       p->category, answer_price(a, p->price, "es"),
				       p->stock > 0 ? arena_printf(a, "stock %lld", (long long)p->stock) : "agotado",
				       text_join_json_list(a, p->features));
	if (details && p->description && *p->description)
		row = arena_printf(a, "%s | %s", row, p->description);
	return arena_printf(a, "%s\n", row);
}

static const char *office_row(struct arena *a, const struct directory_office *o)
{
	return arena_printf(a, "- %s | %s | dirección %s | teléfono %s | WhatsApp %s | horario %s | correo %s"
			    " | localidades: %s\n", o->municipio, o->dependencia, o->direccion, o->telefono,
			    o->whatsapp, o->horario, o->email, text_join_json_list(a, o->localidades));
}

static void header(struct buf *b, struct arena *a, const struct nlu_result *res, const struct lookup *l)
{
	json_t *ents = nlu_entities_json(&res->e);
	char *e = json_dumps(ents, JSON_COMPACT);
	json_decref(ents);
	buf_printf(b, "[Datos de microchat]\nConsulta entendida: %s %s\n", nlu_intent_name(res->intent),
		   e ? e : "{}");
	free(e);
	if (l->relaxed)
		buf_puts(b, "Nada cumplía todos los filtros: se muestran los resultados más cercanos.\n");
	if (l->by_price)
		buf_puts(b, "Ordenados de más barato a más caro.\n");
	(void)a;
}

static const char *instruction(const struct nlu_result *res)
{
	if (res->intent == NLU_CONSULTAR_OFICINA)
		return "Responde con estos datos de la oficina (dirección, teléfono, WhatsApp, horario, "
		       "correo) y no inventes otros. Si no está el municipio que pide el usuario, dilo y "
		       "pregunta por su municipio o localidad.";
	return "Responde usando solo estos productos, precios (en pesos chilenos) y stock; no "
	       "inventes productos, precios ni características. Si no hay resultados o falta algo, "
	       "dilo y sugiere ampliar la búsqueda. Responde en el idioma del usuario.";
}

/* Append rows until the budget is spent; returns how many were left out. */
static int rows(struct buf *b, struct arena *a, const struct nlu_result *res, const struct lookup *l,
		size_t budget)
{
	int left = 0;
	bool details = res->intent == NLU_INFO_PRODUCTO || res->intent == NLU_COMPARAR_PRECIOS;
	if (l->nproducts)
		buf_puts(b, "Productos (nombre | marca | categoría | precio | stock | características):\n");
	for (int i = 0; i < l->nproducts; i++) {
		const char *row = product_row(a, &l->products[i], details);
		if (b->len + strlen(row) > budget)
			left++;
		else
			buf_puts(b, row);
	}
	if (l->noffices)
		buf_puts(b, "Oficinas de atención ciudadana:\n");
	for (int i = 0; i < l->noffices; i++) {
		const char *row = office_row(a, &l->offices[i]);
		if (b->len + strlen(row) > budget)
			left++;
		else
			buf_puts(b, row);
	}
	if (l->total_offices > l->noffices)
		left += l->total_offices - l->noffices;
	return left;
}

const char *grounding_text(struct arena *a, const struct nlu_result *res, const struct lookup *l,
			   int budget_tokens)
{
	if (res->intent == NLU_SALUDO || res->intent == NLU_AYUDA || res->intent == NLU_GENERAL)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	header(&b, a, res, l);
	size_t budget = (size_t)budget_tokens * BYTES_PER_TOKEN;
	int left = rows(&b, a, res, l, budget > 400 ? budget - 400 : budget);
	if (!l->nproducts && !l->noffices)
		buf_puts(&b, "No se encontraron filas para esta consulta.\n");
	if (l->suggest_category)
		buf_printf(&b, "Categoría más parecida en el catálogo: %s.\n", l->suggest_category);
	if (left)
		buf_printf(&b, "(%d filas más no caben aquí.)\n", left);
	buf_printf(&b, "Instrucción: %s\n", instruction(res));
	const char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}
