/* The NLU against the labelled corpus (tests/nlu/corpus.tsv): a fresh
 * database is migrated and seeded from db/seed, every message is
 * understood with the vocabulary loaded again (as each CGI process does),
 * and the report goes to tests/out/nlu-report.md. Fails below 95 % intent
 * accuracy or 90 % entity accuracy on the whole corpus.
 *
 * The corpus is split by a hash of the text: one message in five (hash % 5
 * == 0) is held out. Development looked only at the other four; the report
 * gives both figures. NLU_VERBOSE=1 prints the development split's misses
 * (NLU_VERBOSE=2 also the held-out ones). Run from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shop_fixture.h"
#include "core/arena.h"
#include "assistant/nlu.h"
#include "assistant/nlu_vocab.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CORPUS "tests/nlu/corpus.tsv"
#define REPORT "tests/out/nlu-report.md"
#define MAX_ROWS 2000
#define NKEYS 6

static const char *const keys[NKEYS] = {
	"marca", "categoria", "producto", "rango_precio", "caracteristicas", "municipio",
};

struct row {
	char *text;
	enum nlu_intent want;
	json_t *entities;
	bool held_out;
};

struct tally {
	int n, intent_ok;
	int ent_total, ent_ok;            /* keys in expected or predicted */
	int key_total[NKEYS], key_ok[NKEYS];
	int confusion[NLU_INTENTS][NLU_INTENTS];
	double conf_right, conf_wrong;
	int n_right, n_wrong;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = xmalloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

static int load_corpus(char *data, struct row *rows)
{
	int n = 0;
	char *save = NULL, *line = strtok_r(data, "\n", &save);
	for (line = strtok_r(NULL, "\n", &save); line && n < MAX_ROWS; line = strtok_r(NULL, "\n", &save)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		assert_non_null(t2);
		*t1 = *t2 = '\0';
		struct row *r = &rows[n++];
		r->text = line;
		r->want = nlu_intent_from_name(t1 + 1);
		assert_int_not_equal(r->want, NLU_INTENTS);
		r->entities = json_loads(t2 + 1, 0, NULL);
		assert_non_null(r->entities);
		r->held_out = fnv1a(line) % 5 == 0;
	}
	return n;
}

/* Two values of one key are the same: strings and numbers exactly, lists
 * as sets (a single string equals a one-element list). */
static bool same_value(json_t *a, json_t *b)
{
	if (json_is_string(a) && json_is_array(b))
		return json_array_size(b) == 1 && json_equal(a, json_array_get(b, 0));
	if (json_is_array(a) && json_is_string(b))
		return same_value(b, a);
	if (!json_is_array(a) || !json_is_array(b))
		return json_equal(a, b);
	if (json_array_size(a) != json_array_size(b))
		return false;
	for (size_t i = 0; i < json_array_size(a); i++) {
		bool found = false;
		for (size_t k = 0; k < json_array_size(b) && !found; k++)
			found = json_equal(json_array_get(a, i), json_array_get(b, k));
		if (!found)
			return false;
	}
	return true;
}

/* Per key present on either side: right when both sides agree. */
static bool score_entities(struct tally *t, json_t *want, json_t *got)
{
	bool all = true;
	for (int k = 0; k < NKEYS; k++) {
		json_t *w = json_object_get(want, keys[k]), *g = json_object_get(got, keys[k]);
		if (!w && !g)
			continue;
		bool ok = w && g && same_value(w, g);
		t->ent_total++, t->key_total[k]++;
		t->ent_ok += ok, t->key_ok[k] += ok;
		all &= ok;
	}
	return all;
}

static void show_miss(const struct row *r, const struct nlu_result *res, json_t *got)
{
	char *w = json_dumps(r->entities, JSON_COMPACT | JSON_ENSURE_ASCII);
	char *g = json_dumps(got, JSON_COMPACT | JSON_ENSURE_ASCII);
	printf("  %s| %s -> %s (%.2f) want %s\n      want %s\n      got  %s\n      scores",
	       r->held_out ? "H" : " ", r->text, nlu_intent_name(res->intent), res->confidence,
	       nlu_intent_name(r->want), w, g);
	for (int i = 0; i < NLU_INTENTS; i++)
		printf(" %.6s=%.1f", nlu_intent_name(i), res->scores[i]);
	printf("\n      words");
	for (int i = 0; i < res->toks.n; i++)
		printf(" %s", res->toks.v[i].s);
	printf("\n");
	free(w);
	free(g);
}

static void run_one(struct db *db, const struct row *r, struct tally *t, int64_t *us, int verbose)
{
	struct arena a;
	arena_init(&a);
	int64_t start = now_us();
	struct nlu_vocab v;
	assert_int_equal(nlu_vocab_load(db, &a, &v), 0);
	struct nlu_result res;
	nlu_analyze(&a, &v, r->text, &res);
	*us += now_us() - start;
	json_t *got = nlu_entities_json(&res.e);
	bool intent_ok = res.intent == r->want;
	t->n++;
	t->intent_ok += intent_ok;
	t->confusion[r->want][res.intent]++;
	if (intent_ok)
		t->conf_right += res.confidence, t->n_right++;
	else
		t->conf_wrong += res.confidence, t->n_wrong++;
	bool ents_ok = score_entities(t, r->entities, got);
	if ((!intent_ok || !ents_ok) && verbose > (r->held_out ? 1 : 0))
		show_miss(r, &res, got);
	json_decref(got);
	arena_free(&a);
}

static double pct(int a, int b)
{
	return b ? 100.0 * a / b : 100.0;
}

