/* conf: every setting described once, and their values from the compiled
 * defaults, conf/microchat.conf, then the environment, read once per process. */
#define _POSIX_C_SOURCE 200809L
#include "core/conf.h"
#include "core/datadir.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef MC_DEFAULT_CONF
#define MC_DEFAULT_CONF "conf/microchat.conf"
#endif

#define CONF_DEFAULT_PROMPT \
	"Eres microchat, un asistente útil y preciso. Responde en el idioma del usuario " \
	"(español de Chile o Argentina, o inglés). Usa Markdown cuando ayude. Cuando recibas " \
	"datos del catálogo o del directorio de oficinas, respóndelos con esos datos y no " \
	"inventes productos, precios ni direcciones."

#define KEY(f, n, e, k, d, lo, hi, fl, about) \
	{ n, e, k, offsetof(struct conf, f), d, lo, hi, fl, about }
#define TEXT(f, n, e, d, about) KEY(f, n, e, CONF_TEXT, d, 0, 0, 0, about)
#define INT(f, n, e, d, lo, hi, about) KEY(f, n, e, CONF_INT, d, lo, hi, 0, about)

/* Every setting. The admin page, POST /cgi-bin/config, chat's per-message
 * options and docs/CONFIGURATION.md (microchat-admin settings-doc) all read
 * their rules from here. */
