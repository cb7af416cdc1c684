/* conf: every setting, described once (key, environment variable, kind,
 * default, range, whether an administrator may change it at run time), and
 * their values from the compiled defaults, conf/microchat.conf, then the
 * environment (docs/CONFIGURATION.md), read once per process. What an
 * administrator stored in the database wins over these (lib/core/settings). */
#ifndef MC_CONF_H
#define MC_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct conf {
	char *path;           /* the file read, or NULL */
	char *data_dir;       /* the microchat-data folder in use (lib/core/datadir), or NULL */
	struct timespec mtime; /* its modification time when read */
	long long size;        /* and its size: a change within one clock tick still shows */
	char *port;
	char *bind;
	char *ollama_url;     /* one URL or a comma-separated pool */
	char *openai_api_key; /* for openai: backends */
	char *openai_api_keys; /* "URL KEY, URL KEY": a key per openai: backend */
	char *db_path;
	long llm_timeout;     /* seconds for a whole model call */
	long llm_connect_timeout_ms;
	long llm_first_token_timeout; /* seconds until the first token */
	long pool_max_attempts;     /* backends one chat may try before its first token */
	long breaker_failures;      /* consecutive failures that open a backend's breaker */
	long breaker_cooldown_ms;   /* how long an open breaker keeps requests away */
	long models_ttl_ms;         /* how long a backend's model list is trusted */
	long models_timeout_ms;     /* time limit for fetching a model list */
	size_t body_limit;    /* bytes */
	long context_tokens;  /* num_ctx sent to the model */
	long session_days;
	long metrics_retention_days;
	long login_max_failures;    /* per account in the window */
	long login_max_failures_ip; /* per address in the window */
	long login_window_seconds;
	long workers;               /* FastCGI processes per program (MODE=fastcgi) */
	char *cache_dir;            /* "" = the database path + "-cache" (lib/core/cache) */
	long cache_max_age_s;       /* longest an answer is served from the cache; 0 = off */

	/* Shared hosting (docs/HOSTING.md). */
	bool first_run_seed;        /* a database a request creates gets the built-in seed data */

	/* The defaults of what administrators can change (CONF_ADMIN): read
	 * them through lib/core/settings, which knows what was stored. */
	char *system_prompt;
	char *default_model;  /* "" = first model the backend lists */
	double temperature;
	double top_p;
	long num_predict;
	bool open_registration;

	/* Assistants and visitors. */
	char *default_assistant; /* slug */
	long guest_days;
	long guest_messages_per_hour;
	long guest_messages_per_hour_per_address;
	long guest_sessions_per_hour_per_address;

	/* Quotas (issue 13): messages and model tokens per UTC day; 0 = none. */
	long quota_user_messages_per_day;
	long quota_user_tokens_per_day;
	long quota_guest_messages_per_day;
	long quota_guest_tokens_per_day;
	/* Integrity and abuse limits (docs/SECURITY.md). */
	long max_streams_per_user;  /* replies generated at once for one user */
	long write_timeout_s;       /* a client that stops reading is gone after this */
	long cache_max_mb;          /* the read cache's size cap */
	long health_probe_ms;       /* health probes a backend at most this often */
	long register_max_per_ip;   /* registrations per address in the window */
	long register_window_seconds;
	char *allowed_hosts;        /* Host names served, comma-separated; "*" any */
	char *public_url;           /* where users reach the site; its host is allowed */
};

enum conf_kind {
	CONF_TEXT,    /* a string; max is its longest length in bytes (0: any) */
	CONF_MODEL,   /* a model name (conf_model_name_ok), or "" for none */
	CONF_INT,     /* an integer from min to max */
	CONF_SIZE,    /* a byte count from min to max */
	CONF_NUMBER,  /* a decimal number from min to max */
	CONF_BOOL,    /* 1/true/on or 0/false/off */
};

enum conf_flags {
	CONF_ADMIN = 1 << 0, /* an administrator may change it (POST /cgi-bin/config) */
};

struct conf_key {
	const char *name;   /* key in the file and in the API */
	const char *env;    /* environment variable */
	enum conf_kind kind;
	size_t offset;      /* of its field in struct conf */
	const char *def;    /* compiled default, as text */
	double min, max;
	int flags;
	const char *about;  /* one line for the docs */
};

/* Load defaults, then the file, then environment overrides. The file is
 * path, or $MICROCHAT_CONF, or microchat.conf in the microchat-data folder
 * of a shared-hosting install (lib/core/datadir; it need not exist), or
 * the compiled default conf/microchat.conf. Relative paths in it are
 * relative to the microchat-data folder (the one found, or the one the
 * file is in), else to the folder above conf/.
 * Returns 0, or -1 after printing a line-numbered complaint to stderr for
 * a malformed file. */
int conf_load(struct conf *c, const char *path);
/* True when the file changed since it was read (for persistent workers). */
int conf_changed(const struct conf *c);
void conf_free(struct conf *c);

/* The i-th setting, NULL past the last one; a setting by its key, or NULL. */
const struct conf_key *conf_key_at(size_t i);
const struct conf_key *conf_key_find(const char *name);

/* A setting's value as text, as it would be written in the file (for
 * scripts: microchat-admin conf KEY). Returns 0, or -1 for an unknown key. */
int conf_format(const struct conf *c, const char *key, char *out, size_t n);
/* A text or model setting's value (the string itself); NULL for other kinds. */
const char *conf_string(const struct conf *c, const struct conf_key *k);

#define CONF_CANON_MAX 40
/* value in the form it is stored in: the string itself for text and
 * model names, the number printed again (canon holds it), "1" or "0" for a
 * boolean. NULL when the setting does not take it. */
const char *conf_canonical(const struct conf_key *k, const char *value, char canon[CONF_CANON_MAX]);
/* What the setting takes, for error messages: "a number from 0 to 2". */
void conf_rule(const struct conf_key *k, char *out, size_t n);

/* The one rule for a model name: 1 to 200 of A-Z a-z 0-9 . _ : / - + @. */
bool conf_model_name_ok(const char *name);

#endif
