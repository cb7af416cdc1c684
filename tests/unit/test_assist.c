/* assist: direct answers, cards, the model's context and the fallback
 * answers composed from the rows, the NLU log, and the answer policy of
 * an assistant (its sources and instant answers). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shop_fixture.h"
#include "core/arena.h"
#include "assistant/assist.h"
#include "core/req.h"

#include <string.h>

SHOP_FIXTURE_GROUP()

struct run {
	struct req r;
	struct assist a;
};

/* An assistant with both sources and instant answers (the shop tests). */
static const struct assist_policy everything = { .catalog = true, .directory = true, .instant_answers = true };

static void prepare_with(struct run *run, const char *message, const struct assist_policy *p)
{
	memset(&run->r, 0, sizeof(run->r));
	arena_init(&run->r.arena);
	run->r.program = "test";
	assert_int_equal(assist_prepare(&run->r, fixture.db, message, p, &run->a), 0);
}

static void prepare(struct run *run, const char *message)
{
	prepare_with(run, message, &everything);
}

static void done(struct run *run)
{
	assist_release(&run->a);
	arena_free(&run->r.arena);
}

static const char *intent(const struct run *run)
{
	return json_string_value(json_object_get(run->a.intent, "name"));
}

static size_t cards(const struct run *run, const char *key)
{
	return json_array_size(json_object_get(run->a.context, key));
}

static void test_greeting_and_help(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "hola!");
	assert_string_equal(intent(&run), "saludo");
	assert_non_null(strstr(run.a.direct_answer, "¡Hola!"));
	assert_null(run.a.model_context);
	assert_int_equal(cards(&run, "products"), 0);
	done(&run);
	prepare(&run, "hello there");
	assert_non_null(strstr(run.a.direct_answer, "Hi!"));
	assert_string_equal(run.a.lang, "en");
	done(&run);
	prepare(&run, "what can you do?");
	assert_string_equal(intent(&run), "ayuda");
	assert_non_null(strstr(run.a.direct_answer, "Search products"));
	done(&run);
}

static void test_general(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "escribe un poema sobre el otoño");
	assert_string_equal(intent(&run), "general");
	assert_null(run.a.direct_answer);
	assert_null(run.a.fallback_answer);
	assert_true(!run.a.model_context || !*run.a.model_context);
	done(&run);
}

static void test_search(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "busco celulares samsung hasta 500 lucas");
	assert_string_equal(intent(&run), "buscar_producto");
	assert_true(run.a.found);
	assert_null(run.a.direct_answer);
	size_t n = cards(&run, "products");
	assert_true(n > 0);
	json_t *p, *products = json_object_get(run.a.context, "products");
	size_t i;
	json_array_foreach(products, i, p) {
		assert_string_equal(json_string_value(json_object_get(p, "brand")), "Samsung");
		assert_true(json_integer_value(json_object_get(p, "price")) <= 500000);
		assert_non_null(json_object_get(p, "stock"));
		/* each card's name is in the fallback and in the model's context */
		const char *name = json_string_value(json_object_get(p, "name"));
		assert_non_null(strstr(run.a.fallback_answer, name));
		assert_non_null(strstr(run.a.model_context, name));
	}
	assert_non_null(strstr(run.a.model_context, "Instrucción"));
	assert_non_null(strstr(run.a.fallback_answer, "$"));
	done(&run);
}

static void test_empty_with_suggestion(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "busco celulares samsung bajo 20 mil");
	assert_string_equal(intent(&run), "buscar_producto");
	/* nothing that cheap: the nearest prices instead, said so */
	assert_true(cards(&run, "products") > 0);
	assert_non_null(strstr(run.a.fallback_answer, "más cercanos al precio"));
	done(&run);
}

static void test_compare(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "compara el iphone 15 con el galaxy s24 ultra");
	assert_string_equal(intent(&run), "comparar_precios");
	json_t *products = json_object_get(run.a.context, "products");
	assert_int_equal(json_array_size(products), 2);
	json_int_t p0 = json_integer_value(json_object_get(json_array_get(products, 0), "price"));
	json_int_t p1 = json_integer_value(json_object_get(json_array_get(products, 1), "price"));
	assert_true(p0 <= p1); /* cheapest first */
	assert_non_null(strstr(run.a.fallback_answer, "De más barato a más caro"));
	assert_non_null(strstr(run.a.fallback_answer, "Diferencia"));
	done(&run);
}

static void test_details_and_office(void **state)
{
	(void)state;
	struct run run;
	prepare(&run, "how much is the nintendo switch lite?");
	assert_string_equal(intent(&run), "info_producto");
	assert_int_equal(cards(&run, "products"), 1);
	assert_non_null(strstr(run.a.fallback_answer, "CLP "));
	done(&run);
	prepare(&run, "horario de la oficina de vila carlos paz");
	assert_string_equal(intent(&run), "consultar_oficina");
	assert_int_equal(cards(&run, "offices"), 1);
	json_t *o = json_array_get(json_object_get(run.a.context, "offices"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "municipio")), "Villa Carlos Paz");
	assert_true(json_is_array(json_object_get(o, "localidades")));
	assert_non_null(strstr(run.a.fallback_answer, json_string_value(json_object_get(o, "horario"))));
	done(&run);
}

