/* nlu_spell: a message's words made comparable with the vocabulary (see
 * nlu_spell.h). */
#include "assistant/nlu_spell.h"
#include "core/arena.h"
#include "data/fuzzy.h"
#include "assistant/nlu_lexicon.h"
#include "assistant/nlu_vocab.h"

#include <string.h>

static void push(struct arena *a, struct text_toks *out, bool *unknown, const char *w, bool unk)
{
	if (out->n >= TEXT_MAX_TOKENS || !*w)
		return;
	struct text_tok *t = &out->v[out->n];
	t->s = arena_strdup(a, w);
	t->len = strlen(w);
	t->num = strpbrk(w, "0123456789") != NULL;
	t->stop = text_is_stopword(t->s, t->len);
	t->canon = NULL;
	unknown[out->n++] = unk;
}

/* A rewrite of w, or NULL; "" drops the word. */
static const char *rewrite(const char *w)
{
	for (size_t i = 0; i < nlu_nrewrites; i++)
		if (strcmp(nlu_rewrites[i].from, w) == 0)
			return nlu_rewrites[i].to;
	return NULL;
}

/* holaaa -> hola, buen diaaa -> dia: runs of one letter become one. */
static char *squeeze(struct arena *a, const char *w)
{
	char *s = arena_strdup(a, w), *o = s;
	for (const char *p = w; *p; p++)
		if (o == s || o[-1] != *p || (*p >= '0' && *p <= '9'))
			*o++ = *p;
	*o = '\0';
	return s;
}

static bool is_subsequence(const char *small, const char *big)
{
	for (; *big && *small; big++)
		if (*big == *small)
			small++;
	return *small == '\0';
}

struct best {
	const char *word;
	int dist;
	int rank;   /* lower wins a tie */
};

static void consider(struct best *b, const char *w, const char *cand, int max, bool cue)
{
	size_t nw = strlen(w), nc = strlen(cand);
	int d = fuzzy_distance(w, nw, cand, nc, max);
	if (d > max)
		return;
	/* Ties: missing letters (helo -> hello) before other typos, then the same
	 * first letter, then cue words. */
	int rank = (is_subsequence(w, cand) ? 0 : 4) + (w[0] == cand[0] ? 0 : 2) + (cue ? 0 : 1);
	if (!b->word || d < b->dist || (d == b->dist && rank < b->rank)) {
		b->word = cand;
		b->dist = d;
		b->rank = rank;
	}
}

/* Short words are corrected only at the start of a message, where a
 * mistyped greeting or call for help sits ("ola", "hlep"); further in,
 * a short unknown word is more likely a real word we do not list. */
static const char *correct(const struct nlu_vocab *v, const char *w, int pos)
{
	size_t n = strlen(w);
	if (n < 3 || strpbrk(w, "0123456789$") || (n <= 4 && pos > 1))
		return NULL;
	int max = n <= 4 ? 1 : n <= 8 ? 1 : 2;
	struct best b = { NULL, 0, 0 };
	for (size_t i = 0; i < v->cues.cap; i++)
		if (v->cues.slots[i].word)
			consider(&b, w, v->cues.slots[i].word, max, true);
	for (int i = 0; i < v->ncue_prefixes; i++)
		consider(&b, w, v->cue_prefixes[i], max, true);
	for (size_t i = 0; n >= 5 && i < v->words.cap; i++) {
		const struct wordset_entry *e = &v->words.slots[i];
		if (e->word && e->len >= 4 && (e->len > n ? e->len - n : n - e->len) <= (size_t)max)
			consider(&b, w, e->word, max, false);
	}
	return b.word;
}

static void fix_word(struct arena *a, const struct nlu_vocab *v, const char *w, int pos,
		     struct text_toks *out, bool *unknown)
{
	const char *r = rewrite(w);
	if (r) {
		struct text_toks parts;
		text_tokens(a, r, &parts);
		for (int k = 0; k < parts.n; k++)
			push(a, out, unknown, parts.v[k].s, false);
		return;
	}
	if (nlu_vocab_known(v, w)) {
		push(a, out, unknown, w, false);
		return;
	}
	const char *sq = squeeze(a, w);
	if (strcmp(sq, w) != 0 && nlu_vocab_known(v, sq)) {
		push(a, out, unknown, sq, true);
		return;
	}
	const char *c = correct(v, w, pos);
	push(a, out, unknown, c ? c : w, true);
}

void nlu_spell_fix(struct arena *a, const struct nlu_vocab *v, struct text_toks *t, bool *unknown)
{
	struct text_toks out;
	out.v = arena_alloc(a, sizeof(struct text_tok) * TEXT_MAX_TOKENS);
	out.n = 0;
	for (int i = 0; i < t->n; i++)
		fix_word(a, v, t->v[i].s, i, &out, unknown);
	nlu_lexicon_mark_units(&out);
	*t = out;
}

const char *nlu_spell_text(struct arena *a, const struct nlu_vocab *v, const char *text)
{
	struct text_toks t;
	bool *unknown = arena_alloc(a, sizeof(bool) * TEXT_MAX_TOKENS);
	text_fold_tokens(a, text, &t);
	nlu_spell_fix(a, v, &t, unknown);
	size_t len = 1;
	for (int i = 0; i < t.n; i++)
		len += t.v[i].len + 1;
	char *out = arena_alloc(a, len), *p = out;
	for (int i = 0; i < t.n; i++) {
		if (i > 0)
			*p++ = ' ';
		memcpy(p, t.v[i].s, t.v[i].len);
		p += t.v[i].len;
	}
	*p = '\0';
	return out;
}
