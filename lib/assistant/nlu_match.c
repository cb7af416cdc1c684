/* nlu_match: a vocabulary term found at a position of a message (see
 * nlu_match.h). */
#include "assistant/nlu_match.h"
#include "data/fuzzy.h"
#include "assistant/nlu_lexicon.h"
#include "assistant/nlu_vocab.h"

#include <string.h>

bool nlu_match_word(const struct text_tok *a, const struct text_tok *b)
{
	if (a->num || b->num)
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	if (a->canon || b->canon) { /* units: kilos = kg */
		const char *x = a->canon ? a->canon : a->s, *y = b->canon ? b->canon : b->s;
		if (strcmp(x, y) == 0)
			return true;
	}
	return a->s[0] == b->s[0] && text_same_word(a->s, a->len, b->s, b->len);
}

static bool filler(const struct text_tok *w)
{
	return w->stop && nlu_lexicon_is_filler(w->s, w->len);
}

/* Word by word; message fillers may sit between the term's words. */
static int match_words(const struct text_toks *m, int i, const struct text_toks *t)
{
	int j = i;
	for (int k = 0; k < t->n; k++) {
		if (k > 0)
			while (j < m->n && filler(&m->v[j]) && !filler(&t->v[k]) &&
			       !nlu_match_word(&m->v[j], &t->v[k]))
				j++;
		if (j >= m->n || !nlu_match_word(&m->v[j], &t->v[k]))
			return 0;
		j++;
	}
	return j - i;
}

/* The message words [i, i + n) joined, with or without spaces, into buf. */
static size_t join(const struct text_toks *m, int i, int n, bool spaces, char *buf, size_t cap)
{
	size_t o = 0;
	for (int k = i; k < i + n; k++) {
		size_t len = m->v[k].len;
		if (o + len + 2 > cap)
			return 0;
		if (k > i && spaces)
			buf[o++] = ' ';
		memcpy(buf + o, m->v[k].s, len);
		o += len;
	}
	buf[o] = '\0';
	return o;
}

/* "smarttv", "wi fi": the same letters, spaced differently. */
static int match_compact(const struct text_toks *m, int i, const struct nlu_term *t)
{
	char buf[256];
	for (int n = 1; n <= t->toks.n + 1 && i + n <= m->n; n++) {
		if (n == t->toks.n)
			continue; /* word by word already tried */
		size_t len = join(m, i, n, false, buf, sizeof(buf));
		if (len == t->compact_len && memcmp(buf, t->compact, len) == 0)
			return n;
	}
	return 0;
}

static bool any_unknown(const bool *unknown, int i, int n)
{
	for (int k = i; k < i + n; k++)
		if (unknown[k])
			return true;
	return false;
}

static bool edge_ok(const struct text_toks *m, int i, int n)
{
	return !m->v[i].stop && !m->v[i + n - 1].stop;
}

/* Can the window's text be within reach of a term of tlen bytes? */
static bool length_fits(const struct text_toks *m, int i, int n, size_t tlen, double min_ratio)
{
	size_t len = (size_t)(n - 1);
	for (int k = i; k < i + n; k++)
		len += m->v[k].len;
	size_t longer = len > tlen ? len : tlen, diff = len > tlen ? len - tlen : tlen - len;
	if (min_ratio > 0)
		return (double)diff <= (1.0 - min_ratio) * (double)longer;
	return diff <= 2;
}

/* Typos: the window of the term's length (one more or less for places). */
static int match_fuzzy(const struct text_toks *m, const bool *unknown, int i,
		       const struct nlu_term *t, double min_ratio, double *score)
{
	char buf[256];
	const char *folded_term = t->folded;
	size_t tlen = t->folded_len;
	int lo = min_ratio > 0 ? t->toks.n - 1 : t->toks.n, hi = min_ratio > 0 ? t->toks.n + 1 : t->toks.n;
	int best_n = 0;
	double best = 0;
	for (int n = lo < 1 ? 1 : lo; n <= hi && i + n <= m->n; n++) {
		/* Known words are taken as typed, except in a place name of two
		 * words or more ("rio cuatro" for "Río Cuarto"). */
		if (!any_unknown(unknown, i, n) && (min_ratio <= 0 || n < 2))
			continue;
		if (!length_fits(m, i, n, tlen, min_ratio) || !edge_ok(m, i, n))
			continue;
		size_t len = join(m, i, n, true, buf, sizeof(buf));
		if (!len)
			continue;
		double r;
		if (min_ratio > 0) {
			r = fuzzy_ratio_min(buf, len, folded_term, tlen, min_ratio);
			if (r < min_ratio)
				continue;
		} else {
			/* the budget of the shorter: "francia" is not "fragancia" */
			int budget = len < tlen ? fuzzy_budget(buf, len) : fuzzy_budget(t->compact, t->compact_len);
			if (strpbrk(t->compact, "0123456789"))
				budget = 0;
			int d = fuzzy_distance(buf, len, folded_term, tlen, budget);
			if (d > budget || buf[0] != folded_term[0])
				continue;
			r = 1.0 - (double)d / (double)(tlen > len ? tlen : len);
		}
		if (r > best)
			best = r, best_n = n;
	}
	*score = best;
	return best_n;
}

bool nlu_match_term(const struct text_toks *m, const bool *unknown, int i,
		    const struct nlu_term *t, double min_ratio, struct nlu_hit *out)
{
	if (i >= m->n || t->toks.n == 0)
		return false;
	double score = 1.0;
	int n = match_words(m, i, &t->toks);
	if (!n)
		n = match_compact(m, i, t);
	if (!n)
		n = match_fuzzy(m, unknown, i, t, min_ratio, &score);
	if (!n)
		return false;
	out->term = t;
	out->start = i;
	out->end = i + n;
	out->score = score;
	return true;
}
