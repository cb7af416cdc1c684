/* nlu_price: price ranges in Chilean pesos from the ways people say them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "assistant/nlu_price.h"

#include <stdio.h>
#include <string.h>

struct price_case {
	const char *text;
	bool found;
	int64_t min, max;
	bool cheap;
};

static const struct price_case cases[] = {
	{ "celulares entre 100 y 200 mil", true, 100000, 200000, false },
	{ "menos de $300.000", true, -1, 300000, false },
	{ "hasta 50 lucas", true, -1, 50000, false },
	{ "under 500", true, -1, 500000, false },          /* CLP: a bare 500 after a bound is thousands */
	{ "under 300k", true, -1, 300000, false },
	{ "between 300k and 600k", true, 300000, 600000, false },
	{ "de $150.000 a $250.000", true, 150000, 250000, false },
	{ "un televisor de un palo para abajo", true, -1, 1000000, false },
	{ "por menos de 1,5 palos", true, -1, 1500000, false },
	{ "sobre 500 mil", true, 500000, -1, false },
	{ "más de 300 lucas", true, 300000, -1, false },
	{ "over 100k", true, 100000, -1, false },
	{ "1 million pesos max", true, -1, 1000000, false },
	{ "alrededor de 100 mil", true, 80000, 120000, false },
	{ "un celular de 200 lucas", true, -1, 200000, false },
	{ "quiero algo barato", false, -1, -1, true },
	{ "the cheapest one", false, -1, -1, true },
	/* numbers that are not prices */
	{ "talla 42", false, -1, -1, false },
	{ "lavadora de 9 kilos", false, -1, -1, false },
	{ "tv de 65 pulgadas", false, -1, -1, false },
	{ "looking for a 65 inch 4k tv", false, -1, -1, false },
	{ "el iphone 15", false, -1, -1, false },
	{ "cuanto es el 15% de 80000", false, -1, -1, false },
	{ "una niña de 6 años", false, -1, -1, false },
	{ "12000 btu", false, -1, -1, false },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct price_case *c = &cases[i];
		struct arena a;
		arena_init(&a);
		struct text_toks t;
		text_fold_tokens(&a, c->text, &t);
		bool used[TEXT_MAX_TOKENS] = { false };
		struct nlu_price p;
		bool found = nlu_price_find(&t, used, &p);
		if (found != c->found || p.min != c->min || p.max != c->max || p.cheap != c->cheap)
			fail_msg("\"%s\": found %d min %lld max %lld cheap %d", c->text, found,
				 (long long)p.min, (long long)p.max, p.cheap);
		arena_free(&a);
	}
}

static void test_marks_words(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_toks t;
	text_fold_tokens(&a, "refri hasta 500 lucas", &t);
	bool used[TEXT_MAX_TOKENS] = { false };
	struct nlu_price p;
	assert_true(nlu_price_find(&t, used, &p));
	assert_false(used[0]);
	assert_true(used[1] && used[2] && used[3]);
	assert_true(nlu_price_is_word("lucas"));
	assert_true(nlu_price_is_word("menos"));
	assert_false(nlu_price_is_word("celular"));
	arena_free(&a);
}

/* One word as the tokenizer never makes it: the parser must not count on
 * the tokenizer (separators in a row once wrote past its buffer). */
static int amount_of_word(const char *word, double *value)
{
	struct text_tok tok = { .s = word, .len = strlen(word), .num = true };
	struct text_toks t = { .v = &tok, .n = 1 };
	bool money = false;
	*value = -1;
	return nlu_price_amount(&t, 0, value, &money);
}

static void test_hostile_digits(void **state)
{
	(void)state;
	double v;
	char many[200];
	memset(many, ',', sizeof(many) - 2);
	many[sizeof(many) - 2] = '1';
	many[sizeof(many) - 1] = '\0';
	assert_int_equal(amount_of_word(many, &v), 0);
	memset(many, '.', sizeof(many) - 1);
	assert_int_equal(amount_of_word(many, &v), 0);
	assert_int_equal(amount_of_word("1,,5", &v), 0);
	assert_int_equal(amount_of_word("1.5.3", &v), 0);
	assert_int_equal(amount_of_word("12345678901234567890123456789012345", &v), 0);
	assert_int_equal(amount_of_word("1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1", &v), 0);
	/* what people write still reads */
	assert_int_equal(amount_of_word("150.000.000", &v), 1);
	assert_true(v == 150000000);
	assert_int_equal(amount_of_word("1.500,50", &v), 1);
	assert_true(v == 1500.5);
	assert_int_equal(amount_of_word("300k", &v), 1);
	assert_true(v == 300000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_marks_words),
		cmocka_unit_test(test_hostile_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
