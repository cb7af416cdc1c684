/* nlu_lexicon: the NLU's fixed word lists (see nlu_lexicon.h). A phrase is
 * folded words separated by single spaces; a word ending in '*' matches
 * any word that starts with it (recomend* = recomienda? no: recomendame,
 * recomendas, recomendacion...). Weights are evidence, not probabilities:
 * a strong, unambiguous cue is 3 to 4, a hint 1 or less. */
#include "assistant/nlu_lexicon.h"

#include <string.h>

#define S NLU_SALUDO
#define A NLU_AYUDA
#define B NLU_BUSCAR_PRODUCTO
#define R NLU_RECOMENDAR_CATEGORIA
#define C NLU_COMPARAR_PRECIOS
#define I NLU_INFO_PRODUCTO
#define O NLU_CONSULTAR_OFICINA
#define G NLU_GENERAL

const struct nlu_cue nlu_cues[] = {
	/* greetings */
	{ "hola", S, 3 }, { "holi", S, 3 }, { "holis", S, 3 }, { "wena", S, 3 }, { "alo", S, 2 },
	{ "buenas", S, 3 }, { "buen dia", S, 3 }, { "buenos dias", S, 3 }, { "buenas tardes", S, 3 },
	{ "buenas noches", S, 3 }, { "saludos", S, 3 }, { "que tal", S, 2 }, { "que onda", S, 2 },
	{ "como va", S, 1.5 }, { "como estas", S, 2 }, { "como andas", S, 2 }, { "todo bien", S, 1.5 },
	{ "alguien ahi", S, 1.5 }, { "hi", S, 3 }, { "hello", S, 3 }, { "hey", S, 3 }, { "hiya", S, 3 },
	{ "howdy", S, 3 }, { "good morning", S, 3 }, { "good afternoon", S, 3 },
	{ "good evening", S, 3 }, { "how are you", S, 2 }, { "whats up", S, 2 },
	{ "anybody home", S, 2 }, { "anyone there", S, 2 },

	/* what the assistant can do */
	{ "ayuda", A, 3.5 }, { "ayudame", A, 3.5 }, { "ayudas", A, 2.5 }, { "ayudar", A, 2 },
	{ "help", A, 3.5 }, { "puedes hacer", A, 3 }, { "podes hacer", A, 3 }, { "sabes hacer", A, 3 },
	{ "que haces", A, 2.5 }, { "como funciona", A, 3 }, { "como funcionas", A, 3 },
	{ "como se usa", A, 3 }, { "como te uso", A, 3 }, { "como usar", A, 2.5 },
	{ "como uso", A, 2.5 }, { "puedo usar", A, 2.5 }, { "usarte", A, 3 }, { "usar esto", A, 2.5 }, { "puedo preguntar", A, 3 }, { "te puedo preguntar", A, 3 },
	{ "tipo de consultas", A, 3 }, { "que consultas", A, 2.5 }, { "tus funciones", A, 3 },
	{ "funciones", A, 1.5 }, { "opciones", A, 2.5 }, { "menu", A, 3 }, { "comandos", A, 3 },
	{ "instrucciones", A, 2.5 }, { "no entiendo", A, 2 }, { "por donde empezar", A, 3 },
	{ "por donde empiezo", A, 3 }, { "me explicas", A, 1.5 }, { "what can you do", A, 3.5 },
	{ "can you do", A, 1.5 }, { "how does this work", A, 3.5 }, { "how does it work", A, 3 },
	{ "how do i use", A, 3 }, { "how to use", A, 3 }, { "using this", A, 2 },
	{ "able to help", A, 3 }, { "what kind of questions", A, 3 }, { "can i ask", A, 2.5 },
	{ "features do you have", A, 3 }, { "what do you do", A, 3 }, { "capabilities", A, 3 },
	{ "commands", A, 3 }, { "para que sirve", A, 3 }, { "para que sirves", A, 3 },
	{ "this assistant", A, 2.5 }, { "este asistente", A, 2.5 }, { "what is this", A, 2 },
	{ "que es esto", A, 2 }, { "como lo hago", A, 2.5 }, { "se puede", A, 1 },

	/* show me products */
	{ "busc*", B, 3 }, { "tienen", B, 2 }, { "tienes", B, 2 }, { "tenes", B, 2 }, { "hay", B, 1.2 },
	{ "venden", B, 2.5 }, { "vendes", B, 2.5 }, { "muestr*", B, 2.5 }, { "mostr*", B, 2.5 },
	{ "quiero ver", B, 2.5 }, { "quiero", B, 1 }, { "quisiera", B, 1 }, { "necesito", B, 1 },
	{ "comprar", B, 1.2 }, { "algun", B, 1 }, { "alguna", B, 1 }, { "catalogo", B, 1.5 },
	{ "looking for", B, 3 }, { "look for", B, 2.5 }, { "search", B, 3 }, { "find", B, 2 },
	{ "do you have", B, 2.5 }, { "got any", B, 2.5 }, { "do you sell", B, 3 }, { "show me", B, 3 },
	{ "i want", B, 1 }, { "i need", B, 1 }, { "need", B, 0.8 }, { "any", B, 1 },

	/* advice: which one is best */
	{ "recomend*", R, 4 }, { "recomiend*", R, 4 }, { "recommend*", R, 4 }, { "suger*", R, 4 },
	{ "sugier*", R, 4 }, { "suggest*", R, 4 }, { "aconsej*", R, 4 }, { "consejo", R, 3 },
	{ "advice", R, 3.5 }, { "conviene", R, 3 }, { "convendria", R, 3 }, { "mejor", R, 2.5 },
	{ "best", R, 3 }, { "vale la pena", R, 3.5 }, { "worth it", R, 3.5 }, { "worth", R, 1.5 },
	{ "should i get", R, 3.5 }, { "should i buy", R, 3.5 }, { "a good", R, 2.3 }, { "good", R, 0.8 },
	{ "bueno", R, 0.8 }, { "cual me llevo", R, 3 }, { "que compro", R, 2 }, { "ideal", R, 1.5 },
	{ "regal*", R, 1 },

	/* price comparison (counts only with two items or more) */
	{ "compar*", C, 4 }, { "vs", C, 3.5 }, { "versus", C, 3.5 }, { "diferencia", C, 2.5 },
	{ "difference", C, 2.5 }, { "mas barato", C, 2 }, { "mas caro", C, 2 }, { "cheaper", C, 2.5 },
	{ "cheapest", C, 1.5 }, { "more expensive", C, 2.5 }, { "cuesta menos", C, 2 },
	{ "costs less", C, 2.5 }, { "cuanto mas", C, 2 }, { "how much more", C, 2.5 },
	{ "o el", C, 1 }, { "o la", C, 1 }, { "o los", C, 1 }, { "or the", C, 1 }, { "en precio", C, 1.5 },
	{ "sale mas", C, 2 }, { "which is", C, 1 }, { "which one", C, 1.5 }, { "cual es mas", C, 1.5 },

	/* about one product */
	{ "cuanto cuesta", I, 3 }, { "cuanto vale", I, 3 }, { "cuanto sale", I, 3 },
	{ "cuanto esta", I, 3 }, { "precio", I, 2 }, { "stock", I, 2.5 }, { "agotado", I, 3 },
	{ "disponible", I, 1.5 }, { "available", I, 2 }, { "in stock", I, 1 }, { "detall*", I, 3 },
	{ "caracteristicas", I, 2.5 }, { "especificacion*", I, 3 }, { "specs", I, 3 },
	{ "ficha", I, 2 }, { "info", I, 2 }, { "informacion", I, 2 }, { "details", I, 3 },
	{ "tell me about", I, 3 }, { "how much is", I, 3 }, { "how much does", I, 3 },
	{ "how much", I, 1.5 }, { "price of", I, 2.5 }, { "price for", I, 2.5 }, { "the price", I, 1.5 },
	{ "cost", I, 1.5 }, { "tiene", I, 1 }, { "trae", I, 1.5 }, { "viene", I, 1.5 },
	{ "colores", I, 2 }, { "colors", I, 2 }, { "come in", I, 2 }, { "does the", I, 1.5 },
	{ "is the", I, 1.5 }, { "how many", I, 1.5 }, { "garantia", I, 1.5 }, { "warranty", I, 1.5 },

	/* the citizen-service offices */
	{ "oficina", O, 4 }, { "ofi", O, 3 }, { "office", O, 4 }, { "atencion ciudadana", O, 3 },
	{ "citizen service", O, 3 }, { "horario", O, 3.5 }, { "hora", O, 1 }, { "abren", O, 2.5 },
	{ "abre", O, 2.5 }, { "cierra", O, 2.5 }, { "cierran", O, 2.5 }, { "atienden", O, 3 },
	{ "atencion", O, 1.5 }, { "open", O, 1.5 }, { "opening hours", O, 3 }, { "hours", O, 3 },
	{ "telefono", O, 1.5 }, { "tel", O, 2.5 }, { "phone number", O, 2 }, { "numero", O, 1 },
	{ "whatsapp", O, 3.5 }, { "mail", O, 3 }, { "email", O, 3 }, { "correo", O, 3 },
	{ "contacto", O, 3 }, { "contact", O, 3 }, { "direccion", O, 3 }, { "address", O, 3.5 },
	{ "donde queda", O, 3 }, { "donde esta", O, 2 }, { "where is", O, 1.5 }, { "wheres", O, 1.5 },
	{ "tramite", O, 2.5 }, { "municipalidad", O, 3 }, { "municipio", O, 2.5 }, { "sede", O, 2 },
	{ "vivo en", O, 1.5 }, { "i live in", O, 1.5 }, { "mas cercana", O, 1 },

	/* anything else: the assistant is asked for general knowledge or chat */
	{ "gracias", G, 3 }, { "thanks", G, 3 }, { "thank you", G, 3 }, { "chao", G, 3 },
	{ "chau", G, 3 }, { "adios", G, 3 }, { "bye", G, 3 }, { "nos vemos", G, 3 },
	{ "hasta luego", G, 3 }, { "poema", G, 3 }, { "poem", G, 3 }, { "haiku", G, 3 },
	{ "chiste", G, 3 }, { "joke", G, 3 }, { "explica*", G, 1.5 }, { "explain*", G, 2 },
	{ "escrib*", G, 2 }, { "write", G, 2 }, { "resum*", G, 2.5 }, { "summar*", G, 2.5 },
	{ "traduc*", G, 3 }, { "translate", G, 3 }, { "python", G, 2.5 }, { "javascript", G, 2.5 },
	{ "codigo", G, 2 }, { "code", G, 2 }, { "debug", G, 3 }, { "error", G, 1 }, { "puntero", G, 2 },
	{ "linked list", G, 2 }, { "recursion", G, 2 }, { "clima", G, 2.5 }, { "weather", G, 3 },
	{ "llover", G, 3 }, { "receta", G, 2.5 }, { "recipe", G, 2.5 }, { "pelicula", G, 3 },
	{ "movie", G, 3 }, { "film", G, 3 }, { "libro", G, 3 }, { "book", G, 3 }, { "cancion", G, 2.5 },
	{ "song", G, 2.5 }, { "historia", G, 1.5 }, { "history", G, 1.5 }, { "que es", G, 1 },
	{ "what is", G, 1 }, { "who", G, 1.5 }, { "quien", G, 1.5 }, { "que hora es", G, 3 },
	{ "what time is it", G, 3 }, { "opinas", G, 2 }, { "opinion", G, 2 }, { "bot", G, 1.5 },
	{ "ideas", G, 1.5 }, { "cuanto es", G, 1.5 }, { "meaning of", G, 2 }, { "ahorros", G, 2 },
	{ "invierto", G, 2 }, { "mundial", G, 2 }, { "plot", G, 2 },
};
const size_t nlu_ncues = sizeof(nlu_cues) / sizeof(nlu_cues[0]);

