/* backend: the shared state of each model backend, kept in SQLite so every
 * CGI process sees it: cached model lists, requests in flight (leases),
 * failures, smoothed latency and the circuit breaker. lib/models/pool decides;
 * this module remembers. */
#ifndef MC_BACKEND_H
#define MC_BACKEND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* Backends a pool may have. */
#define BACKEND_MAX 16

struct backend_policy {
	long breaker_failures;       /* consecutive failures that open the breaker */
	int64_t breaker_cooldown_ms; /* open: no requests until this has passed */
	int64_t lease_ms;            /* a lease older than this no longer counts */
	int64_t models_ttl_ms;       /* a model list younger than this is trusted */
};

/* Create the rows of the configured backends that have none yet. */
int backend_register(struct db *db, const char *const *urls, int n);

enum backend_pick {
	BACKEND_PICKED,
	BACKEND_NONE_SERVES,  /* no backend (left) lists the model */
	BACKEND_DB_ERROR,
};

/* In one write transaction, among urls[i] with !skip[i]: those that serve
 * model (or whose list is unknown) and that their breaker lets through
 * (closed, or open past its cool-down with nothing in flight: the probe);
 * the one with the fewest requests in flight, ties to the one picked
 * longest ago. When every one that serves the model is kept away, the one
 * whose breaker opened first (panic mode). Takes a lease on it: *chosen
 * and *lease are set. */
enum backend_pick backend_pick(struct db *db, const struct backend_policy *p,
			       const char *const *urls, int n, const bool *skip,
			       const char *model, int *chosen, int64_t *lease);

enum backend_verdict {
	BACKEND_OK,       /* the backend answered: the breaker closes */
	BACKEND_FAILED,   /* the backend's fault: counts toward opening it */
	BACKEND_NEUTRAL,  /* neither (the request was refused, the user stopped early) */
};

/* Return the lease and record how the attempt went. */
void backend_release(struct db *db, const struct backend_policy *p, const char *url,
		     int64_t lease, enum backend_verdict v, int64_t first_token_ms,
		     const char *code, const char *message);

enum backend_refresh {
	BACKEND_REFRESH_STALE,    /* lists older than the TTL */
	BACKEND_REFRESH_FORCE,    /* lists older than a second (a model no list has) */
	BACKEND_REFRESH_UNKNOWN,  /* lists never received, even if another process
				     is fetching them right now (a cold start) */
};

/* Which backends' model lists should be fetched now (see mode), leaving out
 * those kept away by their breaker. They are marked as fetched now, so other
 * processes keep using the cached list meanwhile. Returns how many, need[i]
 * for each. */
int backend_claim_refresh(struct db *db, const struct backend_policy *p,
			  const char *const *urls, int n, enum backend_refresh mode, bool *need);
/* How many lists are due, without claiming them. */
int backend_refresh_due(struct db *db, const struct backend_policy *p, const char *const *urls, int n,
			enum backend_refresh mode);
/* A fetched list replaces the cached one. */
void backend_models_store(struct db *db, const char *url, json_t *models, int64_t latency_ms);
/* A fetch failed: a failure like any other for the breaker. */
void backend_models_failed(struct db *db, const struct backend_policy *p, const char *url,
			   const char *message);
/* The backend answered 404 for a model its list had: forget it there. */
void backend_model_missing(struct db *db, const char *url, const char *model);

/* The cached lists merged: one object per model name, with "backends"
 * (the urls that have it, in configuration order) and "available" (one
 * of them is not kept away by its breaker; with every breaker open, all:
 * panic mode). *usable gets the number of backends with a known list and
 * a breaker that lets requests through (in panic, with a known list). */
json_t *backend_models_merged(struct db *db, const struct backend_policy *p,
			      const char *const *urls, int n, int *usable);

/* Health probes: which backends' last probe is older than every_ms, each
 * marked as probed now (in one write transaction, only when one is due:
 * other processes answer from the last probe meanwhile). How many, need[i]. */
int backend_claim_probes(struct db *db, const char *const *urls, int n, int64_t every_ms, bool *need);
/* A probe's outcome: the model list it fetched (models), or its error (a
 * failure like any other for the breaker). */
void backend_probe_record(struct db *db, const struct backend_policy *p, const char *url,
			  json_t *models, int64_t latency_ms, const char *error);
/* {"ok","latency_ms","checked_at"[,"error"]} of the last probe. */
json_t *backend_probe_json(struct db *db, const char *url);

/* {"state","in_flight","requests","failures","consecutive_failures",
 *  "recent_failures","avg_first_token_ms","models","last_error"} for health. */
json_t *backend_state_json(struct db *db, const char *url);

#endif
