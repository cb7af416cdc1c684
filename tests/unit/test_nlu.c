/* nlu: intents and entities on phrasings written for this test (none is
 * taken from tests/nlu/corpus.tsv), and the properties of the confidence. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shop_fixture.h"
#include "core/arena.h"
#include "assistant/nlu.h"
#include "assistant/nlu_intent.h"
#include "assistant/nlu_spell.h"
#include "assistant/nlu_vocab.h"

#include <string.h>

SHOP_FIXTURE_GROUP()

struct example {
	const char *text;
	const char *intent;
	const char *entities;
};

static const struct example examples[] = {
	{ "buenas noches", "saludo", "{}" },
	{ "hola hola", "saludo", "{}" },
	{ "qué onda", "saludo", "{}" },
	{ "hey, how's it going?", "saludo", "{}" },
	{ "good morning :)", "saludo", "{}" },
	{ "holaaaa!!", "saludo", "{}" },
	{ "qué sabes hacer?", "ayuda", "{}" },
	{ "¿cómo te puedo usar?", "ayuda", "{}" },
	{ "what can i ask you?", "ayuda", "{}" },
	{ "necesito ayuda con la app", "ayuda", "{}" },
	{ "how do I use this chat?", "ayuda", "{}" },
	{ "muéstrame notebooks hp", "buscar_producto", "{\"marca\": \"HP\", \"categoria\": \"notebooks\"}" },
	{ "tienen refrigeradores samsung?", "buscar_producto", "{\"marca\": \"Samsung\", \"categoria\": \"refrigeradores\"}" },
	{ "quiero un televisor de 55 pulgadas", "buscar_producto", "{\"categoria\": \"televisores\", \"caracteristicas\": [\"55 pulgadas\"]}" },
	{ "busco zapatillas adidas blancas", "buscar_producto", "{\"marca\": \"Adidas\", \"categoria\": \"zapatillas\", \"caracteristicas\": [\"blanco\"]}" },
	{ "celulares entre 200 y 400 mil", "buscar_producto", "{\"categoria\": \"celulares\", \"rango_precio\": {\"min\": 200000, \"max\": 400000}}" },
	{ "show me lg washing machines", "buscar_producto", "{\"marca\": \"LG\", \"categoria\": \"lavadoras\"}" },
	{ "do you sell bicycles?", "buscar_producto", "{\"categoria\": \"bicicletas\"}" },
	{ "i'm looking for red sneakers", "buscar_producto", "{\"categoria\": \"zapatillas\", \"caracteristicas\": [\"rojo\"]}" },
	{ "cafeteras nespresso", "buscar_producto", "{\"marca\": \"Nespresso\", \"categoria\": \"cafeteras\"}" },
	{ "parlantes bluetooth hasta 80 lucas", "buscar_producto", "{\"categoria\": \"audio\", \"caracteristicas\": [\"bluetooth\"], \"rango_precio\": {\"min\": null, \"max\": 80000}}" },
	{ "monitores gamer de 27 pulgadas", "buscar_producto", "{\"categoria\": \"monitores\", \"caracteristicas\": [\"gamer\", \"27 pulgadas\"]}" },
	{ "laptops under 600k", "buscar_producto", "{\"categoria\": \"notebooks\", \"rango_precio\": {\"min\": null, \"max\": 600000}}" },
	{ "qué me recomendás para ver películas, una tele oled o qled?", "recomendar_categoria", "{\"categoria\": \"televisores\", \"caracteristicas\": [\"oled\", \"qled\"]}" },
	{ "¿cuál es el mejor celular?", "recomendar_categoria", "{\"categoria\": \"celulares\"}" },
	{ "recomiéndame audífonos inalámbricos", "recomendar_categoria", "{\"categoria\": \"audio\", \"caracteristicas\": [\"inalambrico\"]}" },
	{ "what tablet should i buy?", "recomendar_categoria", "{\"categoria\": \"tablets\"}" },
	{ "which air fryer do you recommend?", "recomendar_categoria", "{\"categoria\": \"freidoras-de-aire\"}" },
	{ "¿qué aspiradora me conviene?", "recomendar_categoria", "{\"categoria\": \"aspiradoras\"}" },
	{ "recomiendame una pelicula de accion", "general", "{}" },
	{ "compara la ps5 digital con la xbox series s", "comparar_precios", "{\"marca\": [\"Sony\", \"Microsoft\"], \"producto\": [\"Sony PlayStation 5 Digital Slim\", \"Microsoft Xbox Series S 512GB\"]}" },
	{ "galaxy a55 vs redmi note 13 pro", "comparar_precios", "{\"marca\": [\"Samsung\", \"Xiaomi\"], \"producto\": [\"Samsung Galaxy A55 5G 256GB\", \"Xiaomi Redmi Note 13 Pro 256GB\"]}" },
	{ "which is cheaper, the airpods pro 2 or the sony wh-1000xm5?", "comparar_precios", "{\"marca\": [\"Apple\", \"Sony\"], \"producto\": [\"Apple AirPods Pro 2\", \"Sony WH-1000XM5 Audífonos\"]}" },
	{ "compare hp and epson printers", "comparar_precios", "{\"marca\": [\"HP\", \"Epson\"], \"categoria\": \"impresoras\"}" },
	{ "cuánto cuesta el galaxy s24?", "info_producto", "{\"marca\": \"Samsung\", \"producto\": \"Samsung Galaxy S24 128GB\"}" },
	{ "precio del iphone 14", "info_producto", "{\"marca\": \"Apple\", \"producto\": \"Apple iPhone 14 128GB\"}" },
	{ "tell me about the jbl go 3", "info_producto", "{\"marca\": \"JBL\", \"producto\": \"JBL Go 3 Parlante Bluetooth\"}" },
	{ "is the nintendo switch lite in stock?", "info_producto", "{\"marca\": \"Nintendo\", \"producto\": \"Nintendo Switch Lite\"}" },
	{ "specs of the macbook air m2", "info_producto", "{\"marca\": \"Apple\", \"producto\": \"Apple MacBook Air 13 M2 8GB 256GB\"}" },
	{ "dirección de la oficina de villa maría", "consultar_oficina", "{\"municipio\": \"Villa María\"}" },
	{ "a qué hora abre la oficina de cosquín?", "consultar_oficina", "{\"municipio\": \"Cosquín\"}" },
	{ "whatsapp de la oficina de alta gracia", "consultar_oficina", "{\"municipio\": \"Alta Gracia\"}" },
	{ "what are the opening hours in jesus maria?", "consultar_oficina", "{\"municipio\": \"Jesús María\"}" },
	{ "telefono de atencion en rio tercero", "consultar_oficina", "{\"municipio\": \"Río Tercero\"}" },
	{ "oficina de cordoba capital", "consultar_oficina", "{\"municipio\": \"Córdoba\"}" },
	{ "vivo en playas de oro, donde queda mi oficina?", "consultar_oficina", "{\"municipio\": \"Villa Carlos Paz\"}" },
	{ "dónde queda la oficina en san franciso", "consultar_oficina", "{\"municipio\": \"San Francisco\"}" },
	{ "cuál es la capital de Francia?", "general", "{}" },
	{ "tradúceme esto al inglés: buenos días", "general", "{}" },
	{ "muchas gracias!", "general", "{}" },
	{ "what is a black hole?", "general", "{}" },
	{ "write a python function to sort a list", "general", "{}" },
	{ "hasta luego", "general", "{}" },
	{ "me cuentas un chiste?", "general", "{}" },
	{ "wenas", "saludo", "{}" },
	{ "hello there!", "saludo", "{}" },
	{ "holis, todo bien?", "saludo", "{}" },
	{ "hey hey", "saludo", "{}" },
	{ "que podes hacer por mi?", "ayuda", "{}" },
	{ "no se como usar esto, ayuda", "ayuda", "{}" },
	{ "what do you do?", "ayuda", "{}" },
	{ "ando buscando una compu gamer", "buscar_producto", "{\"categoria\": \"notebooks\", \"caracteristicas\": [\"gamer\"]}" },
	{ "tenes celus xiaomi?", "buscar_producto", "{\"marca\": \"Xiaomi\", \"categoria\": \"celulares\"}" },
	{ "heladeras no frost de mas de 500 lucas", "buscar_producto", "{\"categoria\": \"refrigeradores\", \"caracteristicas\": [\"no frost\"], \"rango_precio\": {\"min\": 500000, \"max\": null}}" },
	{ "smartwatch garmin", "buscar_producto", "{\"marca\": \"Garmin\", \"categoria\": \"smartwatches\"}" },
	{ "i need a black backpack for hiking", "buscar_producto", "{\"categoria\": \"camping\", \"caracteristicas\": [\"negro\"]}" },
	{ "any cheap printers?", "buscar_producto", "{\"categoria\": \"impresoras\"}" },
	{ "perfumes de hombre bajo 100 mil", "buscar_producto", "{\"categoria\": \"perfumes\", \"caracteristicas\": [\"hombre\"], \"rango_precio\": {\"min\": null, \"max\": 100000}}" },
	{ "buscame un samsumg galaxi barato", "buscar_producto", "{\"marca\": \"Samsung\"}" },
	{ "muestrame los televisores de 65", "buscar_producto", "{\"categoria\": \"televisores\", \"caracteristicas\": [\"65 pulgadas\"]}" },
	{ "que celular me recomiendan bajo 200 mil?", "recomendar_categoria", "{\"categoria\": \"celulares\", \"rango_precio\": {\"min\": null, \"max\": 200000}}" },
	{ "vale la pena la freidora de aire philips?", "recomendar_categoria", "{\"marca\": \"Philips\", \"categoria\": \"freidoras-de-aire\"}" },
	{ "best running shoes?", "recomendar_categoria", "{\"categoria\": \"running\"}" },
	{ "need a recommendation for a gaming monitor", "recomendar_categoria", "{\"categoria\": \"monitores\", \"caracteristicas\": [\"gamer\"]}" },
	{ "cuál me conviene, el iphone 15 o el galaxy s24?", "comparar_precios", "{\"marca\": [\"Apple\", \"Samsung\"], \"producto\": [\"Apple iPhone 15 128GB\", \"Samsung Galaxy S24 128GB\"]}" },
	{ "diferencia de precio entre la switch lite y la switch oled", "comparar_precios", "{\"marca\": \"Nintendo\", \"producto\": [\"Nintendo Switch Lite\", \"Nintendo Switch OLED\"]}" },
	{ "xiaomi vs samsung celulares", "comparar_precios", "{\"marca\": [\"Xiaomi\", \"Samsung\"], \"categoria\": \"celulares\"}" },
	{ "el redmi 13c es mas barato que el moto e14?", "comparar_precios", "{\"marca\": [\"Xiaomi\", \"Motorola\"], \"producto\": [\"Xiaomi Redmi 13C 128GB\", \"Motorola Moto E14 64GB\"]}" },
	{ "cuanto sale el xiaomi redmi note 13 pro", "info_producto", "{\"marca\": \"Xiaomi\", \"producto\": \"Xiaomi Redmi Note 13 Pro 256GB\"}" },
	{ "que caracteristicas tiene el galaxy z flip6?", "info_producto", "{\"marca\": \"Samsung\", \"producto\": \"Samsung Galaxy Z Flip6 256GB\"}" },
	{ "hay stock del lenovo legion 5?", "info_producto", "{\"marca\": \"Lenovo\", \"producto\": \"Lenovo Legion 5 Ryzen 7 RTX 4060 16GB 1TB\"}" },
	{ "price of the apple watch series 9?", "info_producto", "{\"marca\": \"Apple\", \"producto\": \"Apple Watch Series 9 45mm GPS\"}" },
	{ "horarios de la muni de la falda", "consultar_oficina", "{\"municipio\": \"La Falda\"}" },
	{ "necesito hacer un tramite en villa allende", "consultar_oficina", "{\"municipio\": \"Villa Allende\"}" },
	{ "office in cosquin?", "consultar_oficina", "{\"municipio\": \"Cosquín\"}" },
	{ "correo electronico de la oficina de bell ville", "consultar_oficina", "{\"municipio\": \"Bell Ville\"}" },
	{ "telefono oficina san fransisco", "consultar_oficina", "{\"municipio\": \"San Francisco\"}" },
	{ "como llego a la oficina de rio cuarto", "consultar_oficina", "{\"municipio\": \"Río Cuarto\"}" },
	{ "quien eres?", "general", "{}" },
	{ "dame una receta de pan", "general", "{}" },
	{ "explicame que es un celular", "general", "{}" },
	{ "cuanto es 2 + 2", "general", "{}" },
	{ "adios!", "general", "{}" },
	{ "recommend a good restaurant", "general", "{}" },
};

static void understand(struct arena *a, const char *text, struct nlu_result *r)
{
	struct nlu_vocab v;
	assert_int_equal(nlu_vocab_load(fixture.db, a, &v), 0);
	nlu_analyze(a, &v, text, r);
}

static void test_examples(void **state)
{
	(void)state;
	int wrong = 0;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		struct arena a;
		arena_init(&a);
		struct nlu_result r;
		understand(&a, e->text, &r);
		json_t *got = nlu_entities_json(&r.e), *want = json_loads(e->entities, 0, NULL);
		assert_non_null(want);
		if (strcmp(nlu_intent_name(r.intent), e->intent) != 0 || !json_equal(got, want)) {
			char *g = json_dumps(got, JSON_COMPACT);
			print_message("\"%s\": %s %s, want %s %s\n", e->text, nlu_intent_name(r.intent), g,
				      e->intent, e->entities);
			free(g);
			wrong++;
		}
		json_decref(got);
		json_decref(want);
		arena_free(&a);
	}
	assert_int_equal(wrong, 0);
}

static void test_confidence(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"hola", "busco celulares", "asdf qwer", "compara el iphone 15 con el galaxy s24",
		"", "¿?", "hola, busco una tele", "horario",
	};
	struct arena a;
	arena_init(&a);
	struct nlu_result r;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		understand(&a, texts[i], &r);
		assert_true(r.confidence >= 0.0 && r.confidence <= 1.0);
	}
	understand(&a, "compara el iphone 15 con el galaxy s24", &r);
	double clear = r.confidence;
	understand(&a, "asdf qwer", &r);
	assert_int_equal(r.intent, NLU_GENERAL);
	understand(&a, "horario", &r); /* an office word and nothing else: unsure */
	assert_true(r.confidence < clear);
	understand(&a, "hola, busco una tele", &r);
	assert_int_equal(r.intent, NLU_BUSCAR_PRODUCTO);
	assert_string_equal(r.e.category, "televisores");
	arena_free(&a);
}

