/* stats_audience: the figures of GET /cgi-bin/stats per audience (visitors
 * and members apart) and per assistant (conversations, messages, reply
 * latency, intents), read from the roll-ups of migration 007. */
#include "ops/stats_audience.h"
#include "core/arena.h"
#include "core/db.h"
#include "ops/pctl.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* {"sessions", "conversations", "messages"} of visitors (guest 1) or members. */
json_t *stats_audience_json(struct db *db, const struct stats_span *w, int guest)
{
	sqlite3_stmt *st = db_query(db, "SELECT coalesce(sum(sessions), 0), coalesce(sum(conversations), 0), "
				    "coalesce(sum(messages), 0) FROM ops_roll_audience "
				    "WHERE grain = ?1 AND t >= ?2 AND t < ?3 AND guest = ?4",
				    "IIIi", w->grain, w->start, w->end, guest);
	if (!st || db_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return NULL;
	}
	json_t *o = json_pack("{s:I,s:I,s:I}", "sessions", (json_int_t)sqlite3_column_int64(st, 0),
			      "conversations", (json_int_t)sqlite3_column_int64(st, 1),
			      "messages", (json_int_t)sqlite3_column_int64(st, 2));
	sqlite3_reset(st);
	return o;
}

/* ---- per assistant ---- */

struct per_assistant {
	int64_t id;
	json_t *o;               /* the answer's object */
	struct pctl_count *bins; /* latency, sorted by bin */
	int nbins, alloc;
};

struct by_assistant {
	struct per_assistant *v;
	int n;
};

static struct per_assistant *find(struct by_assistant *b, int64_t id)
{
	for (int i = 0; i < b->n; i++)
		if (b->v[i].id == id)
			return &b->v[i];
	return NULL;
}

