/* nlu_intent: the score of each intent for a message and the decision
 * (see nlu_intent.h). */
#include "assistant/nlu_intent.h"
#include "assistant/nlu_lexicon.h"

#include <math.h>
#include <string.h>

#define GENERAL_BASE 1.0    /* what a message with no cue at all scores */
#define WEAK 0.3            /* a cue without the entities it needs */
#define NO_CATALOG 0.15     /* a product intent with nothing of the catalog named */
#define TEMPERATURE 1.0

static bool word_is(const struct text_tok *w, const char *cue, size_t n)
{
	if (n > 0 && cue[n - 1] == '*')
		return w->len >= n - 1 && memcmp(w->s, cue, n - 1) == 0;
	return text_same_word(w->s, w->len, cue, n);
}

/* Does the cue phrase start at word i? */
static bool cue_at(const struct text_toks *m, int i, const char *phrase)
{
	const char *p = phrase;
	for (int k = i;; k++) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (k >= m->n || !word_is(&m->v[k], p, n))
			return false;
		if (!sp)
			return true;
		p = sp + 1;
	}
}

static bool cue_in(const struct text_toks *m, const char *phrase)
{
	for (int i = 0; i < m->n; i++)
		if (cue_at(m, i, phrase))
			return true;
	return false;
}

static int words_in(const char *phrase)
{
	int n = 1;
	for (const char *p = phrase; *p; p++)
		n += *p == ' ';
	return n;
}

/* Every cue found adds its weight once; a cue inside a longer cue of the
 * same intent already counted adds nothing ("buenos días" is one greeting,
 * not also "buenas"). Longer cues are looked at first. */
static void lexical(const struct text_toks *m, double s[NLU_INTENTS])
{
	bool covered[NLU_INTENTS][TEXT_MAX_TOKENS] = { { false } };
	for (int len = 5; len >= 1; len--)
		for (size_t c = 0; c < nlu_ncues; c++) {
			const struct nlu_cue *cue = &nlu_cues[c];
			if (words_in(cue->phrase) != len)
				continue;
			bool counted = false;
			for (int i = 0; i + len <= m->n; i++) {
				if (!cue_at(m, i, cue->phrase))
					continue;
				bool fresh = false;
				for (int k = i; k < i + len; k++)
					fresh |= !covered[cue->intent][k], covered[cue->intent][k] = true;
				if (fresh && !counted)
					s[cue->intent] += cue->weight, counted = true;
			}
		}
}

/* Contact words ("mail", "teléfono", "horario") are about an office only
 * when an office or a place is named. */
static bool office_named(const struct text_toks *m, const struct nlu_entities *e)
{
	static const char *const anchors[] = {
		"oficina", "ofi", "office", "atencion ciudadana", "citizen service", "municipalidad",
		"municipio", "sede", "tramite", "atienden",
	};
	if (e->municipio)
		return true;
	for (size_t i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++)
		if (cue_in(m, anchors[i]))
			return true;
	return false;
}

/* "el iphone 15", "the ps5 slim": one product the user has in mind. */
static bool definite_product(const struct text_toks *m)
{
	static const char *const articles[] = { "el", "la", "the" };
	for (int i = 0; i < m->n; i++)
		for (size_t k = 0; k < sizeof(articles) / sizeof(articles[0]); k++)
			if (strcmp(m->v[i].s, articles[k]) == 0)
				return true;
	return false;
}

/* What the entities say. Catalog intents without any catalog entity are
 * weak ("recomiéndame una película" is not a product question). */
static void evidence(const struct nlu_entities *e, double s[NLU_INTENTS])
{
	bool catalog = e->nbrands || e->category_id || e->nproducts || e->nfeatures || e->has_price;
	int items = e->nproducts >= 2 ? e->nproducts : e->nbrands;
	if (!catalog) {
		s[NLU_BUSCAR_PRODUCTO] *= NO_CATALOG;
		s[NLU_RECOMENDAR_CATEGORIA] *= NO_CATALOG;
		s[NLU_INFO_PRODUCTO] *= NO_CATALOG;
	}
	if (items < 2)
		s[NLU_COMPARAR_PRECIOS] *= WEAK;
	else
		s[NLU_COMPARAR_PRECIOS] += e->nproducts >= 2 ? 2.5 : 1.5;
	if (e->nproducts == 1)
		s[NLU_INFO_PRODUCTO] += 3;
	else
		s[NLU_INFO_PRODUCTO] *= 0.5;
	/* a brand that only comes with a named product says nothing more */
	if (e->category_id || e->nbrands > e->nproducts)
		s[NLU_BUSCAR_PRODUCTO] += 1.5;
	if (e->nfeatures)
		s[NLU_BUSCAR_PRODUCTO] += 0.5;
	if (e->has_price)
		s[NLU_BUSCAR_PRODUCTO] += 0.8;
	if (e->price.cheap)
		s[NLU_BUSCAR_PRODUCTO] += 0.5;
	if (e->municipio)
		s[NLU_CONSULTAR_OFICINA] += 3.5;
	/* Advice asked about a kind of product the catalog has ("¿qué tele
	 * me recomendás?") is about the catalog, whatever else it mentions. */
	if (e->category_id && s[NLU_RECOMENDAR_CATEGORIA] > 0)
		s[NLU_RECOMENDAR_CATEGORIA] += 1;
}

