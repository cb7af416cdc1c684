#!/bin/sh
# Write the lighttpd configuration for microchat to $RUN_DIR/lighttpd.conf.
# Reads: ROOT, BUILD (build), RUN_DIR (ROOT/run), MODE (cgi|fastcgi), PORT,
# BIND, and passes the app's settings (DB_PATH, OLLAMA_URL, ...) that are
# set in the environment on to the programs.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-build}
RUN_DIR=${RUN_DIR:-$ROOT/run}
MODE=${MODE:-cgi}
ADMIN="$ROOT/$BUILD/bin/microchat-admin"
mkdir -p "$RUN_DIR"
export MICROCHAT_CONF=${MICROCHAT_CONF:-$ROOT/conf/microchat.conf}

# The effective values, from the same parser the programs use.
PORT=$("$ADMIN" conf port)
BIND=$("$ADMIN" conf bind)
TIMEOUT=$("$ADMIN" conf llm_timeout)
IDLE=$((TIMEOUT + 60))

env_lines() {
	printf '\t"MICROCHAT_CONF" => "%s",\n' "$MICROCHAT_CONF"
	for v in DB_PATH OLLAMA_URL DEFAULT_MODEL LLM_TIMEOUT LLM_FIRST_TOKEN_TIMEOUT \
		LLM_CONNECT_TIMEOUT_MS OPENAI_API_KEY BODY_LIMIT CONTEXT_TOKENS \
		LOGIN_MAX_FAILURES LOGIN_MAX_FAILURES_IP LOGIN_WINDOW_SECONDS \
		METRICS_RETENTION_DAYS SESSION_DAYS ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		eval "val=\${$v:-}"
		# shellcheck disable=SC2154
		[ -n "$val" ] && printf '\t"%s" => "%s",\n' "$v" "$(printf '%s' "$val" | sed 's/["\\]/\\&/g')"
	done
	return 0
}

fill() {
	sed -e "s|@HTDOCS@|$ROOT/htdocs|g" -e "s|@CGI_DIR@|$ROOT/$BUILD/cgi-bin|g" \
	    -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@PORT@|$PORT|g" -e "s|@BIND@|$BIND|g" \
	    -e "s|@IDLE@|$IDLE|g" -e "s|@WORKERS@|${WORKERS:-2}|g" "$1"
}

out="$RUN_DIR/lighttpd.conf"
envfile="$RUN_DIR/env.conf"
env_lines > "$envfile"
{
	fill "$ROOT/conf/lighttpd.conf.in" | sed -e "/@ENVIRONMENT@/{r $envfile" -e 'd}'
	fill "$ROOT/conf/lighttpd-$MODE.conf.in"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
