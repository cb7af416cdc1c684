/* directory: the office directory (one office per municipality): every
 * place name (municipality and localities) for matching, fuzzy search
 * that tolerates typos and missing accents, and one office by id. */
#ifndef MC_DIRECTORY_H
#define MC_DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct directory_office {
	int64_t id;
	const char *municipio;
	const char *localidades;  /* JSON array text */
	const char *cabecera;
	const char *dependencia;
	const char *direccion;
	const char *telefono;
	const char *whatsapp;
	const char *horario;
	const char *email;
	double score;             /* of the search, in [0, 1] */
	const char *matched;      /* the name that matched (a locality, perhaps) */
};

struct directory_list {
	struct directory_office *v;
	int n;
};

/* A place name and the office it leads to. */
struct directory_name {
	int64_t office_id;
	const char *name;         /* as written in the directory */
	const char *municipio;    /* the municipality it belongs to */
	const char *folded;       /* text_fold(name) */
	bool locality;
};

struct directory_names {
	struct directory_name *v;
	int n;
};

/* Every municipality and locality name (one indexed scan of a small table). */
int directory_names(struct db *db, struct arena *a, struct directory_names *out);
/* How well folded text q names this place, in [0, 1]: 1 exact, then the
 * best fuzzy ratio of q, or of a run of q's words, against the name. */
double directory_name_score(struct arena *a, const char *q_folded, const char *name_folded);

/* Offices whose municipality or a locality matches q (score >= min_score),
 * best first; when the best is a clear match (0.85 or more), only those
 * within 0.15 of it. q NULL or empty: all, by name. 0 or -1 (db error). */
int directory_search(struct db *db, struct arena *a, const char *q, double min_score, int limit,
		     struct directory_list *out);
/* 1 found, 0 not, -1 error. */
int directory_get(struct db *db, struct arena *a, int64_t id, struct directory_office *out);
/* The docs/API.md form (localidades as a list; score when with_score). */
json_t *directory_office_json(const struct directory_office *o, bool with_score);

#endif
