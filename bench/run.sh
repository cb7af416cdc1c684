#!/usr/bin/env bash
# make bench: one run, side by side, through the project's own lighttpd
# configuration in plain CGI mode and then in FastCGI mode (same lighttpd,
# same database, same Ollama emulator): a static file, a trivial C CGI (the
# floor of what a CGI can cost here), and the read endpoints history, login,
# models and catalog. For each: requests/s, p50 and p99 latency (wrk), and
# the rate as a ratio of the trivial CGI's in the same mode. Then the
# targets (PASS/FAIL), memory at rest and under load, and the time to first
# token through /cgi-bin/chat against asking the emulator directly.
#
# Settings (environment): BENCH_ROUNDS (2: every row measured once per
# round, rates averaged), BENCH_SECONDS per measurement (5), BENCH_THREADS
# (2) and BENCH_CONNECTIONS (16) for wrk, WORKERS per program in FastCGI
# mode (the `workers` setting, 2), BENCH_TTFT_ROUNDS (20), BUILD (build).
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
ROUNDS=${BENCH_ROUNDS:-2}
SECS=${BENCH_SECONDS:-5}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
TTFT_ROUNDS=${BENCH_TTFT_ROUNDS:-20}
ADMIN=$ROOT/$BUILD/bin/microchat-admin
TMP=$(mktemp -d "${TMPDIR:-/tmp}/microchat-bench.XXXXXX")
SERVER_PID=
EMU_PID=
SAMPLER_PID=

