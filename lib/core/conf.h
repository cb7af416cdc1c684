/* conf: settings from compiled defaults, conf/microchat.conf, then the
 * environment (the names of API.md), read once per process. */
#ifndef MC_CONF_H
#define MC_CONF_H

#include <stddef.h>
#include <time.h>

struct conf {
	char *path;           /* the file read, or NULL */
	struct timespec mtime; /* its modification time when read */
	long long size;        /* and its size: a change within one clock tick still shows */
	char *port;
	char *bind;
	char *ollama_url;     /* one URL or a comma-separated pool */
	char *openai_api_key; /* for openai: backends */
	char *openai_api_keys; /* "URL KEY, URL KEY": a key per openai: backend */
	char *db_path;
	char *default_model;  /* "" = first model the backend lists */
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
};

/* Load defaults, then the file (path, or $MICROCHAT_CONF, or the compiled
 * default), then environment overrides. Returns 0, or -1 after printing a
 * line-numbered complaint to stderr for a malformed file. */
int conf_load(struct conf *c, const char *path);
/* True when the file changed since it was read (for persistent workers). */
int conf_changed(const struct conf *c);
/* A setting by its file key, as text (for scripts: microchat-admin conf KEY).
 * Returns 0, or -1 for an unknown key. */
int conf_format(const struct conf *c, const char *key, char *out, size_t n);
/* The environment variable of the i-th setting, NULL past the last one
 * (so scripts can pass every setting on without a list of their own). */
const char *conf_env_name(size_t i);
void conf_free(struct conf *c);

#endif
