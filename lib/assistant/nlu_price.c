/* nlu_price: price ranges in Chilean pesos from how people say them (see
 * nlu_price.h). A number is a price only when the words make it money
 * (mil, k, lucas, palos, pesos, $) or a bound introduces it (hasta 500,
 * under 300); a bare number under 1 000 after a bound means thousands,
 * as people in Chile say "hasta 500" for $500.000. */
#include "assistant/nlu_price.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct word_value {
	const char *word;
	double value;
};

static const struct word_value multipliers[] = {
	{ "mil", 1e3 }, { "k", 1e3 }, { "luca", 1e3 }, { "lucas", 1e3 }, { "luquitas", 1e3 },
	{ "lukas", 1e3 }, { "palo", 1e6 }, { "palos", 1e6 }, { "millon", 1e6 }, { "millones", 1e6 },
	{ "million", 1e6 }, { "millions", 1e6 }, { "thousand", 1e3 }, { "mm", 1e6 },
};

static const struct word_value number_words[] = {
	{ "un", 1 }, { "uno", 1 }, { "una", 1 }, { "medio", 0.5 }, { "dos", 2 }, { "tres", 3 },
	{ "cuatro", 4 }, { "cinco", 5 }, { "seis", 6 }, { "siete", 7 }, { "ocho", 8 }, { "nueve", 9 },
	{ "diez", 10 }, { "veinte", 20 }, { "treinta", 30 }, { "cuarenta", 40 }, { "cincuenta", 50 },
	{ "cien", 100 }, { "doscientos", 200 }, { "doscientas", 200 }, { "trescientos", 300 },
	{ "trescientas", 300 }, { "cuatrocientos", 400 }, { "cuatrocientas", 400 },
	{ "quinientos", 500 }, { "quinientas", 500 }, { "seiscientos", 600 }, { "seiscientas", 600 },
	{ "setecientos", 700 }, { "ochocientos", 800 }, { "novecientos", 900 }, { "a", 1 },
	{ "one", 1 }, { "two", 2 }, { "three", 3 }, { "five", 5 }, { "ten", 10 }, { "half", 0.5 },
	{ "hundred", 100 },
};

/* Words after a number that make it a measure, not a price. */
static const char *const measure_words[] = {
	"kg", "kilos", "kilo", "pulgadas", "pulgada", "inch", "inches", "litros", "litro", "l", "lts",
	"gb", "tb", "hz", "mp", "ml", "cm", "mm", "w", "watts", "anos", "years", "plazas", "personas",
	"piezas", "jugadores", "tazas", "velocidades", "btu", "metros", "horas", "dias", "minutos",
	"porciento", "por", "x", "gramos", "g", "mah",
};

static const char *const max_cues[] = {
	"hasta", "bajo", "menos de", "por menos de", "maximo", "max", "no mas de", "inferior a",
	"por debajo de", "debajo de", "under", "below", "up to", "less than", "maximum", "at most",
	"no more than", "tope", "menor a", "menores a", "a lo mas", "no superior a",
};
static const char *const min_cues[] = {
	"sobre", "mas de", "desde", "arriba de", "por encima de", "minimo", "over", "above",
	"more than", "at least", "starting at", "mayor a", "mayores a", "superior a",
};
static const char *const max_after[] = { "para abajo", "pa abajo", "o menos", "or less", "max", "maximo", "tope" };
static const char *const min_after[] = { "para arriba", "pa arriba", "o mas", "or more", "minimo" };
static const char *const around_cues[] = { "alrededor de", "cerca de", "unos", "around", "about", "aprox" };
static const char *const range_starts[] = { "entre", "between", "de", "from", "desde" };
static const char *const range_links[] = { "y", "and", "a", "to", "hasta" };
static const char *const cheap_words[] = {
	"barato", "barata", "baratos", "baratas", "baratito", "economico", "economica", "economicos",
	"economicas", "cheap", "cheapest", "inexpensive", "affordable", "budget", "accesible",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MIN_BARE_PRICE 5000

static bool is_word(const struct text_toks *t, int i, const char *w)
{
	return i >= 0 && i < t->n && strcmp(t->v[i].s, w) == 0;
}

/* The number of words of phrase matched at i, or 0. */
static int phrase_at(const struct text_toks *t, int i, const char *phrase)
{
	int n = 0;
	const char *p = phrase;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (i + n >= t->n || t->v[i + n].len != len || memcmp(t->v[i + n].s, p, len) != 0)
			return 0;
		n++;
		p += len + (sp ? 1 : 0);
	}
	return n;
}