static const struct conf_key conf_keys[] = {
	TEXT(port, "port", "PORT", "8080", "port lighttpd listens on (make run)"),
	TEXT(bind, "bind", "BIND", "127.0.0.1", "address lighttpd binds (make run)"),
	TEXT(ollama_url, "ollama_url", "OLLAMA_URL", "http://127.0.0.1:11434",
	     "one model backend, or several separated by commas (openai: prefix for OpenAI-compatible)"),
	TEXT(openai_api_key, "openai_api_key", "OPENAI_API_KEY", "", "bearer key for openai: backends"),
	TEXT(openai_api_keys, "openai_api_keys", "OPENAI_API_KEYS", "",
	     "a key per openai: backend, as \"URL KEY, URL KEY\""),
	TEXT(db_path, "db_path", "DB_PATH", "db/microchat.db", "the SQLite file"),
	INT(llm_timeout, "llm_timeout", "LLM_TIMEOUT", "120", 1, 86400,
	    "seconds one model call may take before it is abandoned"),
	INT(llm_connect_timeout_ms, "llm_connect_timeout_ms", "LLM_CONNECT_TIMEOUT_MS", "2000", 50, 60000,
	    "milliseconds to connect to a backend"),
	INT(llm_first_token_timeout, "llm_first_token_timeout", "LLM_FIRST_TOKEN_TIMEOUT", "60", 1, 86400,
	    "seconds until the first token"),
	INT(pool_max_attempts, "pool_max_attempts", "POOL_MAX_ATTEMPTS", "3", 1, 16,
	    "backends one chat may try before its first token"),
	INT(breaker_failures, "breaker_failures", "BREAKER_FAILURES", "3", 1, 1000000,
	    "consecutive failures that open a backend's circuit breaker"),
	INT(breaker_cooldown_ms, "breaker_cooldown_ms", "BREAKER_COOLDOWN_MS", "15000", 10, 3600000,
	    "how long an open breaker keeps requests away"),
	INT(models_ttl_ms, "models_ttl_ms", "MODELS_TTL_MS", "30000", 0, 86400000,
	    "how long a backend's model list is trusted"),
	INT(models_timeout_ms, "models_timeout_ms", "MODELS_TIMEOUT_MS", "1000", 50, 60000,
	    "time limit for fetching a model list"),
	KEY(body_limit, "body_limit", "BODY_LIMIT", CONF_SIZE, "1048576", 1024, 64.0 * 1024 * 1024, 0,
	    "largest request body in bytes"),
	INT(context_tokens, "context_tokens", "CONTEXT_TOKENS", "8192", 512, 1048576,
	    "context window (num_ctx) sent to the model"),
	INT(session_days, "session_days", "SESSION_DAYS", "30", 1, 3650, "days a login lasts"),
	INT(metrics_retention_days, "metrics_retention_days", "METRICS_RETENTION_DAYS", "90", 1, 3650,
	    "days of request and model-call measurements kept"),
	INT(login_max_failures, "login_max_failures", "LOGIN_MAX_FAILURES", "5", 1, 1000,
	    "failed logins per account in the window"),
	INT(login_max_failures_ip, "login_max_failures_ip", "LOGIN_MAX_FAILURES_IP", "30", 1, 100000,
	    "failed logins per address in the window"),
	INT(login_window_seconds, "login_window_seconds", "LOGIN_WINDOW_SECONDS", "900", 1, 86400,
	    "the login throttle's window"),
	INT(workers, "workers", "WORKERS", "2", 1, 256, "FastCGI processes per program (MODE=fastcgi)"),
	TEXT(cache_dir, "cache_dir", "CACHE_DIR", "", "the read cache's folder (empty: the database path + -cache)"),
	INT(cache_max_age_s, "cache_max_age_s", "CACHE_MAX_AGE_S", "60", 0, 86400,
	    "longest an answer is served from the read cache (0: no cache)"),

	/* Each assistant has its own prompt (lib/chat/assistants); this one is
	 * for an assistant left without one. POST /cgi-bin/config's
	 * system_prompt edits the general assistant's (cgi-bin/config.c). */
	KEY(system_prompt, "system_prompt", "SYSTEM_PROMPT", CONF_TEXT, CONF_DEFAULT_PROMPT, 0, 20000, 0,
	    "the system message of an assistant that has no prompt of its own"),
	KEY(default_model, "default_model", "DEFAULT_MODEL", CONF_MODEL, "", 0, 0, CONF_ADMIN,
	    "model used when a request names none (empty: the first one listed)"),
	KEY(temperature, "temperature", "TEMPERATURE", CONF_NUMBER, "0.7", 0, 2, CONF_ADMIN,
	    "sampling temperature (a message may ask for its own)"),
	KEY(top_p, "top_p", "TOP_P", CONF_NUMBER, "0.9", 0, 1, CONF_ADMIN,
	    "nucleus sampling (a message may ask for its own)"),
	KEY(num_predict, "num_predict", "NUM_PREDICT", CONF_INT, "1024", 1, 32768, CONF_ADMIN,
	    "longest reply in tokens (a message may ask for its own)"),
	KEY(open_registration, "open_registration", "OPEN_REGISTRATION", CONF_BOOL, "1", 0, 1, CONF_ADMIN,
	    "anyone may register (the first account always may: it is the admin)"),

	/* Shared hosting: the first request creates the database (lib/core/schema). */
	KEY(first_run_seed, "first_run_seed", "FIRST_RUN_SEED", CONF_BOOL, "1", 0, 1, 0,
	    "a database created by the first request gets the built-in catalog and office directory"),

	/* Assistants and visitors (docs/ASSISTANTS.md). */
	KEY(default_assistant, "default_assistant", "DEFAULT_ASSISTANT", CONF_TEXT, "general", 0, 40, CONF_ADMIN,
	    "the assistant (its slug) a new conversation talks to when the request names none"),
	KEY(guest_days, "guest_days", "GUEST_DAYS", CONF_INT, "30", 1, 3650, CONF_ADMIN,
	    "days a visitor's session lasts; visitors unseen that long are deleted with their conversations"),
	KEY(guest_messages_per_hour, "guest_messages_per_hour", "GUEST_MESSAGES_PER_HOUR", CONF_INT, "30",
	    0, 1000000, CONF_ADMIN, "messages one visitor may send in an hour (0: no limit)"),
	KEY(guest_messages_per_hour_per_address, "guest_messages_per_hour_per_address",
	    "GUEST_MESSAGES_PER_HOUR_PER_ADDRESS", CONF_INT, "120", 0, 1000000, CONF_ADMIN,
	    "messages all visitors from one address may send in an hour (0: no limit)"),
	KEY(guest_sessions_per_hour_per_address, "guest_sessions_per_hour_per_address",
	    "GUEST_SESSIONS_PER_HOUR_PER_ADDRESS", CONF_INT, "20", 0, 1000000, CONF_ADMIN,
	    "visitor sessions one address may open in an hour (0: no limit)"),

	/* Quotas: counted from the replies stored today (UTC); administrators
	 * are never limited, and an account may have its own (config set_quota). */
	KEY(quota_user_messages_per_day, "quota_user_messages_per_day", "QUOTA_USER_MESSAGES_PER_DAY", CONF_INT,
	    "0", 0, 1000000000, CONF_ADMIN, "messages a user may send per day (0: no limit)"),
	KEY(quota_user_tokens_per_day, "quota_user_tokens_per_day", "QUOTA_USER_TOKENS_PER_DAY", CONF_INT,
	    "0", 0, 1000000000, CONF_ADMIN, "model output tokens a user may use per day (0: no limit)"),
	KEY(quota_guest_messages_per_day, "quota_guest_messages_per_day", "QUOTA_GUEST_MESSAGES_PER_DAY",
	    CONF_INT, "0", 0, 1000000000, CONF_ADMIN, "messages a visitor may send per day (0: no limit)"),
	KEY(quota_guest_tokens_per_day, "quota_guest_tokens_per_day", "QUOTA_GUEST_TOKENS_PER_DAY", CONF_INT,
	    "0", 0, 1000000000, CONF_ADMIN, "model output tokens a visitor may use per day (0: no limit)"),
	/* Integrity and abuse limits: what each defends is in docs/SECURITY.md. */
	INT(max_streams_per_user, "max_streams_per_user", "MAX_STREAMS_PER_USER", "3", 1, 1000,
	    "replies generated at once for one user (one more: 429 too_many_streams)"),
	INT(write_timeout_s, "write_timeout_s", "WRITE_TIMEOUT_S", "30", 1, 3600,
	    "seconds an answer waits on a client that stopped reading before it counts as gone"),
	INT(cache_max_mb, "cache_max_mb", "CACHE_MAX_MB", "64", 1, 1048576,
	    "largest size of the read cache in MiB (beyond it answers are not kept)"),
	INT(health_probe_ms, "health_probe_ms", "HEALTH_PROBE_MS", "5000", 100, 3600000,
	    "health probes each backend at most this often; other calls answer from the last probe"),
	INT(register_max_per_ip, "register_max_per_ip", "REGISTER_MAX_PER_IP", "10", 1, 1000000,
	    "registrations one address may attempt in the registration window"),
	INT(register_window_seconds, "register_window_seconds", "REGISTER_WINDOW_SECONDS", "3600", 1, 604800,
	    "the registration throttle's window"),
	TEXT(allowed_hosts, "allowed_hosts", "ALLOWED_HOSTS", "localhost, 127.0.0.1, [::1]",
	     "host names the site answers to, comma-separated (the Host header's port is ignored; * allows any)"),
	TEXT(public_url, "public_url", "PUBLIC_URL", "",
	     "the address users reach the site at (https://chat.example.org/); its host is allowed too"),
};