const struct nlu_pair nlu_feature_aliases[] = {
	{ "wireless", "inalambrico" }, { "waterproof", "resistente al agua" },
	{ "water resistant", "resistente al agua" }, { "a prueba de agua", "resistente al agua" },
	{ "sumergible", "resistente al agua" }, { "noise cancelling", "cancelacion de ruido" },
	{ "noise canceling", "cancelacion de ruido" }, { "noise cancellation", "cancelacion de ruido" },
	{ "anc", "cancelacion de ruido" }, { "gaming", "gamer" }, { "mountain bike", "mtb" },
	{ "disc brakes", "frenos de disco" }, { "dog", "perro" }, { "dogs", "perro" }, { "cat", "gato" },
	{ "men", "hombre" }, { "man", "hombre" }, { "mens", "hombre" }, { "women", "mujer" },
	{ "woman", "mujer" }, { "womens", "mujer" }, { "black", "negro" }, { "white", "blanco" },
	{ "blue", "azul" }, { "red", "rojo" }, { "gray", "gris" }, { "grey", "gris" },
	{ "silver", "plateado" }, { "green", "verde" }, { "pink", "rosado" }, { "rosa", "rosado" },
	{ "purple", "morado" }, { "yellow", "amarillo" }, { "gold", "dorado" }, { "light blue", "celeste" },
	{ "bluetooth", "bluetooth" }, { "wi fi", "wifi" }, { "frost free", "no frost" },
	{ "4 k", "4k" }, { "5 g", "5g" }, { "usb c", "usb c" }, { "foldable", "plegable" },
	{ "rechargeable", "recargable" }, { "portable", "portatil" }, { "stainless steel", "acero inoxidable" },
	{ "leather", "cuero" }, { "cotton", "algodon" }, { "hooded", "capucha" }, { "hood", "capucha" },
};
const size_t nlu_nfeature_aliases = sizeof(nlu_feature_aliases) / sizeof(nlu_feature_aliases[0]);

