/* assist: what microchat understands of a message and finds in its own data
 * before (or instead of) asking the model: the vocabulary is read, the
 * message understood (nlu), the intent's rows looked up (lookup), and from
 * them come the cards, the model's context (grounding) and the answers
 * written without the model (answer). */
#define _POSIX_C_SOURCE 200809L
#include "assistant/assist.h"
#include "assistant/answer.h"
#include "core/db.h"
#include "assistant/grounding.h"
#include "assistant/lookup.h"
#include "assistant/nlu.h"
#include "assistant/nlu_vocab.h"
#include "core/req.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static json_t *context_json(const struct lookup *l)
{
	json_t *products = json_array(), *offices = json_array();
	for (int i = 0; i < l->nproducts; i++)
		json_array_append_new(products, catalog_product_json(&l->products[i], false));
	for (int i = 0; i < l->noffices; i++) {
		json_t *o = directory_office_json(&l->offices[i], false);
		json_array_append_new(offices, o);
	}
	return json_pack("{s:o,s:o}", "products", products, "offices", offices);
}

static json_t *intent_json(const struct nlu_result *res)
{
	/* Three decimals are plenty and keep the JSON tidy. */
	double confidence = round(res->confidence * 1000) / 1000;
	return json_pack("{s:s,s:f,s:o}", "name", nlu_intent_name(res->intent), "confidence", confidence,
			 "entities", nlu_entities_json(&res->e));
}

/* The intents the assistant's data can answer: greetings and help only
 * with instant answers, the catalog's and the directory's with those sources. */
static unsigned intents_for(const struct assist_policy *p)
{
	unsigned m = NLU_INTENT_BIT(NLU_GENERAL);
	if (p->instant_answers)
		m |= NLU_INTENT_BIT(NLU_SALUDO) | NLU_INTENT_BIT(NLU_AYUDA);
	if (p->catalog)
		m |= NLU_INTENT_BIT(NLU_BUSCAR_PRODUCTO) | NLU_INTENT_BIT(NLU_RECOMENDAR_CATEGORIA) |
		     NLU_INTENT_BIT(NLU_COMPARAR_PRECIOS) | NLU_INTENT_BIT(NLU_INFO_PRODUCTO);
	if (p->directory)
		m |= NLU_INTENT_BIT(NLU_CONSULTAR_OFICINA);
	return m;
}

/* The answer policy: a template only for a message that is nothing but a
 * greeting or a request for help (and the intents are only candidates with
 * instant answers on); the data's rows ground the model and make the
 * fallback for when no model answers. */
static void answers(struct req *r, const struct nlu_result *res, const struct lookup *l,
		    const struct assist_policy *p, struct assist *a)
{
	struct arena *ar = &r->arena;
	unsigned sources = (p->catalog ? ANSWER_CATALOG : 0) | (p->directory ? ANSWER_DIRECTORY : 0);
	if (res->intent == NLU_SALUDO || res->intent == NLU_AYUDA) {
		const char *text = res->intent == NLU_AYUDA ? answer_help(ar, res->lang, sources)
			: p->greeting && *p->greeting ? arena_strdup(ar, p->greeting)
			: answer_greeting(ar, res->lang, sources);
		a->fallback_answer = text;
		if (res->only_social)
			a->direct_answer = text;
	} else if (res->intent != NLU_GENERAL) {
		a->model_context = grounding_text(ar, res, l, GROUNDING_TOKENS);
		a->fallback_answer = answer_from_rows(ar, res, l);
	}
}

int assist_prepare(struct req *r, struct db *db, const char *message, const struct assist_policy *p,
		   struct assist *a)
{
	int64_t start = now_us();
	memset(a, 0, sizeof(*a));
	a->assistant_id = p->assistant_id;
	if (!p->catalog && !p->directory && !p->instant_answers) {
		/* A plain chat: nothing to understand, everything to the model;
		 * the intent is general, as when nothing stands out. */
		a->intent = json_pack("{s:s,s:f,s:{}}", "name", "general", "confidence", 0.0, "entities");
		a->context = json_pack("{s:[],s:[]}", "products", "offices");
		return 0;
	}
	struct nlu_vocab *v = arena_alloc(&r->arena, sizeof(*v));
	struct lookup *l = arena_alloc(&r->arena, sizeof(*l));
	struct nlu_result res;
	if (nlu_vocab_load(db, &r->arena, v) < 0)
		return -1;
	nlu_analyze_for(&r->arena, v, message, intents_for(p), &res);
	if (lookup_run(db, &r->arena, &res, l) < 0)
		return -1;
	a->understood = true;
	a->intent = intent_json(&res);
	a->context = context_json(l);
	a->lang = res.lang;
	a->found = l->found;
	answers(r, &res, l, p, a);
	a->elapsed_us = now_us() - start;
	return 0;
}

/* The ids of one list of the context, as a JSON array text. */
static char *ids_of(const json_t *context, const char *key)
{
	json_t *ids = json_array(), *item;
	size_t i;
	json_array_foreach(json_object_get(context, key), i, item)
		json_array_append(ids, json_object_get(item, "id"));
	char *s = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	return s;
}

static int insert_log(struct req *r, struct db *db, const struct assist *a, const char *message,
		      long long message_id, const char *products, const char *offices, const char *entities)
{
	json_t *intent = a->intent;
	/* 0 (nobody, no message) is stored as NULL. */
	if (db_exec(db, "INSERT INTO nlu_log(user_id, session_id, message_id, intent, confidence, entities,"
		    " message, product_ids, office_ids, found, elapsed_us, assistant_id)"
		    " VALUES (nullif(?1, 0), nullif(?2, 0), nullif(?3, 0), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, nullif(?12, 0))",
		    "IIIsdssssiII", r->user.id, r->user.session_id, (int64_t)message_id,
		    json_string_value(json_object_get(intent, "name")),
		    json_real_value(json_object_get(intent, "confidence")), entities, message, products,
		    offices, a->found ? 1 : 0, a->elapsed_us, a->assistant_id) < 0)
		return -1;
	int64_t log_id = db_last_id(db);
	json_t *item;
	size_t i;
	json_array_foreach(json_object_get(a->context, "products"), i, item)
		if (db_exec(db, "INSERT OR IGNORE INTO nlu_log_products(log_id, product_id) VALUES (?1, ?2)",
			    "II", log_id, (int64_t)json_integer_value(json_object_get(item, "id"))) < 0)
			return -1;
	return 0;
}

void assist_log(struct req *r, struct db *db, const struct assist *a, const char *message,
		long long message_id)
{
	if (!a->understood)
		return; /* the log holds what the NLU understood, and it did not run */
	char *products = ids_of(a->context, "products"), *offices = ids_of(a->context, "offices");
	char *entities = json_dumps(json_object_get(a->intent, "entities"), JSON_COMPACT);
	/* A short transaction of its own, unless the caller already holds one. */
	bool own = sqlite3_get_autocommit(db_handle(db)) && db_begin(db) == 0;
	int rc = products && offices && entities
		 ? insert_log(r, db, a, message, message_id, products, offices, entities) : -1;
	if (own && (rc < 0 || db_commit(db) < 0))
		db_rollback(db);
	if (rc < 0)
		fprintf(stderr, "microchat %s: the NLU log could not be written\n", r->program);
	free(products);
	free(offices);
	free(entities);
}

void assist_release(struct assist *a)
{
	json_decref(a->intent);
	json_decref(a->context);
	a->intent = a->context = NULL;
}