const struct conf_key *conf_key_at(size_t i)
{
	return i < MC_ARRAY_LEN(conf_keys) ? &conf_keys[i] : NULL;
}

const struct conf_key *conf_key_find(const char *name)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

bool conf_model_name_ok(const char *m)
{
	size_t n = strlen(m);
	if (n == 0 || n > 200)
		return false;
	return strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/-+@") == n;
}

static bool parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*out = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool parse_number(const struct conf_key *k, const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = k->kind == CONF_NUMBER ? strtod(v, &end) : (double)strtoll(v, &end, 10);
	if (errno || end == v || *end || !isfinite(d) || d < k->min || d > k->max)
		return false;
	*out = d;
	return true;
}

const char *conf_canonical(const struct conf_key *k, const char *v, char canon[CONF_CANON_MAX])
{
	double d;
	bool b;
	switch (k->kind) {
	case CONF_TEXT:
		return k->max == 0 || strlen(v) <= (size_t)k->max ? v : NULL;
	case CONF_MODEL:
		return !*v || conf_model_name_ok(v) ? v : NULL;
	case CONF_BOOL:
		return parse_bool(v, &b) ? (b ? "1" : "0") : NULL;
	case CONF_NUMBER:
		if (!parse_number(k, v, &d))
			return NULL;
		snprintf(canon, CONF_CANON_MAX, "%.6g", d);
		return canon;
	case CONF_INT:
	case CONF_SIZE:
		if (!parse_number(k, v, &d))
			return NULL;
		snprintf(canon, CONF_CANON_MAX, "%lld", (long long)d);
		return canon;
	}
	return NULL;
}

void conf_rule(const struct conf_key *k, char *out, size_t n)
{
	switch (k->kind) {
	case CONF_TEXT:
		if (k->max > 0)
			snprintf(out, n, "at most %.0f bytes", k->max);
		else
			snprintf(out, n, "any text");
		break;
	case CONF_MODEL:
		snprintf(out, n, "a model name such as llama3.2:1b, or empty");
		break;
	case CONF_BOOL:
		snprintf(out, n, "1 or 0");
		break;
	case CONF_NUMBER:
		snprintf(out, n, "a number from %g to %g", k->min, k->max);
		break;
	default:
		snprintf(out, n, "a whole number from %.0f to %.0f", k->min, k->max);
	}
}

