#!/usr/bin/env bash
# How fast GET /cgi-bin/stats answers on a large database: one million
# messages and one million requests (bench/stats-gen.sql) in a fresh file,
# then the stats program timed for days=1, 7 and 30, run directly as a CGI
# from the shell (process start included) and through lighttpd with curl.
# Also checks the 30-day p95 latency against a plain sort of the log.
#
#   bash bench/stats-bench.sh            # needs `make` first
#   RUNS=20 KEEP=1 bash bench/stats-bench.sh
#   REUSE=/tmp/microchat-stats-bench.XXXX/bench.db bash bench/stats-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
RUNS=${RUNS:-10}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/microchat-stats-bench.XXXXXX")
export DB_PATH="${REUSE:-$WORK/bench.db}" MICROCHAT_CONF="$ROOT/conf/microchat.conf" OLLAMA_URL=http://127.0.0.1:9
LIGHTTPD_PID=
cleanup() {
	[ -n "$LIGHTTPD_PID" ] && kill "$LIGHTTPD_PID" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# min / median / max of the numbers on stdin
summary() { sort -n | awk '{ v[NR] = $1 } END { printf "min %d ms, median %d ms, max %d ms", v[1], v[int((NR + 1) / 2)], v[NR] }'; }

cgi() { # query -> the body of the stats answer
	REQUEST_METHOD=GET QUERY_STRING="$1" HTTP_AUTHORIZATION="Bearer $TOKEN" \
		"$ROOT/$BUILD/cgi-bin/stats" | sed '1,/^\r$/d'
}

post() { # program body -> the answer's body
	printf '%s' "$2" | REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
		CONTENT_LENGTH=${#2} "$ROOT/$BUILD/cgi-bin/$1" | sed '1,/^\r$/d'
}
admin='username=benchadmin&password=bench-password-1'
if [ -n "${REUSE:-}" ]; then
	echo "== reusing $DB_PATH"
	TOKEN=$(post login "$admin" | jq -r .token)
else
	echo "== building the database in $WORK"
	"$ROOT/$BUILD/bin/microchat-admin" migrate > /dev/null
	"$ROOT/$BUILD/bin/microchat-admin" seed "$ROOT/db/seed" > /dev/null
	TOKEN=$(post register "$admin" | jq -r .token)
	[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || { echo "could not register the admin" >&2; exit 1; }
	t0=$(ms_now)
	sqlite3 "$DB_PATH" < "$ROOT/bench/stats-gen.sql" > /dev/null
	echo "generated in $(( ($(ms_now) - t0) / 1000 )) s"
fi
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || { echo "no admin session" >&2; exit 1; }
sqlite3 "$DB_PATH" "SELECT 'messages ' || (SELECT count(*) FROM messages) || ', requests ' ||
	(SELECT count(*) FROM ops_requests) || ', model calls ' || (SELECT count(*) FROM ops_llm_calls) ||
	', NLU log ' || (SELECT count(*) FROM nlu_log) || ', roll-up rows ' ||
	((SELECT count(*) FROM ops_roll) + (SELECT count(*) FROM ops_roll_bins) +
	 (SELECT count(*) FROM ops_roll_models) + (SELECT count(*) FROM ops_roll_errors) +
	 (SELECT count(*) FROM ops_roll_backends) + (SELECT count(*) FROM ops_roll_intents) +
	 (SELECT count(*) FROM ops_roll_products))"
echo "file $(du -h "$DB_PATH" | cut -f1)"

echo "== the stats program run as a CGI from the shell ($RUNS runs each)"
for days in 1 7 30; do
	cgi "days=$days" > "$WORK/stats-$days.json"
	jq -e '.period.messages > 0' "$WORK/stats-$days.json" > /dev/null
	for _ in $(seq "$RUNS"); do
		a=$(ms_now)
		cgi "days=$days" > /dev/null
		echo $(( $(ms_now) - a ))
	done | summary
	echo "  days=$days (program's own took_ms: $(jq .took_ms "$WORK/stats-$days.json"))"
done

echo "== through lighttpd (curl, plain CGI)"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT BIND=127.0.0.1 ROOT BUILD RUN_DIR="$WORK/run" MODE=cgi
conf=$(sh "$ROOT/conf/lighttpd.sh")
lighttpd -D -f "$conf" & LIGHTTPD_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
for days in 1 7 30; do
	for _ in $(seq "$RUNS"); do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" \
			"http://127.0.0.1:$PORT/cgi-bin/stats?days=$days" |
			awk '$1 != 200 { print "HTTP " $1 > "/dev/stderr"; exit 1 } { printf "%d\n", $2 * 1000 }'
	done | summary
	echo "  days=$days"
done

echo "== the 30-day figures against a plain sort of the log"
since=$(jq -r .since "$WORK/stats-30.json")
until=$(jq -r .until "$WORK/stats-30.json")
sql_p() { # metric column, outcome filter, percentile
	sqlite3 "$DB_PATH" "WITH w AS (SELECT $1 AS v FROM ops_llm_calls WHERE $2
		AND at_ms >= strftime('%s', '$since') * 1000 AND at_ms < strftime('%s', '$until') * 1000)
		SELECT v FROM w ORDER BY v LIMIT 1 OFFSET (SELECT (count(*) * $3 + 99) / 100 - 1 FROM w)"
}
ok=1
for p in 50 95 99; do
	lat=$(jq ".latency_ms.p$p" "$WORK/stats-30.json")
	ft=$(jq ".first_token_ms.p$p" "$WORK/stats-30.json")
	want_lat=$(sql_p total_ms "outcome = 'done'" "$p")
	want_ft=$(sql_p first_token_ms "first_token_ms IS NOT NULL" "$p")
	echo "  p$p latency $lat (sort: $want_lat), first token $ft (sort: $want_ft)"
	[ "$lat" = "$want_lat" ] && [ "$ft" = "$want_ft" ] || ok=0
done
[ "$ok" = 1 ] && echo "  exact" || { echo "  MISMATCH" >&2; exit 1; }
