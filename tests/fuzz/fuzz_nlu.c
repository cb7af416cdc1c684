/* libFuzzer target: the whole understanding of a message (folding,
 * spelling, prices, entities, intents) on arbitrary bytes, against the
 * seed vocabulary loaded once into an in-memory database. The confidence
 * must stay in [0, 1] and the entities must serialise. Run from the
 * repository root: sh tests/fuzz/build.sh && build-fuzz/fuzz_nlu */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/db.h"
#include "data/importer.h"
#include "assistant/nlu.h"
#include "assistant/nlu_vocab.h"

static struct db *db;
static struct arena vocab_arena;
static struct nlu_vocab vocab;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const struct { const char *file; enum importer_kind kind; } seed[] = {
		{ "db/seed/categories.csv", IMPORTER_CATEGORIES },
		{ "db/seed/products.csv", IMPORTER_PRODUCTS },
		{ "db/seed/offices.csv", IMPORTER_OFFICES },
	};
	db = db_open(":memory:");
	if (!db || db_migrate(db, NULL) < 0)
		abort();
	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
		struct importer_report rep;
		if (importer_file(db, seed[i].file, seed[i].kind, stderr, &rep) != 0)
			abort();
	}
	arena_init(&vocab_arena);
	if (nlu_vocab_load(db, &vocab_arena, &vocab) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0'; /* messages are C strings: a NUL ends them */
	struct arena a;
	arena_init(&a);
	struct nlu_result r;
	nlu_analyze(&a, &vocab, text, &r);
	if (!(r.confidence >= 0.0 && r.confidence <= 1.0) || r.intent < 0 || r.intent >= NLU_INTENTS)
		abort();
	json_t *e = nlu_entities_json(&r.e);
	char *s = json_dumps(e, JSON_COMPACT);
	if (!s)
		abort();
	free(s);
	json_decref(e);
	arena_free(&a);
	free(text);
	return 0;
}
