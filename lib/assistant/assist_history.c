/* assist_history: intent and cards of past replies from the NLU log (see
 * assist_history.h). One query reads the conversation's log rows, one the
 * products and offices they name; the cards are built by the same
 * functions as the chat's, so both carry the same shape. Rows deleted
 * from the catalog since then are left out; the others show as they are
 * now. */
#include "assistant/assist_history.h"
#include "core/arena.h"
#include "data/catalog.h"
#include "core/db.h"
#include "data/directory.h"

/* Both lists of cards in one statement: products (kind 0) and offices
 * (kind 1) share the columns, a product using the first five. */
#define CARDS_SQL \
	"WITH logs AS (SELECT l.product_ids, l.office_ids FROM messages m" \
	"  JOIN nlu_log l ON l.message_id = m.id WHERE m.conversation_id = ?1)," \
	" pids AS (SELECT DISTINCT j.value AS id FROM logs, json_each(logs.product_ids) j)," \
	" oids AS (SELECT DISTINCT j.value AS id FROM logs, json_each(logs.office_ids) j)" \
	" SELECT 0, p.id, p.name, p.brand, c.name, p.price, p.stock, '', '', '', ''" \
	" FROM pids JOIN products p ON p.id = pids.id JOIN categories c ON c.id = p.category_id" \
	" UNION ALL" \
	" SELECT 1, o.id, o.municipio, o.localidades, o.cabecera, o.dependencia, o.direccion," \
	"  o.telefono, o.whatsapp, o.horario, o.email FROM oids JOIN offices o ON o.id = oids.id"

#define LOGS_SQL \
	"SELECT l.message_id, l.intent, l.confidence, l.entities, l.product_ids, l.office_ids" \
	" FROM messages m JOIN nlu_log l ON l.message_id = m.id" \
	" WHERE m.conversation_id = ?1 AND m.role = 'assistant' ORDER BY l.id"

static const char *key_of(struct arena *a, char kind, json_int_t id)
{
	return arena_printf(a, "%c%lld", kind, (long long)id);
}

static json_t *product_card(struct arena *a, sqlite3_stmt *st)
{
	struct catalog_product p = {
		.id = sqlite3_column_int64(st, 1), .name = db_col_text(a, st, 2),
		.brand = db_col_text(a, st, 3), .category = db_col_text(a, st, 4),
		.price = sqlite3_column_int64(st, 5), .stock = sqlite3_column_int64(st, 6),
	};
	return catalog_product_json(&p, false);
}

static json_t *office_card(struct arena *a, sqlite3_stmt *st)
{
	struct directory_office o = {
		.id = sqlite3_column_int64(st, 1), .municipio = db_col_text(a, st, 2),
		.localidades = db_col_text(a, st, 3), .cabecera = db_col_text(a, st, 4),
		.dependencia = db_col_text(a, st, 5), .direccion = db_col_text(a, st, 6),
		.telefono = db_col_text(a, st, 7), .whatsapp = db_col_text(a, st, 8),
		.horario = db_col_text(a, st, 9), .email = db_col_text(a, st, 10),
	};
	return directory_office_json(&o, false);
}

/* Every card the conversation's log names, keyed "p<id>" or "o<id>". */
static json_t *cards_by_key(struct db *db, struct arena *a, int64_t conversation_id)
{
	sqlite3_stmt *st = db_query(db, CARDS_SQL, "I", conversation_id);
	if (!st)
		return NULL;
	json_t *cards = json_object();
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		bool office = sqlite3_column_int(st, 0) == 1;
		json_t *card = office ? office_card(a, st) : product_card(a, st);
		if (card)
			json_object_set_new(cards, key_of(a, office ? 'o' : 'p', sqlite3_column_int64(st, 1)),
					    card);
	}
	sqlite3_reset(st);
	if (rc < 0) {
		json_decref(cards);
		return NULL;
	}
	return cards;
}

/* The cards of one list of ids (a JSON array text), in its order. */
static json_t *cards_of(struct arena *a, json_t *cards, char kind, const char *ids_text)
{
	json_t *out = json_array(), *ids = json_loads(ids_text ? ids_text : "[]", 0, NULL), *id;
	size_t i;
	json_array_foreach(ids, i, id) {
		json_t *card = json_object_get(cards, key_of(a, kind, json_integer_value(id)));
		if (card)
			json_array_append(out, card);
	}
	json_decref(ids);
	return out;
}

/* {"intent": {...}, "context": {...}} of one log row. */
static json_t *understood(struct arena *a, sqlite3_stmt *st, json_t *cards)
{
	json_t *entities = json_loads(db_col_text(a, st, 3), 0, NULL);
	json_t *intent = json_pack("{s:s,s:f,s:o}", "name", db_col_text(a, st, 1),
				   "confidence", sqlite3_column_double(st, 2),
				   "entities", entities ? entities : json_object());
	json_t *context = json_pack("{s:o,s:o}",
				    "products", cards_of(a, cards, 'p', db_col_text(a, st, 4)),
				    "offices", cards_of(a, cards, 'o', db_col_text(a, st, 5)));
	return json_pack("{s:o,s:o}", "intent", intent, "context", context);
}

/* Per assistant message id (as a key), what was understood; a later log
 * row of the same message wins. */
static json_t *understood_by_message(struct db *db, struct arena *a, int64_t conversation_id,
				     json_t *cards)
{
	sqlite3_stmt *st = db_query(db, LOGS_SQL, "I", conversation_id);
	if (!st)
		return NULL;
	json_t *out = json_object();
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		json_t *u = understood(a, st, cards);
		if (u)
			json_object_set_new(out, key_of(a, 'm', sqlite3_column_int64(st, 0)), u);
	}
	sqlite3_reset(st);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int assist_history_attach(struct db *db, struct arena *a, int64_t conversation_id, json_t *messages)
{
	json_t *cards = cards_by_key(db, a, conversation_id);
	json_t *logs = cards ? understood_by_message(db, a, conversation_id, cards) : NULL;
	json_decref(cards);
	if (!logs)
		return -1;
	json_t *m;
	size_t i;
	json_array_foreach(messages, i, m) {
		json_t *u = json_object_get(logs, key_of(a, 'm', json_integer_value(json_object_get(m, "id"))));
		if (!u)
			continue;
		json_object_set(m, "intent", json_object_get(u, "intent"));
		json_object_set(m, "context", json_object_get(u, "context"));
	}
	json_decref(logs);
	return 0;
}