static int any_phrase_at(const struct text_toks *t, int i, const char *const *list, size_t n)
{
	int best = 0;
	for (size_t k = 0; k < n; k++) {
		int m = phrase_at(t, i, list[k]);
		best = m > best ? m : best;
	}
	return best;
}

static double word_value(const struct word_value *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].word, w) == 0)
			return list[i].value;
	return 0;
}

/* "150.000" 150000, "1,5" 1.5, "1.5" 1.5, "300k" 300 with *k = 1000.
 * Whatever the word holds (the tokenizer keeps '.' and ',' only between
 * two digits, but this does not count on it): every byte written is
 * checked against clean's size, and a second decimal point, or two
 * separators in a row, make it no number. */
static bool parse_digits(const char *s, double *value, double *factor)
{
	char clean[32];
	size_t o = 0, len = strlen(s);
	bool point = false;
	*factor = 1;
	if (len > 1 && s[len - 1] == 'k')
		*factor = 1e3, len--;
	else if (len > 3 && strcmp(s + len - 3, "mil") == 0)
		*factor = 1e3, len -= 3;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (o + 1 >= sizeof(clean))
			return false;
		if (c >= '0' && c <= '9') {
			clean[o++] = c;
		} else if ((c == '.' || c == ',') && i > 0 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
			/* a group of exactly three digits after it: a thousands separator */
			size_t d = 0;
			while (i + 1 + d < len && s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
				d++;
			if (d == 3 && (i + 4 >= len || s[i + 4] == '.' || s[i + 4] == ','))
				continue;
			if (point)
				return false;
			point = true;
			clean[o++] = '.';
		} else {
			return false;
		}
	}
	clean[o] = '\0';
	if (!o || clean[0] == '.')
		return false;
	*value = strtod(clean, NULL);
	return true;
}

static bool measure_after(const struct text_toks *t, int j)
{
	for (size_t k = 0; j < t->n && k < N(measure_words); k++)
		if (strcmp(t->v[j].s, measure_words[k]) == 0)
			return true;
	return false;
}

int nlu_price_amount(const struct text_toks *t, int i, double *value, bool *money)
{
	int j = i;
	double v = 0, factor = 1;
	*money = false;
	if (is_word(t, j, "$"))
		*money = true, j++;
	if (j >= t->n)
		return 0;
	bool spelled = false;
	if (!parse_digits(t->v[j].s, &v, &factor)) {
		v = word_value(number_words, N(number_words), t->v[j].s);
		if (v == 0)
			return 0;
		spelled = true;
	}
	j++;
	if (factor > 1)
		*money = true;
	double m;
	while (j < t->n && (m = word_value(multipliers, N(multipliers), t->v[j].s)) > 0) {
		factor *= m;
		*money = true;
		j++;
	}
	if (spelled && factor == 1)
		return 0; /* "un", "dos" alone are not amounts */
	if (is_word(t, j, "pesos") || is_word(t, j, "peso") || is_word(t, j, "clp"))
		*money = true, j++;
	if (!*money && measure_after(t, j))
		return 0;
	*value = v * factor;
	return j - i;
}

struct found {
	double min, max;   /* < 0: open */
	int start, end;
};

/* A bare number after a bound: under 1 000 it means thousands of pesos. */
static double as_pesos(double v, bool money)
{
	return !money && v < 1000 ? v * 1000 : v;
}

static bool try_range(const struct text_toks *t, int i, struct found *f)
{
	int cue = any_phrase_at(t, i, range_starts, N(range_starts));
	if (!cue)
		return false;
	double a, b;
	bool ma, mb;
	int na = nlu_price_amount(t, i + cue, &a, &ma);
	if (!na)
		return false;
	int k = i + cue + na, link = any_phrase_at(t, k, range_links, N(range_links));
	int nb = link ? nlu_price_amount(t, k + link, &b, &mb) : 0;
	bool strong = is_word(t, i, "entre") || is_word(t, i, "between");
	if (!nb || (!ma && !mb && !strong))
		return false;
	/* "entre 100 y 200 mil": the unit of the second covers the first. */
	if (!ma && mb && a < 1000 && b >= 1000)
		a *= b >= 1e6 && a < 100 ? 1e6 : 1e3;
	f->min = as_pesos(a, ma || mb);
	f->max = as_pesos(b, ma || mb);
	f->start = i;
	f->end = k + link + nb;
	return true;
}