void nlu_intent_score(const struct text_toks *m, const struct nlu_entities *e,
		      double scores[NLU_INTENTS])
{
	for (int i = 0; i < NLU_INTENTS; i++)
		scores[i] = 0;
	lexical(m, scores);
	if (!office_named(m, e))
		scores[NLU_CONSULTAR_OFICINA] *= WEAK;
	evidence(e, scores);
	if (e->nproducts == 1 && definite_product(m))
		scores[NLU_INFO_PRODUCTO] += 1.5;
	scores[NLU_GENERAL] += GENERAL_BASE;
}

void nlu_intent_decide(const double scores[NLU_INTENTS], enum nlu_intent *best, double *confidence)
{
	/* A tie is not a decision: general wins it (an intent picked at
	 * confidence 0 would be a guess, and it answered "hola **negrita**"
	 * with a greeting). */
	int b = NLU_GENERAL;
	for (int i = 0; i < NLU_INTENTS; i++)
		if (scores[i] > scores[b])
			b = i;
	double sum = 0, p[NLU_INTENTS];
	for (int i = 0; i < NLU_INTENTS; i++)
		sum += p[i] = exp((scores[i] - scores[b]) / TEMPERATURE);
	double second = 0;
	for (int i = 0; i < NLU_INTENTS; i++)
		if (i != b && p[i] > second)
			second = p[i];
	*best = (enum nlu_intent)b;
	*confidence = (p[b] - second) / sum;
	if (*confidence < 0)
		*confidence = 0;
	if (*confidence > 1)
		*confidence = 1;
	if (*confidence <= 0) {
		*best = NLU_GENERAL;
		*confidence = 0;
	}
}

/* Words that may sit in a greeting or a request for help without asking
 * anything else: who is addressed, how the asking is phrased. */
static const char *const social_words[] = {
	"acá", "aca", "all", "amiga", "amigo", "app", "ask", "asistente", "assistant", "bot", "chat", "chatbot",
	"che", "compadre", "consultas", "cosas", "could", "did", "doing", "empezar", "everyone", "explain",
	"explicar", "explicas", "folks", "funcion", "funciones", "guys", "hacer", "haces", "hago", "kind",
	"hows", "microchat", "necesito", "no", "oye", "pls", "plz", "po", "podes", "podrias", "preguntar", "puedes", "puedo",
	"pueden", "questions", "respondes", "sabes", "sirve", "tipo", "use", "using", "usar", "uso", "work",
	"works", "going", "things", "would",
};

static bool social_word(const struct text_tok *w)
{
	for (size_t i = 0; i < sizeof(social_words) / sizeof(social_words[0]); i++)
		if (text_same_word(w->s, w->len, social_words[i], strlen(social_words[i])))
			return true;
	return false;
}

bool nlu_intent_only_social(const struct text_toks *m)
{
	bool covered[TEXT_MAX_TOKENS] = { false };
	for (size_t c = 0; c < nlu_ncues; c++) {
		const struct nlu_cue *cue = &nlu_cues[c];
		if (cue->intent != NLU_SALUDO && cue->intent != NLU_AYUDA)
			continue;
		int len = words_in(cue->phrase);
		for (int i = 0; i + len <= m->n; i++)
			if (cue_at(m, i, cue->phrase))
				for (int k = i; k < i + len; k++)
					covered[k] = true;
	}
	for (int i = 0; i < m->n; i++)
		if (!covered[i] && !m->v[i].stop && !social_word(&m->v[i]))
			return false;
	return m->n > 0;
}