/* No intent is picked at confidence 0: a tie is general (it once answered
 * "hola **negrita** y `codigo`" from the greeting template at 0 %). And a
 * greeting with more in it is not a greeting. */
static void test_never_at_zero(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"hola **negrita** y `codigo`", "hola mundo", "hola", "horario", "buenas noches", "asdf qwer",
		"qué cosas te puedo preguntar", "ayuda con mi tarea de matemáticas", "hey, how's it going?",
	};
	struct arena a;
	arena_init(&a);
	struct nlu_result r;
	double tie[NLU_INTENTS] = { [NLU_SALUDO] = 2, [NLU_GENERAL] = 2 };
	nlu_intent_decide(tie, &r.intent, &r.confidence);
	assert_int_equal(r.intent, NLU_GENERAL);
	double specific_tie[NLU_INTENTS] = { [NLU_BUSCAR_PRODUCTO] = 3, [NLU_INFO_PRODUCTO] = 3, [NLU_GENERAL] = 1 };
	nlu_intent_decide(specific_tie, &r.intent, &r.confidence);
	assert_int_equal(r.intent, NLU_GENERAL);
	assert_true(r.confidence == 0);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		understand(&a, texts[i], &r);
		assert_true(r.intent == NLU_GENERAL || r.confidence > 0);
	}
	understand(&a, "hola mundo", &r);
	assert_int_equal(r.intent, NLU_GENERAL);
	assert_false(r.only_social);
	understand(&a, "hola **negrita** y `codigo`", &r);
	assert_int_equal(r.intent, NLU_GENERAL);
	understand(&a, "buenas noches", &r);
	assert_int_equal(r.intent, NLU_SALUDO);
	assert_true(r.only_social);
	arena_free(&a);
}

