/* conf: settings from compiled defaults, conf/microchat.conf, then the
 * environment (the names of API.md), read once per process. */
#define _POSIX_C_SOURCE 200809L
#include "core/conf.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef MC_DEFAULT_CONF
#define MC_DEFAULT_CONF "conf/microchat.conf"
#endif

enum conf_kind { CONF_STR, CONF_LONG, CONF_SIZE };

struct conf_key {
	const char *name;     /* key in the file */
	const char *env;      /* environment variable */
	enum conf_kind kind;
	size_t offset;
	const char *def;
	long min, max;
};

#define STR(f, n, e, d) { n, e, CONF_STR, offsetof(struct conf, f), d, 0, 0 }
#define NUM(f, n, e, d, lo, hi) { n, e, CONF_LONG, offsetof(struct conf, f), d, lo, hi }

static const struct conf_key conf_keys[] = {
	STR(port, "port", "PORT", "8080"),
	STR(bind, "bind", "BIND", "127.0.0.1"),
	STR(ollama_url, "ollama_url", "OLLAMA_URL", "http://127.0.0.1:11434"),
	STR(openai_api_key, "openai_api_key", "OPENAI_API_KEY", ""),
	STR(openai_api_keys, "openai_api_keys", "OPENAI_API_KEYS", ""),
	STR(db_path, "db_path", "DB_PATH", "db/microchat.db"),
	STR(default_model, "default_model", "DEFAULT_MODEL", ""),
	NUM(llm_timeout, "llm_timeout", "LLM_TIMEOUT", "120", 1, 86400),
	NUM(llm_connect_timeout_ms, "llm_connect_timeout_ms", "LLM_CONNECT_TIMEOUT_MS", "2000", 50, 60000),
	NUM(llm_first_token_timeout, "llm_first_token_timeout", "LLM_FIRST_TOKEN_TIMEOUT", "60", 1, 86400),
	NUM(pool_max_attempts, "pool_max_attempts", "POOL_MAX_ATTEMPTS", "3", 1, 16),
	NUM(breaker_failures, "breaker_failures", "BREAKER_FAILURES", "3", 1, 1000000),
	NUM(breaker_cooldown_ms, "breaker_cooldown_ms", "BREAKER_COOLDOWN_MS", "15000", 10, 3600000),
	NUM(models_ttl_ms, "models_ttl_ms", "MODELS_TTL_MS", "30000", 0, 86400000),
	NUM(models_timeout_ms, "models_timeout_ms", "MODELS_TIMEOUT_MS", "1000", 50, 60000),
	{ "body_limit", "BODY_LIMIT", CONF_SIZE, offsetof(struct conf, body_limit), "1048576", 1024, 64L * 1024 * 1024 },
	NUM(context_tokens, "context_tokens", "CONTEXT_TOKENS", "8192", 512, 1048576),
	NUM(session_days, "session_days", "SESSION_DAYS", "30", 1, 3650),
	NUM(metrics_retention_days, "metrics_retention_days", "METRICS_RETENTION_DAYS", "90", 1, 3650),
	NUM(login_max_failures, "login_max_failures", "LOGIN_MAX_FAILURES", "5", 1, 1000),
	NUM(login_max_failures_ip, "login_max_failures_ip", "LOGIN_MAX_FAILURES_IP", "30", 1, 100000),
	NUM(login_window_seconds, "login_window_seconds", "LOGIN_WINDOW_SECONDS", "900", 1, 86400),
	NUM(workers, "workers", "WORKERS", "2", 1, 256),
	STR(cache_dir, "cache_dir", "CACHE_DIR", ""),
	NUM(cache_max_age_s, "cache_max_age_s", "CACHE_MAX_AGE_S", "60", 0, 86400),
};

static int conf_set(struct conf *c, const struct conf_key *k, const char *value)
{
	char *field = (char *)c + k->offset;
	if (k->kind == CONF_STR) {
		char **slot = (char **)(void *)field;
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < k->min || v > k->max)
		return -1;
	if (k->kind == CONF_SIZE)
		*(size_t *)(void *)field = (size_t)v;
	else
		*(long *)(void *)field = v;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct conf_key *conf_find(const char *name)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static int conf_parse_line(struct conf *c, char *line, const char *path, int lineno)
{
	char *s = trim(line);
	if (*s == '\0' || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq) {
		fprintf(stderr, "%s:%d: expected key = value\n", path, lineno);
		return -1;
	}
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	const struct conf_key *k = conf_find(key);
	if (!k) {
		fprintf(stderr, "%s:%d: unknown key '%s'\n", path, lineno, key);
		return -1;
	}
	if (conf_set(c, k, value) < 0) {
		fprintf(stderr, "%s:%d: bad value for '%s'\n", path, lineno, key);
		return -1;
	}
	return 0;
}

static int conf_read_file(struct conf *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	if (fstat(fileno(f), &st) == 0) {
		c->mtime = st.st_mtim;
		c->size = (long long)st.st_size;
	}
	c->path = xstrdup(path);
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (conf_parse_line(c, line, path, lineno) < 0)
			rc = -1;
	}
	fclose(f);
	return rc;
}

/* Relative paths in the file are relative to the folder above conf/. */
static void conf_resolve_path(const struct conf *c, char **slot)
{
	if (!c->path || !**slot || (*slot)[0] == '/')
		return;
	char *dir = xstrdup(c->path);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	size_t n = strlen(dir) + strlen(*slot) + 2;
	char *full = xmalloc(n);
	snprintf(full, n, "%s/%s", dir, *slot);
	free(*slot);
	*slot = full;
	free(dir);
}

int conf_load(struct conf *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++)
		if (conf_set(c, &conf_keys[i], conf_keys[i].def) < 0)
			util_die("bad compiled default for %s", conf_keys[i].name);
	if (!path)
		path = getenv("MICROCHAT_CONF");
	if (!path)
		path = MC_DEFAULT_CONF;
	int rc = conf_read_file(c, path);
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++) {
		const char *v = getenv(conf_keys[i].env);
		if (v && *v && conf_set(c, &conf_keys[i], v) < 0) {
			fprintf(stderr, "microchat: bad value in $%s\n", conf_keys[i].env);
			rc = -1;
		}
	}
	conf_resolve_path(c, &c->db_path);
	conf_resolve_path(c, &c->cache_dir);
	return rc;
}

int conf_format(const struct conf *c, const char *key, char *out, size_t n)
{
	const struct conf_key *k = conf_find(key);
	if (!k)
		return -1;
	const char *field = (const char *)c + k->offset;
	if (k->kind == CONF_STR)
		snprintf(out, n, "%s", *(char *const *)(const void *)field);
	else if (k->kind == CONF_SIZE)
		snprintf(out, n, "%zu", *(const size_t *)(const void *)field);
	else
		snprintf(out, n, "%ld", *(const long *)(const void *)field);
	return 0;
}

const char *conf_env_name(size_t i)
{
	return i < MC_ARRAY_LEN(conf_keys) ? conf_keys[i].env : NULL;
}

int conf_changed(const struct conf *c)
{
	struct stat st;
	if (!c->path)
		return 0;
	return stat(c->path, &st) != 0 || st.st_mtim.tv_sec != c->mtime.tv_sec ||
	       st.st_mtim.tv_nsec != c->mtime.tv_nsec || (long long)st.st_size != c->size;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++)
		if (conf_keys[i].kind == CONF_STR)
			free(*(char **)(void *)((char *)c + conf_keys[i].offset));
	free(c->path);
	memset(c, 0, sizeof(*c));
}