static int conf_set(struct conf *c, const struct conf_key *k, const char *value)
{
	char canon[CONF_CANON_MAX];
	const char *v = conf_canonical(k, value, canon);
	if (!v)
		return -1;
	void *field = (char *)c + k->offset;
	switch (k->kind) {
	case CONF_TEXT:
	case CONF_MODEL:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		break;
	case CONF_BOOL:
		*(bool *)field = v[0] == '1';
		break;
	case CONF_NUMBER:
		*(double *)field = strtod(v, NULL);
		break;
	case CONF_SIZE:
		*(size_t *)field = (size_t)strtoull(v, NULL, 10);
		break;
	case CONF_INT:
		*(long *)field = strtol(v, NULL, 10);
		break;
	}
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
	const struct conf_key *k = conf_key_find(key);
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

/* The folder relative paths are relative to: the microchat-data folder,
 * else the one above conf/ (the file's folder's parent); none when no file
 * was read (they stay relative to the working folder). */
static char *conf_base_dir(const struct conf *c)
{
	if (c->data_dir)
		return xstrdup(c->data_dir);
	if (!c->path)
		return NULL;
	char *dir = xstrdup(c->path);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	return dir;
}

static void conf_resolve_path(const char *base, char **slot)
{
	if (!base || !**slot || (*slot)[0] == '/')
		return;
	size_t n = strlen(base) + strlen(*slot) + 2;
	char *full = xmalloc(n);
	snprintf(full, n, "%s/%s", base, *slot);
	free(*slot);
	*slot = full;
}

/* A file named in a microchat-data folder makes that folder the data
 * folder (relative paths are relative to it), however it was named. */
static void conf_note_data_dir(struct conf *c, const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		const char *base = strrchr(dir, '/');
		if (strcmp(base ? base + 1 : dir, DATADIR_NAME) == 0)
			c->data_dir = xstrdup(dir);
	}
	free(dir);
}

/* Which file: the one asked for, $MICROCHAT_CONF, a shared-hosting
 * install's microchat-data/microchat.conf, or the compiled default. */
static const char *conf_choose_file(struct conf *c, const char *path, char **owned)
{
	*owned = NULL;
	if (!path && (path = getenv("MICROCHAT_CONF")) && !*path)
		path = NULL;
	if (path) {
		conf_note_data_dir(c, path);
		return path;
	}
	if ((c->data_dir = datadir_find_here())) {
		size_t n = strlen(c->data_dir) + sizeof(DATADIR_CONF) + 1;
		*owned = xmalloc(n);
		snprintf(*owned, n, "%s/%s", c->data_dir, DATADIR_CONF);
		return *owned;
	}
	return MC_DEFAULT_CONF;
}

int conf_load(struct conf *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++)
		if (conf_set(c, &conf_keys[i], conf_keys[i].def) < 0)
			util_die("bad compiled default for %s", conf_keys[i].name);
	char *owned;
	int rc = conf_read_file(c, conf_choose_file(c, path, &owned));
	free(owned);
	for (size_t i = 0; i < MC_ARRAY_LEN(conf_keys); i++) {
		const char *v = getenv(conf_keys[i].env);
		if (v && *v && conf_set(c, &conf_keys[i], v) < 0) {
			fprintf(stderr, "microchat: bad value in $%s\n", conf_keys[i].env);
			rc = -1;
		}
	}
	char *base = conf_base_dir(c);
	conf_resolve_path(base, &c->db_path);
	conf_resolve_path(base, &c->cache_dir);
	free(base);
	return rc;
}

const char *conf_string(const struct conf *c, const struct conf_key *k)
{
	if (k->kind != CONF_TEXT && k->kind != CONF_MODEL)
		return NULL;
	return *(char *const *)(const void *)((const char *)c + k->offset);
}

int conf_format(const struct conf *c, const char *key, char *out, size_t n)
{
	const struct conf_key *k = conf_key_find(key);
	if (!k)
		return -1;
	const void *field = (const char *)c + k->offset;
	switch (k->kind) {
	case CONF_TEXT:
	case CONF_MODEL:
		snprintf(out, n, "%s", conf_string(c, k));
		break;
	case CONF_BOOL:
		snprintf(out, n, "%d", *(const bool *)field ? 1 : 0);
		break;
	case CONF_NUMBER:
		snprintf(out, n, "%.6g", *(const double *)field);
		break;
	case CONF_SIZE:
		snprintf(out, n, "%zu", *(const size_t *)field);
		break;
	case CONF_INT:
		snprintf(out, n, "%ld", *(const long *)field);
		break;
	}
	return 0;
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
		if (conf_keys[i].kind == CONF_TEXT || conf_keys[i].kind == CONF_MODEL)
			free(*(char **)(void *)((char *)c + conf_keys[i].offset));
	free(c->path);
	free(c->data_dir);
	memset(c, 0, sizeof(*c));
}