static void test_long_and_odd_input(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct nlu_result r;
	char big[20000];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = "busco celular samsung 5g hasta 300 lucas "[i % 41];
	big[sizeof(big) - 1] = '\0';
	understand(&a, big, &r);
	assert_int_equal(r.intent, NLU_BUSCAR_PRODUCTO);
	understand(&a, "\xff\xfe\x80 \xc3", &r);
	assert_int_equal(r.intent, NLU_GENERAL);
	understand(&a, "$$$ 0 0 0 k k mil mil palos", &r);
	assert_true(r.confidence >= 0.0 && r.confidence <= 1.0);
	arena_free(&a);
}

/* The catalog's free-text search retries with this. */
static void test_spell_text(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "Samsumg GALAXI", "samsung galaxy" }, { "notebok", "notebook" },
		{ "audífonos inalambrikos", "audifonos inalambricos" }, { "iphone 15", "iphone 15" },
		{ "", "" }, { "¿?", "" }, { "zzqxw", "zzqxw" },
	};
	struct arena a;
	arena_init(&a);
	struct nlu_vocab v;
	assert_int_equal(nlu_vocab_load(fixture.db, &a, &v), 0);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		assert_string_equal(nlu_spell_text(&a, &v, pairs[i][0]), pairs[i][1]);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_never_at_zero),
		cmocka_unit_test(test_long_and_odd_input),
		cmocka_unit_test(test_spell_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
