/* directory: the office directory (one office per municipality): place
 * names for matching, fuzzy search, one office by id. The directory is a
 * few dozen rows, so names are scored in C after one scan; the FTS index
 * adds offices found by their address or office name. */
#include "data/directory.h"
#include "core/arena.h"
#include "core/db.h"
#include "data/fuzzy.h"
#include "core/text.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define OFFICE_COLS \
	"id, municipio, localidades, cabecera, dependencia, direccion, telefono, whatsapp," \
	" horario, email"
#define FTS_SCORE 0.6
#define CLEAR_MATCH 0.85
#define CLEAR_MARGIN 0.15

int directory_names(struct db *db, struct arena *a, struct directory_names *out)
{
	int64_t count = 0;
	out->v = NULL;
	out->n = 0;
	if (db_int(db, &count, "SELECT (SELECT count(*) FROM offices) + (SELECT count(*) FROM localities)",
		   "") < 0)
		return -1;
	out->v = arena_alloc(a, sizeof(struct directory_name) * (size_t)(count + 1));
	sqlite3_stmt *st = db_query(db,
		"SELECT id, municipio, municipio, 0 FROM offices UNION ALL"
		" SELECT l.office_id, l.name, o.municipio, 1 FROM localities l"
		" JOIN offices o ON o.id = l.office_id", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW && out->n < count) {
		struct directory_name *n = &out->v[out->n++];
		n->office_id = sqlite3_column_int64(st, 0);
		n->name = db_col_text(a, st, 1);
		n->municipio = db_col_text(a, st, 2);
		n->folded = text_fold(a, n->name);
		n->locality = sqlite3_column_int(st, 3) != 0;
	}
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

/* The words of q joined from i, n of them, with or without spaces. */
static const char *join(struct arena *a, const struct text_toks *t, int i, int n, bool spaces)
{
	size_t len = 0;
	for (int k = i; k < i + n; k++)
		len += t->v[k].len + 1;
	char *s = arena_alloc(a, len + 1), *p = s;
	for (int k = i; k < i + n; k++) {
		if (k > i && spaces)
			*p++ = ' ';
		memcpy(p, t->v[k].s, t->v[k].len);
		p += t->v[k].len;
	}
	*p = '\0';
	return s;
}

/* How well word w matches one of the name's words (1 same word, else ratio). */
static double best_word(const struct text_tok *w, const struct text_toks *name)
{
	double best = 0;
	for (int k = 0; k < name->n; k++) {
		const struct text_tok *n = &name->v[k];
		double r = text_same_word(w->s, w->len, n->s, n->len) ? 1.0
			 : fuzzy_ratio_min(w->s, w->len, n->s, n->len, best);
		best = r > best ? r : best;
	}
	return best;
}

/* Every word of q is (nearly) a word of the name: a partial name ("carlos paz"). */
static double containment(const struct text_toks *q, const struct text_toks *name)
{
	size_t qlen = 0, nlen = 0;
	double sum = 0;
	for (int i = 0; i < q->n; i++) {
		double b = best_word(&q->v[i], name);
		if (b < 0.66)
			return 0;
		sum += b;
		qlen += q->v[i].len;
	}
	for (int k = 0; k < name->n; k++)
		nlen += name->v[k].len;
	if (!q->n || !nlen)
		return 0;
	double coverage = (double)qlen / (double)nlen;
	/* A name that starts as the query does ("rio" -> "Río Cuarto") first. */
	double start = text_same_word(q->v[0].s, q->v[0].len, name->v[0].s, name->v[0].len) ? 0.05 : 0;
	return (0.7 + start + 0.2 * (coverage > 1 ? 1 : coverage)) * sum / q->n;
}

double directory_name_score(struct arena *a, const char *q_folded, const char *name_folded)
{
	if (strcmp(q_folded, name_folded) == 0)
		return 1.0;
	struct text_toks q, name;
	text_tokens(a, q_folded, &q);
	text_tokens(a, name_folded, &name);
	const char *compact = join(a, &name, 0, name.n, false);
	double best = containment(&q, &name);
	for (int w = name.n - 1; w <= name.n + 1; w++) {
		for (int i = 0; w > 0 && i + w <= q.n; i++) {
			const char *s = join(a, &q, i, w, true), *c = join(a, &q, i, w, false);
			/* Only a better score matters: give up on a worse one early. */
			double r1 = fuzzy_ratio_min(s, strlen(s), name_folded, strlen(name_folded), best);
			double r2 = fuzzy_ratio_min(c, strlen(c), compact, strlen(compact), best);
			best = r1 > best ? r1 : best;
			best = r2 > best ? r2 : best;
		}
	}
	return best;
}

static void read_office(struct arena *a, sqlite3_stmt *st, struct directory_office *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->municipio = db_col_text(a, st, 1);
	o->localidades = db_col_text(a, st, 2);
	o->cabecera = db_col_text(a, st, 3);
	o->dependencia = db_col_text(a, st, 4);
	o->direccion = db_col_text(a, st, 5);
	o->telefono = db_col_text(a, st, 6);
	o->whatsapp = db_col_text(a, st, 7);
	o->horario = db_col_text(a, st, 8);
	o->email = db_col_text(a, st, 9);
	o->score = 1.0;
	o->matched = o->municipio;
}

int directory_get(struct db *db, struct arena *a, int64_t id, struct directory_office *out)
{
	sqlite3_stmt *st = db_query(db, "SELECT " OFFICE_COLS " FROM offices WHERE id = ?1", "I", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == SQLITE_ROW)
		read_office(a, st, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

struct hit {
	int64_t id;
	double score;
	const char *matched;
};

static int by_score(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void hit_add(struct hit *hits, int *n, int64_t id, double score, const char *matched)
{
	for (int i = 0; i < *n; i++)
		if (hits[i].id == id) {
			if (score > hits[i].score) {
				hits[i].score = score;
				hits[i].matched = matched;
			}
			return;
		}
	hits[*n] = (struct hit){ id, score, matched };
	(*n)++;
}

/* Offices whose address, office name or other text holds q's words (bm25). */
static int fts_hits(struct db *db, struct arena *a, const char *q, struct hit *hits, int *n, int cap)
{
	struct text_toks t;
	text_fold_tokens(a, q, &t);
	if (t.n == 0)
		return 0;
	char *fts = arena_strdup(a, "");
	for (int i = 0; i < t.n; i++)
		fts = arena_printf(a, "%s%s\"%s\"*", fts, i ? " AND " : "", t.v[i].s);
	sqlite3_stmt *st = db_query(db, "SELECT rowid FROM offices_fts WHERE offices_fts MATCH ?1"
				    " ORDER BY bm25(offices_fts, 10.0, 8.0, 2.0, 2.0, 4.0) LIMIT 20", "s", fts);
	if (!st)
		return -1;
	int rc, pos = 0;
	while ((rc = db_step(st)) == SQLITE_ROW && *n < cap)
		hit_add(hits, n, sqlite3_column_int64(st, 0), FTS_SCORE - 0.001 * pos++, NULL);
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

static int scored_hits(struct db *db, struct arena *a, const char *q, double min_score,
		       struct hit **out, int *n)
{
	struct directory_names names;
	if (directory_names(db, a, &names) < 0)
		return -1;
	int cap = names.n + 20;
	struct hit *hits = arena_alloc(a, sizeof(struct hit) * (size_t)cap);
	const char *folded = text_fold(a, q);
	*n = 0;
	for (int i = 0; i < names.n; i++) {
		double s = directory_name_score(a, folded, names.v[i].folded);
		if (s >= min_score)
			hit_add(hits, n, names.v[i].office_id, s, names.v[i].name);
	}
	if (min_score <= FTS_SCORE && fts_hits(db, a, q, hits, n, cap) < 0)
		return -1;
	qsort(hits, (size_t)*n, sizeof(*hits), by_score);
	/* With a clear match, the far weaker ones are noise. */
	if (*n && hits[0].score >= CLEAR_MATCH)
		while (*n > 1 && hits[*n - 1].score < hits[0].score - CLEAR_MARGIN)
			(*n)--;
	*out = hits;
	return 0;
}

static int all_offices(struct db *db, struct arena *a, int limit, struct directory_list *out)
{
	out->v = arena_alloc(a, sizeof(struct directory_office) * (size_t)limit);
	out->n = 0;
	sqlite3_stmt *st = db_query(db, "SELECT " OFFICE_COLS " FROM offices ORDER BY municipio LIMIT ?1",
				    "i", limit);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW && out->n < limit)
		read_office(a, st, &out->v[out->n++]);
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

int directory_search(struct db *db, struct arena *a, const char *q, double min_score, int limit,
		     struct directory_list *out)
{
	limit = limit < 1 ? 1 : limit > 500 ? 500 : limit;
	if (!q || !*text_fold(a, q))
		return all_offices(db, a, limit, out);
	struct hit *hits;
	int n;
	if (scored_hits(db, a, q, min_score, &hits, &n) < 0)
		return -1;
	out->v = arena_alloc(a, sizeof(struct directory_office) * (size_t)(n ? n : 1));
	out->n = 0;
	for (int i = 0; i < n && out->n < limit; i++) {
		struct directory_office *o = &out->v[out->n];
		int rc = directory_get(db, a, hits[i].id, o);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		o->score = hits[i].score;
		o->matched = hits[i].matched ? hits[i].matched : o->municipio;
		out->n++;
	}
	return 0;
}

json_t *directory_office_json(const struct directory_office *o, bool with_score)
{
	json_t *loc = json_loads(o->localidades ? o->localidades : "[]", 0, NULL);
	json_t *j = json_pack("{s:I,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)o->id,
			      "municipio", o->municipio, "localidades", loc ? loc : json_array(),
			      "cabecera", o->cabecera, "dependencia", o->dependencia,
			      "direccion", o->direccion, "telefono", o->telefono,
			      "whatsapp", o->whatsapp, "horario", o->horario, "email", o->email);
	if (with_score)
		json_object_set_new(j, "score", json_real((double)(int)(o->score * 1000 + 0.5) / 1000));
	return j;
}
