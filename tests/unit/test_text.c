/* text, fuzzy and wordset: folding, tokens, plural/gender, language,
 * edit distance and similarity ratio, the hashed word sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "data/fuzzy.h"
#include "core/text.h"
#include "assistant/wordset.h"

#include <stdio.h>
#include <string.h>

static void test_fold(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(text_fold(&a, "¿Cuánto cuesta el iPhone 15?"), "cuanto cuesta el iphone 15");
	assert_string_equal(text_fold(&a, "MALAGUEÑO, Río Cuarto!!"), "malagueno rio cuarto");
	assert_string_equal(text_fold(&a, "menos de $300.000"), "menos de $ 300.000");
	assert_string_equal(text_fold(&a, "1,5 palos... ok"), "1,5 palos ok");
	assert_string_equal(text_fold(&a, "L'Oréal Paris / USB-C"), "loreal paris usb c");
	assert_string_equal(text_fold(&a, "  \t "), "");
	assert_string_equal(text_fold(&a, "caf\xC3"), "caf"); /* a cut UTF-8 sequence */
	assert_string_equal(text_fold(&a, "emoji 😀 fin"), "emoji fin");
	arena_free(&a);
}

static void test_tokens(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_toks t;
	text_fold_tokens(&a, "Busco 2 celulares de 128GB", &t);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.v[2].s, "celulares");
	assert_true(t.v[1].num);
	assert_true(t.v[4].num);
	assert_false(t.v[2].num);
	assert_true(t.v[3].stop);  /* "de" */
	assert_false(t.v[2].stop);
	text_fold_tokens(&a, "", &t);
	assert_int_equal(t.n, 0);
	arena_free(&a);
}

static void test_same_word(void **state)
{
	(void)state;
#define SAME(x, y) text_same_word(x, strlen(x), y, strlen(y))
	assert_true(SAME("celular", "celulares"));
	assert_true(SAME("televisores", "televisor"));
	assert_true(SAME("phones", "phone"));
	assert_true(SAME("negras", "negro"));
	assert_true(SAME("roja", "rojo"));
	assert_false(SAME("cama", "camara"));
	assert_false(SAME("mas", "ma"));
#undef SAME
	assert_true(text_stopwords_sorted());
	assert_true(text_is_stopword("de", 2));
	assert_false(text_is_stopword("celular", 7));
}

static void test_lang(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_toks t;
	const char *es = "hola, busco un celular barato";
	const char *en = "hi, I am looking for a cheap phone";
	text_fold_tokens(&a, es, &t);
	assert_string_equal(text_lang(&t, es), "es");
	text_fold_tokens(&a, en, &t);
	assert_string_equal(text_lang(&t, en), "en");
	text_fold_tokens(&a, "¿iphone?", &t);
	assert_string_equal(text_lang(&t, "¿iphone?"), "es");
	arena_free(&a);
}

static void test_fuzzy(void **state)
{
	(void)state;
#define D(x, y, m) fuzzy_distance(x, strlen(x), y, strlen(y), m)
	assert_int_equal(D("samsung", "samsung", 2), 0);
	assert_int_equal(D("samsumg", "samsung", 2), 1);
	assert_int_equal(D("rio cuatro", "rio cuarto", 2), 1); /* a swap is one edit */
	assert_int_equal(D("fridg", "fridge", 2), 1);
	assert_int_equal(D("kitten", "sitting", 5), 3);
	assert_int_equal(D("abc", "xyzxyz", 1), 2);     /* past the limit: limit + 1 */
	assert_int_equal(D("", "abc", 5), 3);
#undef D
	assert_true(fuzzy_ratio("rio cuatro", 10, "rio cuarto", 10) >= 0.85);
	assert_true(fuzzy_ratio("tandil", 6, "azul", 4) < 0.5);
	assert_true(fuzzy_ratio("", 0, "", 0) == 1.0);
	assert_int_equal(fuzzy_budget("lg", 2), 0);
	assert_int_equal(fuzzy_budget("samsung", 7), 1);
	assert_int_equal(fuzzy_budget("aspiradora", 10), 2);
	assert_int_equal(fuzzy_budget("a55", 3), 0);
	/* longer than the stack rows */
	char x[200], y[200];
	memset(x, 'a', 150), memset(y, 'a', 150);
	y[149] = 'b';
	assert_int_equal(fuzzy_distance(x, 150, y, 150, 3), 1);
}

static void test_wordset(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct wordset s;
	wordset_init(&s, &a, 2);
	char words[300][16];
	for (int i = 0; i < 300; i++) {
		snprintf(words[i], sizeof(words[i]), "w%d", i);
		wordset_add(&s, words[i], strlen(words[i]))->count++;
	}
	wordset_add(&s, "w7", 2)->count++;
	assert_int_equal((int)s.n, 300);
	assert_int_equal(wordset_get(&s, "w7", 2)->count, 2);
	assert_null(wordset_get(&s, "w300", 4));
	wordset_add(&s, "negro", 5);
	wordset_add(&s, "celular", 7);
	assert_true(wordset_has_variant(&s, "negras", 6));
	assert_true(wordset_has_variant(&s, "celulares", 9));
	assert_false(wordset_has_variant(&s, "celu", 4));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_same_word),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_fuzzy),
		cmocka_unit_test(test_wordset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