static bool try_bound(const struct text_toks *t, int i, struct found *f)
{
	int cmax = any_phrase_at(t, i, max_cues, N(max_cues));
	int cmin = any_phrase_at(t, i, min_cues, N(min_cues));
	int caround = any_phrase_at(t, i, around_cues, N(around_cues));
	int cue = cmax > cmin ? cmax : cmin;
	cue = caround > cue ? caround : cue;
	double v;
	bool money;
	int n = cue ? nlu_price_amount(t, i + cue, &v, &money) : 0;
	if (!n)
		return false;
	v = as_pesos(v, money);
	f->min = f->max = -1;
	if (cue == caround)
		f->min = round(v * 0.8), f->max = round(v * 1.2);
	else if (cue == cmax)
		f->max = v;
	else
		f->min = v;
	f->start = i;
	f->end = i + cue + n;
	return true;
}

/* An amount that says it is money, maybe followed by "para abajo"/"o más".
 * Without a bound before it, a small one ("4k", a resolution) is not a price. */
static bool try_amount(const struct text_toks *t, int i, struct found *f)
{
	double v;
	bool money;
	int n = nlu_price_amount(t, i, &v, &money);
	if (!n || !money || v < MIN_BARE_PRICE)
		return false;
	int after_max = any_phrase_at(t, i + n, max_after, N(max_after));
	int after_min = any_phrase_at(t, i + n, min_after, N(min_after));
	f->min = after_min ? v : -1;
	f->max = after_min ? -1 : v; /* a plain amount is a budget */
	f->start = i;
	f->end = i + n + (after_max > after_min ? after_max : after_min);
	return true;
}

static bool in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t k = 0; k < n; k++) {
		const char *p = list[k];
		size_t len = strlen(w);
		/* a word of a phrase: "menos" in "menos de" */
		for (const char *q = strstr(p, w); q; q = strstr(q + 1, w))
			if ((q == p || q[-1] == ' ') && (q[len] == '\0' || q[len] == ' '))
				return true;
	}
	return false;
}

bool nlu_price_is_word(const char *w)
{
	return word_value(multipliers, N(multipliers), w) > 0 || word_value(number_words, N(number_words), w) > 0 ||
	       in_list(max_cues, N(max_cues), w) || in_list(min_cues, N(min_cues), w) ||
	       in_list(max_after, N(max_after), w) || in_list(min_after, N(min_after), w) ||
	       in_list(around_cues, N(around_cues), w) || in_list(cheap_words, N(cheap_words), w) ||
	       strcmp(w, "pesos") == 0 || strcmp(w, "peso") == 0 || strcmp(w, "clp") == 0;
}

static bool cheap_word(const char *w)
{
	for (size_t k = 0; k < N(cheap_words); k++)
		if (strcmp(w, cheap_words[k]) == 0)
			return true;
	return false;
}

static void merge(struct nlu_price *out, const struct found *f, bool *any)
{
	if (f->min >= 0)
		out->min = (int64_t)f->min;
	if (f->max >= 0)
		out->max = (int64_t)f->max;
	*any = true;
}

bool nlu_price_find(const struct text_toks *t, bool *used, struct nlu_price *out)
{
	bool any = false;
	out->min = out->max = -1;
	out->cheap = false;
	for (int i = 0; i < t->n; i++) {
		out->cheap |= cheap_word(t->v[i].s);
		if (used[i])
			continue;
		struct found f;
		if (try_range(t, i, &f) || try_bound(t, i, &f) || try_amount(t, i, &f)) {
			merge(out, &f, &any);
			for (int k = f.start; k < f.end; k++)
				used[k] = true;
			i = f.end - 1;
		}
	}
	if (out->min >= 0 && out->max >= 0 && out->min > out->max) {
		int64_t x = out->min;
		out->min = out->max;
		out->max = x;
	}
	return any;
}