stop_server() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
	SAMPLER_PID=
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		sleep 0.3 # the FastCGI workers finish and exit
	fi
	return 0
}
cleanup() {
	stop_server
	[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

for tool in wrk lighttpd node curl jq cc; do
	command -v "$tool" > /dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
[ -x "$ADMIN" ] || make -s all

# ---- the pieces: trivial CGI, peak-memory helper, emulator, database ----

mkdir -p "$TMP/bench-cgi"
cc -O2 -o "$TMP/bench-cgi/trivial" bench/trivial.c
# The same linked -static, as most of microchat's programs are (Makefile:
# FULL_STATIC): a reference row only, the ratios stay against the usual one.
cc -O2 -static -o "$TMP/bench-cgi/trivial-static" bench/trivial.c
cc -O2 -o "$TMP/bench-cgi/floor" bench/floor.c -lsqlite3
cc -O2 -o "$TMP/trivial-fcgi" bench/trivial-fcgi.c -lfcgi
cc -O2 -o "$TMP/maxrss" bench/maxrss.c

node tests/emulator/ollama-emulator.mjs --port-file "$TMP/emulator.port" > "$TMP/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/emulator.port" ] && break; sleep 0.05; done
EMULATOR=http://127.0.0.1:$(cat "$TMP/emulator.port")
MODEL=llama3.2:1b

free_port() {
	node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

export ROOT BUILD MICROCHAT_CONF=$ROOT/conf/microchat.conf DB_PATH=$TMP/bench.db \
	OLLAMA_URL=$EMULATOR BIND=127.0.0.1 PORT
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
"$ADMIN" migrate > /dev/null
[ -d db/seed ] && "$ADMIN" seed db/seed > /dev/null 2>&1 || true

# ---- one lighttpd with the project's configuration for MODE ----

start_server() { # mode
	export MODE=$1 RUN_DIR=$TMP/run-$1
	local conf
	conf=$(sh conf/lighttpd.sh)
	# The reference programs are served by this benchmark only.
	cat >> "$conf" <<-EOF
		alias.url += ( "/bench-cgi/" => "$TMP/bench-cgi/" )
		\$HTTP["url"] =~ "^/bench-cgi/" { cgi.assign = ( "" => "" ) }
		\$HTTP["url"] == "/bench-fcgi/trivial" {
			fastcgi.server = ( "/bench-fcgi/trivial" => ((
				"socket" => "$RUN_DIR/fcgi-bench-trivial.sock", "bin-path" => "$TMP/trivial-fcgi",
				"max-procs" => $("$ADMIN" conf workers), "check-local" => "disable" )) )
		}
	EOF
	lighttpd -D -f "$conf" 2> "$RUN_DIR/stderr" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do curl -s -o /dev/null "$URL/" && break; sleep 0.05; done
	sleep 1 # lighttpd starts the FastCGI workers one after the other
}

# Pids of lighttpd and its children (CGI processes or FastCGI workers).
server_pids() {
	echo "$SERVER_PID"
	cat "/proc/$SERVER_PID/task/$SERVER_PID/children" 2>/dev/null | tr ' ' '\n' | grep . || true
}

# Proportional set size of the whole server in kB (shared pages counted once).
server_pss_kb() {
	local total=0 p kb
	for p in $(server_pids); do
		kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}

# Until killed: the largest whole-server PSS seen, every 100 ms, into $1.
sample_peak() {
	local peak=0 now
	while :; do
		now=$(server_pss_kb)
		[ "$now" -gt "$peak" ] && { peak=$now; echo "$peak" > "$1"; }
		sleep 0.1
	done
}

# ---- data: one user with 20 conversations (one exchange each) to list ----

TOKEN=
make_data() {
	TOKEN=$(curl -sf -d username=bench -d 'password=bench password 1' "$URL/cgi-bin/register" | jq -r .token)
	[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || { echo "bench: cannot register" >&2; exit 1; }
	for i in $(seq 1 20); do
		curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" \
			--data-urlencode "message=Conversación de prueba número $i: ¿qué modelos hay?" \
			-d "model=$MODEL" "$URL/cgi-bin/chat" || { echo "bench: chat failed" >&2; exit 1; }
	done
}

# ---- measuring ----

# wrk's latency in ms ("180.00us", "1.20ms", "2.00s").
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

declare -A RATE P50 P99
measure() { # mode name path
	local mode=$1 name=$2 path=$3 out=$TMP/wrk.$1.$2 status
	status=$(curl -s -o "$TMP/check" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL$path")
	if [ "$status" != 200 ]; then
		echo "bench: $path answers $status: $(head -c 300 "$TMP/check")" >&2
		exit 1
	fi
	wc -c < "$TMP/check" | tr -d ' ' > "$TMP/size.$(basename "$path")"
	wrk -t"$THREADS" -c"$CONNS" -d1s -H "Authorization: Bearer $TOKEN" "$URL$path" > /dev/null
	wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$URL$path" > "$out"
	if grep -qE 'Non-2xx|Socket errors' "$out"; then
		echo "bench: errors while measuring $path:" >&2
		grep -E 'Non-2xx|Socket errors' "$out" >&2
		exit 1
	fi
	RATE[$mode.$name]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
	P50[$mode.$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
	P99[$mode.$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
}

# floor and trivial_fcgi are for reading the others: what any CGI that
# opens this database pays, and what any FastCGI worker costs here.
ROWS=(static trivial trivial_static floor trivial_fcgi history login models)
declare -A PATHS=([static]=/index.html [trivial]=/bench-cgi/trivial [trivial_static]=/bench-cgi/trivial-static
	[floor]=/bench-cgi/floor
	[trivial_fcgi]=/bench-fcgi/trivial [history]=/cgi-bin/history [login]=/cgi-bin/login
	[models]=/cgi-bin/models [catalog]=/cgi-bin/catalog)
declare -A SKIP=([cgi.trivial_fcgi]=1 [fastcgi.floor]=1 [fastcgi.trivial_static]=1)
# The rows that are references, not endpoints of microchat.
declare -A REFERENCE=([static]=1 [trivial]=1 [trivial_static]=1 [floor]=1 [trivial_fcgi]=1)
if [ -x "$BUILD/cgi-bin/catalog" ]; then
	ROWS+=(catalog)
else
	CATALOG_NOTE="catalog: skipped, $BUILD/cgi-bin/catalog is not built (cgi-bin/catalog.c missing)"
fi

declare -A REST_PSS PEAK_PSS WORKER_RSS WORKER_HWM
run_mode() { # mode
	local mode=$1 name
	start_server "$mode"
	[ -z "$TOKEN" ] && make_data
	# Every path once, so caches and workers are warm, then the server at rest.
	for name in "${ROWS[@]}"; do
		[ -n "${SKIP[$mode.$name]:-}" ] || curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL${PATHS[$name]}"
	done
	sleep 0.5
	REST_PSS[$mode]=$(server_pss_kb)
	# Rounds of: the trivial CGI, every row, the trivial CGI again (its mean
	# is the reference of the mode). A row's rate is its mean over the
	# rounds, so a slow moment of this shared machine weighs less.
	local round rate
	for round in $(seq 1 "$ROUNDS"); do
		measure "$mode" "trivial_a.$round" "${PATHS[trivial]}"
		for name in "${ROWS[@]}"; do
			[ "$name" = trivial ] || [ -n "${SKIP[$mode.$name]:-}" ] ||
				measure "$mode" "$name.$round" "${PATHS[$name]}"
		done
		measure "$mode" "trivial_b.$round" "${PATHS[trivial]}"
	done
	for name in trivial_a trivial_b "${ROWS[@]}"; do
		[ "$name" = trivial ] || [ -n "${SKIP[$mode.$name]:-}" ] || {
			rate=0
			for round in $(seq 1 "$ROUNDS"); do rate=$((rate + RATE[$mode.$name.$round])); done
			RATE[$mode.$name]=$((rate / ROUNDS))
			P50[$mode.$name]=${P50[$mode.$name.1]}
			P99[$mode.$name]=${P99[$mode.$name.1]}
		}
	done
	RATE[$mode.trivial]=$(( (RATE[$mode.trivial_a] + RATE[$mode.trivial_b]) / 2 ))
	P50[$mode.trivial]=${P50[$mode.trivial_a]}
	P99[$mode.trivial]=${P99[$mode.trivial_a]}
	# Memory under load in a pass of its own: sampling /proc every 100 ms
	# costs CPU that the rates above would otherwise lose.
	sample_peak "$TMP/peak.$mode" &
	SAMPLER_PID=$!
	for name in "${ROWS[@]}"; do
		[ -n "${REFERENCE[$name]:-}" ] && continue
		wrk -t"$THREADS" -c"$CONNS" -d2s -H "Authorization: Bearer $TOKEN" "$URL${PATHS[$name]}" > /dev/null
	done
	kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true
	SAMPLER_PID=
	PEAK_PSS[$mode]=$(cat "$TMP/peak.$mode" 2>/dev/null || echo 0)
	[ "$mode" = fastcgi ] && worker_memory
	stop_server
}

# The largest worker of each program: resident now (after the load) and peak.
worker_memory() {
	local p exe name rss hwm
	for p in $(server_pids); do
		[ "$p" = "$SERVER_PID" ] && continue
		exe=$(tr '\0' '\n' < "/proc/$p/cmdline" 2>/dev/null | head -1)
		name=${exe##*/}
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		[ "${rss:-0}" -gt "${WORKER_RSS[$name]:-0}" ] && WORKER_RSS[$name]=$rss
		[ "${hwm:-0}" -gt "${WORKER_HWM[$name]:-0}" ] && WORKER_HWM[$name]=$hwm
	done
	return 0
}

echo "microchat bench: $(nproc) cores, lighttpd $(lighttpd -v | head -1 | awk '{print $1}' | cut -d/ -f2)," \
	"wrk -t$THREADS -c$CONNS, ${SECS}s per row, $("$ADMIN" conf workers) FastCGI workers per program"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_mode cgi
run_mode fastcgi

# ---- time to first token and one chat process's memory (CGI in both modes) ----

start_server cgi
TTFT=$(node bench/ttft.mjs "$EMULATOR" "$URL" "$TOKEN" "$MODEL" "$TTFT_ROUNDS")
stop_server
CHAT_BODY='message=Una+pregunta+para+medir+la+memoria+de+chat'
CHAT_RSS=$(printf '%s' "$CHAT_BODY" | env \
	REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#CHAT_BODY} \
	HTTP_AUTHORIZATION="Bearer $TOKEN" HTTP_ACCEPT=text/event-stream REMOTE_ADDR=127.0.0.1 \
	"$TMP/maxrss" "$BUILD/cgi-bin/chat" 2>&1 > /dev/null | sed -n 's/^maxrss_kb=//p')
HISTORY_RSS=$(env REQUEST_METHOD=GET HTTP_AUTHORIZATION="Bearer $TOKEN" REMOTE_ADDR=127.0.0.1 \
	"$TMP/maxrss" "$BUILD/cgi-bin/history" 2>&1 < /dev/null > /dev/null | sed -n 's/^maxrss_kb=//p')

# ---- report ----

curl_size() { cat "$TMP/size.$(basename "$1")" 2>/dev/null || echo "?"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "–" }'; }
cells() { # mode name: rate, p50, p99, ratio (or dashes when not measured in that mode)
	if [ -n "${SKIP[$1.$2]:-}" ]; then
		printf '– | – | – | –'
	else
		printf '%s | %s | %s | %s' "${RATE[$1.$2]}" "${P50[$1.$2]}" "${P99[$1.$2]}" "$(ratio "${RATE[$1.$2]}" "${RATE[$1.trivial]}")"
	fi
}
echo
echo "| endpoint | CGI req/s | p50 ms | p99 ms | × trivial | FastCGI req/s | p50 ms | p99 ms | × trivial |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in "${ROWS[@]}"; do
	printf '| %s | %s | %s |\n' "${PATHS[$name]}" "$(cells cgi "$name")" "$(cells fastcgi "$name")"
done
echo "(/cgi-bin/history answers $(curl_size /cgi-bin/history) bytes, /cgi-bin/catalog $(curl_size /cgi-bin/catalog) bytes;"
echo " trivial CGI: mean of a run before and after the others in each of $ROUNDS rounds; CGI mode ${RATE[cgi.trivial_a]}"
echo " and ${RATE[cgi.trivial_b]}, FastCGI mode ${RATE[fastcgi.trivial_a]} and ${RATE[fastcgi.trivial_b]} req/s; rates are means over the"
echo " rounds, p50 and p99 those of the first round)"
[ -n "${CATALOG_NOTE:-}" ] && echo "$CATALOG_NOTE"

echo
echo "Targets (ratios within this run):"
failures=0
target() { # description value minimum
	if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v >= m) }'; then
		echo "  PASS  $1: $2 (at least $3)"
	else
		echo "  FAIL  $1: $2 (at least $3)"
		failures=$((failures + 1))
	fi
}
for name in "${ROWS[@]}"; do
	[ -n "${REFERENCE[$name]:-}" ] && continue
	target "CGI mode, ${PATHS[$name]} / trivial CGI" "$(ratio "${RATE[cgi.$name]}" "${RATE[cgi.trivial]}")" 0.80
done
target "FastCGI mode, /cgi-bin/history / trivial CGI" "$(ratio "${RATE[fastcgi.history]}" "${RATE[fastcgi.trivial]}")" 6

echo
echo "Memory (PSS: shared pages counted once; RSS and peak per process):"
echo "  whole server, CGI mode:     at rest ${REST_PSS[cgi]} kB, peak under load ${PEAK_PSS[cgi]} kB"
echo "  whole server, FastCGI mode: at rest ${REST_PSS[fastcgi]} kB, peak under load ${PEAK_PSS[fastcgi]} kB"
for name in $(printf '%s\n' "${!WORKER_RSS[@]}" | sort); do
	echo "  FastCGI worker $name: RSS ${WORKER_RSS[$name]} kB after the load, peak ${WORKER_HWM[$name]} kB"
done
echo "  one history CGI process: peak ${HISTORY_RSS:-?} kB"
echo "  one chat process (streamed reply): peak ${CHAT_RSS:-?} kB"

echo
echo "Time to first token, $TTFT_ROUNDS rounds (ms): $TTFT"
echo "$TTFT" | jq -r '"  directly from the emulator: p50 \(.direct.p50), p90 \(.direct.p90)\n  through /cgi-bin/chat:      p50 \(.chat.p50), p90 \(.chat.p90)\n  extra through microchat:    p50 \((.chat.p50 - .direct.p50) * 100 | round / 100), p90 \((.chat.p90 - .direct.p90) * 100 | round / 100)"'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$failures" = 0 ]