static int load_assistants(struct db *db, struct arena *a, struct by_assistant *b)
{
	int64_t count = 0;
	if (db_int(db, &count, "SELECT count(*) FROM assistants", "") < 0)
		return -1;
	/* One more for the conversations of assistants since deleted (id 0). */
	b->v = arena_alloc(a, (size_t)(count + 1) * sizeof(*b->v));
	memset(b->v, 0, (size_t)(count + 1) * sizeof(*b->v));
	sqlite3_stmt *st = db_query(db, "SELECT id, slug, name FROM assistants ORDER BY position, id LIMIT ?1",
				    "I", count);
	int rc = st ? SQLITE_DONE : -1;
	while (st && (rc = db_step(st)) == SQLITE_ROW) {
		struct per_assistant *p = &b->v[b->n++];
		p->id = sqlite3_column_int64(st, 0);
		p->o = json_pack("{s:s,s:s}", "slug", (const char *)sqlite3_column_text(st, 1),
				 "name", (const char *)sqlite3_column_text(st, 2));
	}
	if (st)
		sqlite3_reset(st);
	b->v[b->n].id = 0;
	b->v[b->n].o = json_pack("{s:n,s:n}", "slug", "name");
	b->n++;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Rows of an assistant no longer in the table count under id 0. */
static struct per_assistant *owner(struct by_assistant *b, int64_t id)
{
	struct per_assistant *p = find(b, id);
	return p ? p : find(b, 0);
}

static int add_counts(struct db *db, const struct stats_span *w, struct by_assistant *b)
{
	sqlite3_stmt *st = db_query(db, "SELECT assistant_id, guest, sum(conversations), sum(messages) "
				    "FROM ops_roll_audience WHERE grain = ?1 AND t >= ?2 AND t < ?3 "
				    "GROUP BY assistant_id, guest", "III", w->grain, w->start, w->end);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		struct per_assistant *p = owner(b, sqlite3_column_int64(st, 0));
		const char *who = sqlite3_column_int(st, 1) ? "visitors" : "members";
		json_t *part = json_object_get(p->o, who);
		json_int_t c = (json_int_t)sqlite3_column_int64(st, 2), m = (json_int_t)sqlite3_column_int64(st, 3);
		if (part) {
			c += json_integer_value(json_object_get(part, "conversations"));
			m += json_integer_value(json_object_get(part, "messages"));
		}
		json_object_set_new(p->o, who, json_pack("{s:I,s:I}", "conversations", c, "messages", m));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void add_bin(struct arena *a, struct per_assistant *p, int bin, int64_t n)
{
	if (p->nbins && p->bins[p->nbins - 1].bin == bin) {
		p->bins[p->nbins - 1].n += n;
		return;
	}
	if (p->nbins == p->alloc) {
		int alloc = p->alloc ? p->alloc * 2 : 64;
		struct pctl_count *grown = arena_alloc(a, (size_t)alloc * sizeof(*grown));
		if (p->nbins)
			memcpy(grown, p->bins, (size_t)p->nbins * sizeof(*grown));
		p->bins = grown;
		p->alloc = alloc;
	}
	p->bins[p->nbins++] = (struct pctl_count){ bin, n };
}

static int load_latency(struct db *db, struct arena *a, const struct stats_span *w, struct by_assistant *b)
{
	/* Summed per assistant and bin over the window, in bin order. A row of
	 * a deleted assistant may land in id 0 out of order: sorted after. */
	sqlite3_stmt *st = db_query(db, "SELECT assistant_id, bin, sum(n) FROM ops_roll_assistant_bins "
				    "WHERE grain = ?1 AND t >= ?2 AND t < ?3 GROUP BY assistant_id, bin "
				    "ORDER BY assistant_id, bin", "III", w->grain, w->start, w->end);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		int bin = sqlite3_column_int(st, 1);
		if (bin >= 0 && bin < PCTL_NBINS)
			add_bin(a, owner(b, sqlite3_column_int64(st, 0)), bin, sqlite3_column_int64(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int by_bin(const void *x, const void *y)
{
	const struct pctl_count *a = x, *b = y;
	return (a->bin > b->bin) - (a->bin < b->bin);
}

/* The bin's middle value: exact below 128 ms, within 1/128 above. */
static json_t *percentile(struct per_assistant *p, int pct, int64_t total)
{
	int bin;
	int64_t offset, lo, hi;
	if (!total || pctl_locate(p->bins, p->nbins, pctl_rank(pct, total), &bin, &offset) < 0)
		return json_null();
	pctl_bounds(bin, &lo, &hi);
	return json_integer((json_int_t)((lo + hi) / 2));
}

static void add_latency(struct per_assistant *p)
{
	int64_t total = 0;
	if (p->nbins > 1)
		qsort(p->bins, (size_t)p->nbins, sizeof(*p->bins), by_bin);
	for (int i = 0; i < p->nbins; i++)
		total += p->bins[i].n;
	json_object_set_new(p->o, "latency_ms", json_pack("{s:o,s:o,s:I}", "p50", percentile(p, 50, total),
							  "p95", percentile(p, 95, total), "replies", (json_int_t)total));
}

static int add_intents(struct db *db, const struct stats_span *w, struct by_assistant *b)
{
	sqlite3_stmt *st = db_query(db, "SELECT assistant_id, intent, sum(n) AS c, sum(confidence_sum) / sum(n) "
				    "FROM ops_roll_assistant_intents WHERE grain = ?1 AND t >= ?2 AND t < ?3 "
				    "GROUP BY assistant_id, intent ORDER BY assistant_id, c DESC, intent",
				    "III", w->grain, w->start, w->end);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		struct per_assistant *p = owner(b, sqlite3_column_int64(st, 0));
		json_array_append_new(json_object_get(p->o, "intents"), json_pack("{s:s,s:I,s:f}",
			"intent", (const char *)sqlite3_column_text(st, 1), "count", (json_int_t)sqlite3_column_int64(st, 2),
			"avg_confidence", round(sqlite3_column_double(st, 3) * 1000) / 1000));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* conversations and messages: both audiences together, as the contract's
 * top-level figures; visitors and members apart below them. */
static void totals(struct per_assistant *p)
{
	json_int_t c = 0, m = 0;
	static const char *const who[] = { "members", "visitors" };
	for (int i = 0; i < 2; i++) {
		json_t *part = json_object_get(p->o, who[i]);
		if (!part) {
			part = json_pack("{s:I,s:I}", "conversations", (json_int_t)0, "messages", (json_int_t)0);
			json_object_set_new(p->o, who[i], part);
		}
		c += json_integer_value(json_object_get(part, "conversations"));
		m += json_integer_value(json_object_get(part, "messages"));
	}
	json_object_set_new(p->o, "conversations", json_integer(c));
	json_object_set_new(p->o, "messages", json_integer(m));
}

/* The list: every assistant, then the deleted ones' figures when any. */
static json_t *collect(struct by_assistant *b)
{
	json_t *list = json_array();
	for (int i = 0; i < b->n; i++) {
		struct per_assistant *p = &b->v[i];
		totals(p);
		add_latency(p);
		bool empty = !json_integer_value(json_object_get(p->o, "messages")) &&
			     !json_array_size(json_object_get(p->o, "intents"));
		if (p->id == 0 && empty)
			json_decref(p->o);
		else
			json_array_append_new(list, p->o);
		p->o = NULL;
	}
	return list;
}

json_t *stats_assistants_json(struct db *db, struct arena *a, const struct stats_span *w)
{
	struct by_assistant b = { 0 };
	int rc = load_assistants(db, a, &b);
	for (int i = 0; i < b.n; i++)
		json_object_set_new(b.v[i].o, "intents", json_array());
	if (rc == 0 && add_counts(db, w, &b) == 0 && load_latency(db, a, w, &b) == 0 && add_intents(db, w, &b) == 0)
		return collect(&b);
	for (int i = 0; i < b.n; i++)
		json_decref(b.v[i].o);
	return NULL;
}