static void report_split(FILE *f, const char *name, const struct tally *t)
{
	fprintf(f, "| %s | %d | %.1f %% | %.1f %% (%d/%d) |\n", name, t->n, pct(t->intent_ok, t->n),
		pct(t->ent_ok, t->ent_total), t->ent_ok, t->ent_total);
}

static void report_intents(FILE *f, const struct tally *t)
{
	fputs("\n## Per intent (whole corpus)\n\n| intent | messages | recall | precision |\n"
	      "| --- | ---: | ---: | ---: |\n", f);
	for (int i = 0; i < NLU_INTENTS; i++) {
		int row = 0, col = 0;
		for (int k = 0; k < NLU_INTENTS; k++)
			row += t->confusion[i][k], col += t->confusion[k][i];
		fprintf(f, "| %s | %d | %.1f %% | %.1f %% |\n", nlu_intent_name(i), row,
			pct(t->confusion[i][i], row), pct(t->confusion[i][i], col));
	}
	fputs("\n## Confusion matrix (rows: labelled, columns: predicted)\n\n| |", f);
	for (int k = 0; k < NLU_INTENTS; k++)
		fprintf(f, " %.6s |", nlu_intent_name(k));
	fputs("\n| --- |", f);
	for (int k = 0; k < NLU_INTENTS; k++)
		fputs(" ---: |", f);
	for (int i = 0; i < NLU_INTENTS; i++) {
		fprintf(f, "\n| %s |", nlu_intent_name(i));
		for (int k = 0; k < NLU_INTENTS; k++)
			fprintf(f, " %d |", t->confusion[i][k]);
	}
	fputs("\n", f);
}

static void report_keys(FILE *f, const struct tally *t)
{
	fputs("\n## Entities per key (whole corpus)\n\nA key counts when the label or the "
	      "prediction has it; it is right when both agree (lists as sets).\n\n"
	      "| key | counted | right |\n| --- | ---: | ---: |\n", f);
	for (int k = 0; k < NKEYS; k++)
		fprintf(f, "| %s | %d | %.1f %% |\n", keys[k], t->key_total[k], pct(t->key_ok[k], t->key_total[k]));
}

static void write_report(const struct tally *all, const struct tally *dev, const struct tally *held,
			 double ms_per_msg)
{
	mkdir("tests/out", 0755);
	FILE *f = fopen(REPORT, "w");
	assert_non_null(f);
	fputs("# NLU report\n\nGenerated by `tests/unit/test_nlu_corpus.c` from `" CORPUS "` "
	      "against a database seeded from `db/seed/`.\n\n"
	      "| split | messages | intent accuracy | entity accuracy |\n| --- | ---: | ---: | ---: |\n", f);
	report_split(f, "whole corpus", all);
	report_split(f, "development (4/5)", dev);
	report_split(f, "held out (1/5)", held);
	fprintf(f, "\nMean confidence: %.2f when right, %.2f when wrong. "
		"Time per message, vocabulary load included: %.2f ms.\n",
		all->n_right ? all->conf_right / all->n_right : 0,
		all->n_wrong ? all->conf_wrong / all->n_wrong : 0, ms_per_msg);
	report_intents(f, all);
	report_keys(f, all);
	fclose(f);
}

static void merge(struct tally *to, const struct tally *from)
{
	to->n += from->n, to->intent_ok += from->intent_ok;
	to->ent_total += from->ent_total, to->ent_ok += from->ent_ok;
	for (int k = 0; k < NKEYS; k++)
		to->key_total[k] += from->key_total[k], to->key_ok[k] += from->key_ok[k];
	for (int i = 0; i < NLU_INTENTS; i++)
		for (int k = 0; k < NLU_INTENTS; k++)
			to->confusion[i][k] += from->confusion[i][k];
	to->conf_right += from->conf_right, to->conf_wrong += from->conf_wrong;
	to->n_right += from->n_right, to->n_wrong += from->n_wrong;
}

static void test_corpus(void **state)
{
	(void)state;
	struct shop_fixture fixture;
	struct db *db = shop_fixture_seeded(&fixture);
	assert_non_null(db);
	char *data = read_all(CORPUS);
	assert_non_null(data);
	struct row *rows = xcalloc(MAX_ROWS, sizeof(struct row));
	int n = load_corpus(data, rows);
	assert_true(n >= 200);
	const char *v = getenv("NLU_VERBOSE");
	int verbose = v ? atoi(v) : 0;
	struct tally *dev = xcalloc(1, sizeof(*dev)), *held = xcalloc(1, sizeof(*held));
	struct tally *all = xcalloc(1, sizeof(*all));
	int64_t us = 0;
	for (int i = 0; i < n; i++)
		run_one(db, &rows[i], rows[i].held_out ? held : dev, &us, verbose);
	merge(all, dev);
	merge(all, held);
	double ms = (double)us / 1000.0 / n;
	write_report(all, dev, held, ms);
	printf("NLU corpus: %d messages; intent %.1f %% (dev %.1f, held-out %.1f); "
	       "entities %.1f %% (dev %.1f, held-out %.1f); %.2f ms/message; report in " REPORT "\n",
	       all->n, pct(all->intent_ok, all->n), pct(dev->intent_ok, dev->n),
	       pct(held->intent_ok, held->n), pct(all->ent_ok, all->ent_total),
	       pct(dev->ent_ok, dev->ent_total), pct(held->ent_ok, held->ent_total), ms);
	for (int i = 0; i < n; i++)
		json_decref(rows[i].entities);
	free(rows);
	free(data);
	shop_fixture_done(&fixture);
	double intent = pct(all->intent_ok, all->n), ents = pct(all->ent_ok, all->ent_total);
	free(dev), free(held), free(all);
	assert_true(intent >= 95.0);
	assert_true(ents >= 90.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_corpus) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
