/* text: folding for matching (lower case, no accents, punctuation as space)
 * in Spanish and English, tokens, plural-tolerant word comparison,
 * stopwords and a guess of the writer's language. */
#include "core/text.h"

#include <jansson.h>
#include "core/arena.h"

#include <string.h>

/* Latin-1 Supplement U+00C0..U+00FF folded to ASCII ("" = a space). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Decode one UTF-8 sequence; returns its length, *cp = -1 when invalid. */
static size_t utf8_next(const unsigned char *s, long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!n) {
		*cp = -1;
		return 1;
	}
	long v = s[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = -1;
			return (size_t)i;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return (size_t)n;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The ASCII letters or digits a code point folds to, "" for a separator. */
static const char *fold_cp(long cp, char ascii[2])
{
	if ((cp >= 'a' && cp <= 'z') || is_digit((char)cp)) {
		ascii[0] = (char)cp;
		return ascii;
	}
	if (cp >= 'A' && cp <= 'Z') {
		ascii[0] = (char)(cp - 'A' + 'a');
		return ascii;
	}
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0];
	return "";
}

static void put_space(char *out, size_t *o)
{
	if (*o > 0 && out[*o - 1] != ' ')
		out[(*o)++] = ' ';
}

char *text_fold(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	/* A code point of >= 2 bytes folds to at most 2 bytes; '$' to 3. */
	char *out = arena_alloc(a, 3 * n + 2);
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	char ascii[2] = { 0, 0 };
	while (*p) {
		long cp;
		size_t len = utf8_next(p, &cp);
		bool keep_sep = (cp == '.' || cp == ',') && o > 0 && is_digit(out[o - 1]) &&
				is_digit((char)p[len]);
		if (cp == '\'' || cp == 0x2019) {
			/* don't, L'Oréal: the apostrophe joins */
		} else if (cp == '$') {
			/* a word of its own: prices ("$300.000") */
			put_space(out, &o);
			out[o++] = '$';
			out[o++] = ' ';
		} else if (keep_sep) {
			out[o++] = (char)cp;
		} else {
			const char *f = cp < 0 ? "" : fold_cp(cp, ascii);
			if (*f) {
				size_t fl = strlen(f);
				memcpy(out + o, f, fl);
				o += fl;
			} else {
				put_space(out, &o);
			}
		}
		p += len;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

static int count_tokens(const char *s)
{
	int n = 0;
	for (const char *p = s; *p; p++)
		n += *p != ' ' && (p == s || p[-1] == ' ');
	return n < TEXT_MAX_TOKENS ? n : TEXT_MAX_TOKENS;
}

/* The tokens point into one copy of the text, cut with NUL bytes. */
void text_tokens(struct arena *a, const char *folded, struct text_toks *out)
{
	out->v = arena_alloc(a, sizeof(struct text_tok) * (size_t)(count_tokens(folded) + 1));
	out->n = 0;
	char *p = arena_strdup(a, folded);
	while (*p && out->n < TEXT_MAX_TOKENS) {
		while (*p == ' ')
			p++;
		char *start = p;
		bool num = false;
		while (*p && *p != ' ')
			num |= is_digit(*p++);
		if (p == start)
			break;
		struct text_tok *t = &out->v[out->n++];
		t->len = (size_t)(p - start);
		if (*p)
			*p++ = '\0';
		t->s = start;
		t->num = num;
		t->stop = text_is_stopword(t->s, t->len);
		t->canon = NULL;
	}
}

void text_fold_tokens(struct arena *a, const char *s, struct text_toks *out)
{
	text_tokens(a, text_fold(a, s), out);
}

static bool ends(const char *w, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

/* Is long_w the plural of short_w (short_w + "s" or short_w + "es")? */
static bool plural_of(const char *long_w, size_t nl, const char *short_w, size_t ns)
{
	if (ns < 3 || memcmp(long_w, short_w, ns) != 0)
		return false;
	if (nl == ns + 1)
		return long_w[ns] == 's';
	return nl == ns + 2 && long_w[ns] == 'e' && long_w[ns + 1] == 's';
}

static bool gender_pair(const char *a, size_t na, const char *b, size_t nb)
{
	if (na != nb || na < 4 || memcmp(a, b, na - 1) != 0)
		return false;
	char x = a[na - 1], y = b[nb - 1];
	return (x == 'o' && y == 'a') || (x == 'a' && y == 'o');
}

bool text_same_word(const char *a, size_t na, const char *b, size_t nb)
{
	if (na == nb && memcmp(a, b, na) == 0)
		return true;
	if (na > nb ? plural_of(a, na, b, nb) : plural_of(b, nb, a, na))
		return true;
	/* negras / negro: drop the plural of both, then compare the gender. */
	size_t ma = ends(a, na, "s") ? na - 1 : na, mb = ends(b, nb, "s") ? nb - 1 : nb;
	return gender_pair(a, ma, b, mb);
}

/* Sorted (text_is_stopword searches it; a unit test checks the order). */
static const char *const stopwords[] = {
	"a", "ahi", "ahora", "al", "algo", "algun", "alguna", "alguno", "alla", "an", "and", "any",
	"aqui", "are", "at", "be", "bien", "buena", "buenas", "bueno", "by", "can", "como", "con",
	"cual", "cuales", "cuando", "de", "del", "do", "does", "donde", "e", "el", "ella", "en",
	"entre", "es", "esa", "ese", "eso", "esta", "estan", "este", "esto", "favor", "for", "from",
	"get", "gracias", "has", "have", "hay", "hello", "hi", "hola", "how", "hoy", "i", "im", "in",
	"is", "it", "its", "la", "las", "le", "les", "lo", "los", "many", "mas", "me", "mi", "mis",
	"more", "much", "muy", "my", "need", "o", "of", "on", "one", "ones", "or", "otra", "otro",
	"para", "pero", "please", "por", "porfa", "porfavor", "que", "quien", "se", "show", "si",
	"sin", "some", "son", "soy", "su", "sus", "te", "tengo", "thanks", "that", "the", "there",
	"this", "tiene", "tienen", "to", "toda", "todas", "todo", "todos", "tu", "tus", "u", "un",
	"una", "unas", "uno", "unos", "ver", "want", "what", "where", "which", "who", "with", "y",
	"ya", "yo", "you", "your",
};

static int stop_cmp(const char *s, const char *w, size_t n)
{
	/* Most probes differ in the first letter: decide those inline. */
	if (s[0] != w[0])
		return (unsigned char)s[0] - (unsigned char)w[0];
	int c = strncmp(s, w, n);
	return c ? c : (unsigned char)s[n];
}

bool text_is_stopword(const char *w, size_t n)
{
	if (n == 0 || n > 8 || w[0] < 'a' || w[0] > 'y')
		return false;
	size_t lo = 0, hi = sizeof(stopwords) / sizeof(stopwords[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = stop_cmp(stopwords[mid], w, n);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool text_stopwords_sorted(void)
{
	for (size_t i = 1; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strcmp(stopwords[i - 1], stopwords[i]) >= 0)
			return false;
	return true;
}

static const char *const es_words[] = {
	"de", "la", "el", "los", "las", "que", "y", "en", "un", "una", "por", "para", "con",
	"hola", "busco", "quiero", "necesito", "tienen", "tienes", "hay", "cuanto", "cuesta",
	"cual", "donde", "queda", "precio", "precios", "oficina", "ayuda", "dame", "muestrame",
	"recomienda", "recomiendas", "compara", "mas", "menos", "barato", "del", "mil",
	"lucas", "buenas", "buenos", "dias", "tardes", "noches", "gracias", "algo", "es",
	"me", "mi", "puedes", "sobre", "hasta", "entre", "que", "como", "esta", "son",
};
static const char *const en_words[] = {
	"the", "a", "an", "is", "are", "what", "do", "does", "you", "have", "for", "with",
	"hello", "hi", "hey", "how", "much", "i", "im", "my", "me", "looking", "show",
	"want", "need", "which", "cheaper", "cheapest", "compare", "recommend", "best",
	"office", "where", "help", "can", "price", "prices", "under", "between", "and",
	"good", "morning", "evening", "afternoon", "thanks", "please", "tell", "about",
	"of", "in", "to", "some", "any", "buy", "cost", "costs", "find", "near",
};

static int count_in(const struct text_toks *t, const char *const *words, size_t nwords)
{
	int n = 0;
	for (int i = 0; i < t->n; i++)
		for (size_t k = 0; k < nwords; k++)
			if (strcmp(t->v[i].s, words[k]) == 0) {
				n++;
				break;
			}
	return n;
}

const char *text_lang(const struct text_toks *t, const char *original)
{
	int es = count_in(t, es_words, sizeof(es_words) / sizeof(es_words[0]));
	int en = count_in(t, en_words, sizeof(en_words) / sizeof(en_words[0]));
	/* ñ, ¿, ¡ and accented vowels are written only in Spanish here. */
	static const char *const marks[] = { "ñ", "¿", "¡", "á", "é", "í", "ó", "ú", "Ñ" };
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(original, marks[i]))
			es += 2;
	return en > es ? "en" : "es";
}

const char *text_join_json_list(struct arena *a, const char *json)
{
	json_t *arr = json_loads(json ? json : "[]", 0, NULL);
	char *s = arena_strdup(a, "");
	for (size_t i = 0; i < json_array_size(arr); i++)
		s = arena_printf(a, "%s%s%s", s, i ? ", " : "", json_string_value(json_array_get(arr, i)));
	json_decref(arr);
	return s;
}