const struct nlu_pair nlu_unit_aliases[] = {
	{ "kilos", "kg" }, { "kilo", "kg" }, { "kgs", "kg" }, { "kilogramos", "kg" },
	{ "pulgadas", "pulgadas" }, { "pulgada", "pulgadas" }, { "inch", "pulgadas" },
	{ "inches", "pulgadas" }, { "size", "talla" }, { "numero", "talla" },
	{ "litros", "litros" }, { "litro", "litros" }, { "lts", "litros" }, { "lt", "litros" },
	{ "liters", "litros" }, { "litres", "litros" }, { "l", "litros" }, { "mililitros", "ml" },
	{ "plaza", "plazas" }, { "years", "anos" }, { "year", "anos" }, { "ano", "anos" },
	{ "gigas", "gb" }, { "giga", "gb" },
};
const size_t nlu_nunit_aliases = sizeof(nlu_unit_aliases) / sizeof(nlu_unit_aliases[0]);

const struct nlu_pair nlu_rewrites[] = {
	{ "q", "que" }, { "k", "que" }, { "xq", "porque" }, { "pq", "porque" }, { "u", "you" },
	{ "ur", "your" }, { "pls", "please" }, { "plz", "please" }, { "wat", "what" }, { "whats", "what is" },
	{ "dnd", "donde" }, { "pa", "para" }, { "po", "" }, { "cachai", "" }, { "porfa", "por favor" },
	{ "tb", "tambien" }, { "tmb", "tambien" }, { "xfa", "por favor" }, { "im", "i am" },
	{ "sta", "santa" }, { "sto", "santo" }, { "gral", "general" }, { "pto", "puerto" },
	{ "play", "playstation" }, { "ps5", "playstation 5" }, { "ps4", "playstation 4" },
	{ "cel", "celular" }, { "celu", "celular" },
};
const size_t nlu_nrewrites = sizeof(nlu_rewrites) / sizeof(nlu_rewrites[0]);

