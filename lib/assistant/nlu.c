/* nlu: what a chat message asks for (see nlu.h). The steps: fold the text,
 * guess the language, fix the spelling against the vocabulary, find the
 * entities, score the intents, then keep the entities that belong to the
 * intent chosen (a greeting carries none; an office question only the
 * place; a catalog question no place). */
#include "assistant/nlu.h"
#include "core/arena.h"
#include "assistant/nlu_entities.h"
#include "assistant/nlu_intent.h"
#include "assistant/nlu_spell.h"
#include "assistant/nlu_vocab.h"

#include <string.h>

static const char *const intent_names[NLU_INTENTS] = {
	"saludo", "ayuda", "buscar_producto", "recomendar_categoria", "comparar_precios",
	"info_producto", "consultar_oficina", "general",
};

const char *nlu_intent_name(enum nlu_intent i)
{
	return i >= 0 && i < NLU_INTENTS ? intent_names[i] : "general";
}

enum nlu_intent nlu_intent_from_name(const char *name)
{
	for (int i = 0; i < NLU_INTENTS; i++)
		if (strcmp(intent_names[i], name) == 0)
			return (enum nlu_intent)i;
	return NLU_INTENTS;
}

static void keep_for_intent(struct nlu_entities *e, enum nlu_intent intent)
{
	if (intent == NLU_CONSULTAR_OFICINA) {
		struct nlu_entities place = { 0 };
		place.office_id = e->office_id;
		place.municipio = e->municipio;
		place.locality = e->locality;
		*e = place;
	} else if (intent == NLU_SALUDO || intent == NLU_AYUDA || intent == NLU_GENERAL) {
		memset(e, 0, sizeof(*e));
	} else {
		e->office_id = 0;
		e->municipio = e->locality = NULL;
	}
}

void nlu_analyze(struct arena *a, const struct nlu_vocab *v, const char *message,
		 struct nlu_result *out)
{
	nlu_analyze_for(a, v, message, NLU_ALL_INTENTS, out);
}

void nlu_analyze_for(struct arena *a, const struct nlu_vocab *v, const char *message, unsigned intents,
		     struct nlu_result *out)
{
	memset(out, 0, sizeof(*out));
	text_fold_tokens(a, message, &out->toks);
	out->lang = text_lang(&out->toks, message);
	bool *unknown = arena_alloc(a, sizeof(bool) * TEXT_MAX_TOKENS);
	nlu_spell_fix(a, v, &out->toks, unknown);
	nlu_entities_find(a, v, &out->toks, unknown, &out->e);
	nlu_intent_score(&out->toks, &out->e, out->scores);
	/* Intents the caller does not answer (an assistant without the data
	 * they need) are not candidates: such a message is general. */
	for (int i = 0; i < NLU_INTENTS; i++)
		if (i != NLU_GENERAL && !(intents & NLU_INTENT_BIT(i)))
			out->scores[i] = 0;
	nlu_intent_decide(out->scores, &out->intent, &out->confidence);
	/* A greeting or a help request with more in it ("hola mundo", "ayuda
	 * con mi tarea") asks that more: it is decided among the other intents. */
	bool social = out->intent == NLU_SALUDO || out->intent == NLU_AYUDA;
	out->only_social = social && nlu_intent_only_social(&out->toks);
	if (social && !out->only_social) {
		out->scores[NLU_SALUDO] = out->scores[NLU_AYUDA] = 0;
		nlu_intent_decide(out->scores, &out->intent, &out->confidence);
	}
	keep_for_intent(&out->e, out->intent);
}

/* One value as a string, two or more as a list. */
static json_t *one_or_list(const char *const *values, int n)
{
	if (n == 1)
		return json_string(values[0]);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(values[i]));
	return arr;
}

static json_t *bound(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

json_t *nlu_entities_json(const struct nlu_entities *e)
{
	json_t *o = json_object();
	if (e->nbrands)
		json_object_set_new(o, "marca", one_or_list(e->brands, e->nbrands));
	if (e->category)
		json_object_set_new(o, "categoria", json_string(e->category));
	if (e->nproducts)
		json_object_set_new(o, "producto", one_or_list(e->products, e->nproducts));
	if (e->has_price)
		json_object_set_new(o, "rango_precio", json_pack("{s:o,s:o}", "min", bound(e->price.min),
								 "max", bound(e->price.max)));
	if (e->nfeatures) {
		json_t *arr = json_array();
		for (int i = 0; i < e->nfeatures; i++)
			json_array_append_new(arr, json_string(e->features[i]));
		json_object_set_new(o, "caracteristicas", arr);
	}
	if (e->municipio)
		json_object_set_new(o, "municipio", json_string(e->municipio));
	return o;
}
