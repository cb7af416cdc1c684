/* text: folding for matching (lower case, no accents, punctuation as space)
 * in Spanish and English, tokens, plural-tolerant word comparison,
 * stopwords and a guess of the writer's language. */
#include "text.h"
#include "arena.h"

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

void text_tokens(struct arena *a, const char *folded, struct text_toks *out)
{
	out->v = arena_alloc(a, sizeof(struct text_tok) * TEXT_MAX_TOKENS);
	out->n = 0;
	const char *p = folded;
	while (*p && out->n < TEXT_MAX_TOKENS) {
		while (*p == ' ')
			p++;
		const char *start = p;
		bool num = false;
		while (*p && *p != ' ')
			num |= is_digit(*p++);
		if (p == start)
			break;
		struct text_tok *t = &out->v[out->n++];
		t->len = (size_t)(p - start);
		t->s = arena_strndup(a, start, t->len);
		t->num = num;
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

static const char *const stopwords[] = {
	/* Spanish */
	"a", "al", "algo", "algun", "alguna", "alguno", "con", "de", "del", "e", "el", "ella",
	"en", "entre", "es", "esa", "ese", "eso", "esta", "este", "esto", "la", "las", "le",
	"les", "lo", "los", "me", "mi", "mis", "muy", "o", "para", "pero", "por", "que",
	"se", "si", "sin", "su", "sus", "te", "tu", "tus", "u", "un", "una", "unas", "uno",
	"unos", "y", "ya", "yo", "hay", "ver", "mas", "como", "cual", "cuales", "donde",
	"cuando", "quien", "son", "soy", "esta", "estan", "tiene", "tienen", "tengo", "hola",
	"favor", "porfa", "porfavor", "gracias", "bien", "bueno", "buena", "buenas", "otro",
	"otra", "todo", "toda", "todos", "todas", "aqui", "ahi", "alla", "hoy", "ahora",
	/* English */
	"an", "and", "any", "are", "at", "be", "by", "can", "do", "does", "for", "from",
	"have", "has", "how", "i", "im", "in", "is", "it", "its", "me", "my", "of", "on",
	"or", "please", "some", "the", "that", "this", "to", "what", "which", "with",
	"you", "your", "want", "need", "show", "get", "hi", "hello", "thanks", "there",
	"where", "who", "one", "ones", "much", "many", "more",
};

bool text_is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strlen(stopwords[i]) == n && memcmp(stopwords[i], w, n) == 0)
			return true;
	return false;
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