/* Everyday words that must not be "corrected" into a catalog word that is
 * one letter away (plata is not plaza, good is not a product). */
const char *const nlu_common_words[] = {
	"ando", "andas", "anda", "andan", "plata", "dinero", "producto", "productos", "puede",
	"pueden", "puedo", "podemos", "asistente", "assistant", "explain", "sirve", "hacer",
	"hago", "aca", "alla", "cosas", "preguntas", "question", "questions", "answer", "casa", "depto", "familia", "hijo", "hija", "hijos", "novia", "novio",
	"mama", "papa", "vieja", "viejo", "amigo", "amiga", "trabajo", "trabajar", "estudiar",
	"estudio", "universidad", "colegio", "nino", "nina", "ninos", "ninas", "dia", "noche",
	"semana", "mes", "tiempo", "mundo", "vida", "gente", "persona", "despues", "antes", "mucho",
	"mucha", "poco", "poca", "mal", "grande", "chico", "chica", "nuevo", "nueva", "rapido",
	"lento", "malo", "peor", "igual", "cosa", "cosas", "nada", "parte", "lugar", "ciudad", "pais",
	"provincia", "calle", "empezar", "usar", "uso", "salir", "pedalear", "correr", "ver",
	"futbol", "espalda", "harto", "chiquito", "pedir", "vacaciones", "formal", "ideas",
	"cumpleanos", "ahorros", "llover", "manana", "tarde", "temprano", "siempre", "nunca",
	"persona", "bot", "plantas", "luz", "energia", "proceso", "texto", "mar", "sol", "agua",
	"perro", "gato", "regalo", "regalar", "regalarle", "quiet", "everyday", "college", "kids",
	"kid", "family", "home", "money", "right", "now", "time", "day", "thing", "things", "way",
	"people", "work", "good", "bad", "new", "old", "big", "small", "great", "nice", "use",
	"using", "able", "kind", "able", "life", "meaning", "plot", "text", "error", "function",
	"list", "linked", "reverse", "virus", "bacterium", "coffee", "weather", "inception",
	"history", "haiku", "about", "like", "sure", "okay", "ok", "yes", "no", "si", "tambien",
	"chat", "app", "web", "pagina", "hole", "hold", "hall", "hell", "sale", "gol", "hora",
	"disc", "drive", "normal", "digital", "city", "capital", "cercana", "cerca", "lejos",
	"abierto", "abierta", "sabado", "sabados", "domingo", "saturday", "saturdays", "sunday",
};
const size_t nlu_ncommon_words = sizeof(nlu_common_words) / sizeof(nlu_common_words[0]);

int nlu_lexicon_is_filler(const char *w, size_t n)
{
	static const char *const fillers[] = { "de", "del", "of", "the", "con", "with", "en" };
	for (size_t i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++)
		if (strlen(fillers[i]) == n && memcmp(fillers[i], w, n) == 0)
			return 1;
	return 0;
}

const char *nlu_lexicon_unit(const char *w, size_t n)
{
	if (n == 0 || n > 11 || !strchr("agiklmnpsy", w[0]))
		return NULL;
	for (size_t i = 0; i < nlu_nunit_aliases; i++) {
		const char *f = nlu_unit_aliases[i].from;
		if (f[0] == w[0] && strlen(f) == n && memcmp(f, w, n) == 0)
			return nlu_unit_aliases[i].to;
	}
	return NULL;
}

void nlu_lexicon_mark_units(struct text_toks *t)
{
	for (int i = 0; i < t->n; i++)
		t->v[i].canon = t->v[i].num ? NULL : nlu_lexicon_unit(t->v[i].s, t->v[i].len);
}