static void test_log(void **state)
{
	(void)state;
	struct run run;
	int64_t before = 0, after = 0, linked = 0;
	db_int(fixture.db, &before, "SELECT count(*) FROM nlu_log", "");
	prepare(&run, "busco notebooks lenovo");
	assist_log(&run.r, fixture.db, &run.a, "busco notebooks lenovo", 0);
	db_int(fixture.db, &after, "SELECT count(*) FROM nlu_log", "");
	assert_int_equal(after, before + 1);
	const char *entities = NULL;
	db_text(fixture.db, &run.r.arena, &entities,
		"SELECT entities FROM nlu_log WHERE intent = 'buscar_producto' AND found = 1 AND user_id IS NULL"
		" AND message = 'busco notebooks lenovo' ORDER BY id DESC LIMIT 1", "");
	assert_non_null(entities);
	assert_non_null(strstr(entities, "Lenovo"));
	db_int(fixture.db, &linked, "SELECT count(*) FROM nlu_log_products WHERE log_id = (SELECT max(id) FROM nlu_log)", "");
	assert_int_equal((size_t)linked, cards(&run, "products"));
	done(&run);
}

/* A plain chat (no sources, no instant answers): nothing runs, every
 * message goes to the model, nothing is logged. */
static void test_plain_chat(void **state)
{
	(void)state;
	struct run run;
	struct assist_policy plain = { 0 };
	prepare_with(&run, "hola", &plain);
	assert_false(run.a.understood);
	assert_string_equal(intent(&run), "general");
	assert_null(run.a.direct_answer);
	assert_null(run.a.fallback_answer);
	assert_int_equal(cards(&run, "products") + cards(&run, "offices"), 0);
	int64_t before = 0, after = 0;
	db_int(fixture.db, &before, "SELECT count(*) FROM nlu_log", "");
	assist_log(&run.r, fixture.db, &run.a, "hola", 0);
	db_int(fixture.db, &after, "SELECT count(*) FROM nlu_log", "");
	assert_int_equal(after, before);
	done(&run);
}

/* A template only for a message that is nothing but a greeting or help. */
static void test_only_greetings_get_templates(void **state)
{
	(void)state;
	struct run run;
	static const char *const more[] = {
		"hola mundo", "hola **negrita** y `codigo`", "hola, ¿cuál es la capital de Francia?",
		"hello, write me a haiku about rain", "ayuda con mi tarea de matemáticas",
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
		prepare(&run, more[i]);
		assert_null(run.a.direct_answer);
		done(&run);
	}
	static const char *const only[] = { "hola!", "buenas tardes, ¿cómo estás?", "hey there", "ayuda",
					    "¿qué puedes hacer?", "how does this work?" };
	for (size_t i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
		prepare(&run, only[i]);
		assert_non_null(run.a.direct_answer);
		done(&run);
	}
}

/* Instant answers off: a greeting goes to the model (the template is only
 * the fallback); the assistant's own greeting is its template. */
static void test_instant_answers(void **state)
{
	(void)state;
	struct run run;
	struct assist_policy off = { .catalog = true };
	prepare_with(&run, "hola", &off);
	assert_null(run.a.direct_answer);
	assert_string_equal(intent(&run), "general");
	done(&run);
	struct assist_policy own = { .directory = true, .instant_answers = true, .greeting = "¡Bienvenido a la muni!" };
	prepare_with(&run, "buenas", &own);
	assert_string_equal(run.a.direct_answer, "¡Bienvenido a la muni!");
	done(&run);
	prepare_with(&run, "what can you do?", &own);
	assert_non_null(strstr(run.a.direct_answer, "Citizen-service offices"));
	assert_null(strstr(run.a.direct_answer, "Search products"));
	done(&run);
}

/* An assistant answers from its own sources only: an office question to the
 * shop, or a product search to the town hall, is a general message. */
static void test_sources(void **state)
{
	(void)state;
	struct run run;
	struct assist_policy shop = { .catalog = true, .instant_answers = true };
	prepare_with(&run, "donde queda la oficina de villa carlos paz", &shop);
	assert_string_equal(intent(&run), "general");
	assert_int_equal(cards(&run, "offices"), 0);
	assert_true(!run.a.model_context || !*run.a.model_context);
	done(&run);
	prepare_with(&run, "hola, busco celulares samsung", &shop);
	assert_string_equal(intent(&run), "buscar_producto");
	assert_true(cards(&run, "products") > 0);
	done(&run);
	struct assist_policy town = { .directory = true, .instant_answers = true };
	prepare_with(&run, "busco celulares samsung", &town);
	assert_string_equal(intent(&run), "general");
	assert_int_equal(cards(&run, "products"), 0);
	done(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greeting_and_help),
		cmocka_unit_test(test_general),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_empty_with_suggestion),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_details_and_office),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_plain_chat),
		cmocka_unit_test(test_only_greetings_get_templates),
		cmocka_unit_test(test_instant_answers),
		cmocka_unit_test(test_sources),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
