#!/usr/bin/env bash
# Every program run as a plain CGI from the shell, cgit's way (REQUEST_METHOD,
# QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, HTTP_AUTHORIZATION and a piped
# body), under valgrind, on a temporary database, with the Ollama emulator as
# the model backend. A case fails on a memory error or a definite/indirect
# leak (valgrind exits 99) or on an unexpected HTTP status.
# The last line is "N passed, N failed" (tests/run.sh reads it).
# MC_BUILD picks the build (default build); valgrind needs the plain one.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${MC_BUILD:-build}
# The programs linked against the shared C library (make dyn): valgrind
# cannot follow malloc in the fully static ones.
BIN=$ROOT/$BUILD/dyn/cgi-bin
[ -d "$BIN" ] || BIN=$ROOT/$BUILD/cgi-bin
TMP=$(mktemp -d "${TMPDIR:-/tmp}/microchat-valgrind.XXXXXX")
EMU_PID=
passed=0
failed=0
n=0

cleanup() {
	[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

VALGRIND=(valgrind -q --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
	--num-callers=30)

# The settings every run gets, and nothing else from this shell (set once
# the emulator's address is known).
BASE_ENV=()
set_base_env() {
	BASE_ENV=("PATH=$PATH" "MICROCHAT_CONF=$ROOT/conf/microchat.conf" "DB_PATH=$TMP/microchat.db"
		"OLLAMA_URL=$1" "LLM_TIMEOUT=30" "LLM_FIRST_TOKEN_TIMEOUT=20"
		"GATEWAY_INTERFACE=CGI/1.1" "SERVER_PROTOCOL=HTTP/1.1" "REMOTE_ADDR=127.0.0.1"
		"HTTP_HOST=127.0.0.1:8080" "SERVER_NAME=127.0.0.1")
}

# cgi DESCRIPTION EXPECTED-STATUS PROGRAM METHOD [options]
#   -q QUERY  -t CONTENT_TYPE  -b BODY (piped, CONTENT_LENGTH from it)
#   -l CONTENT_LENGTH (overrides)  -a TOKEN (Bearer)  -c COOKIE  -A ACCEPT
#   -e NAME=VALUE (one more variable; the last of a name wins)
# The answer's body is left in $TMP/body.
cgi() {
	local what=$1 want=$2 prog=$3 method=$4
	shift 4
	local query='' ctype='' body='' length='' token='' cookie='' accept='' opt
	local extra=()
	OPTIND=1
	while getopts 'q:t:b:l:a:c:A:e:' opt; do
		case $opt in
		q) query=$OPTARG ;; t) ctype=$OPTARG ;; b) body=$OPTARG ;; l) length=$OPTARG ;;
		a) token=$OPTARG ;; c) cookie=$OPTARG ;; A) accept=$OPTARG ;; e) extra+=("$OPTARG") ;;
		*) echo "cgi: bad option" >&2; return 2 ;;
		esac
	done
	n=$((n + 1))
	if [ ! -x "$BIN/$prog" ]; then
		echo "skip $n - $what ($BUILD/cgi-bin/$prog is not built)"
		return 0
	fi
	[ -z "$length" ] && [ -n "$body" ] && length=$(printf '%s' "$body" | wc -c)
	local vars=("${BASE_ENV[@]}")
	vars+=("REQUEST_METHOD=$method" "QUERY_STRING=$query" "SCRIPT_NAME=/cgi-bin/$prog")
	[ -n "$ctype" ] && vars+=("CONTENT_TYPE=$ctype")
	[ -n "$length" ] && vars+=("CONTENT_LENGTH=$length")
	[ -n "$token" ] && vars+=("HTTP_AUTHORIZATION=Bearer $token")
	[ -n "$cookie" ] && vars+=("HTTP_COOKIE=$cookie")
	[ -n "$accept" ] && vars+=("HTTP_ACCEPT=$accept")
	vars+=("${extra[@]}")
	local out=$TMP/out.$n log=$TMP/valgrind.$n rc status
	printf '%s' "$body" | env -i "${vars[@]}" "${VALGRIND[@]}" --log-file="$log" "$BIN/$prog" > "$out" 2> "$TMP/stderr.$n"
	rc=$?
	status=$(head -1 "$out" | tr -d '\r' | sed -n 's/^Status: \([0-9]*\).*/\1/p')
	sed '1,/^\r\{0,1\}$/d' "$out" > "$TMP/body"
	if [ "$rc" = 0 ] && [ "$status" = "$want" ]; then
		passed=$((passed + 1))
		echo "ok $n - $what ($status)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $what: exit $rc, status ${status:-none}, wanted $want"
		sed 's/^/#   /' "$log" "$TMP/stderr.$n" | head -60
		head -c 600 "$TMP/body" | sed 's/^/#   body: /'
		echo
	fi
}

# A JSON value of the last answer (jq path).
field() {
	jq -r "$1" "$TMP/body" 2>/dev/null
}

start_emulator() {
	node tests/emulator/ollama-emulator.mjs --port-file "$TMP/emulator.port" > "$TMP/emulator.log" 2>&1 &
	EMU_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$TMP/emulator.port" ] && break
		sleep 0.05
	done
	set_base_env "http://127.0.0.1:$(cat "$TMP/emulator.port")"
}

if ! command -v valgrind > /dev/null; then
	echo "valgrind is not installed (apt-get install valgrind)"
	echo "0 passed, 1 failed"
	exit 1
fi
case $BUILD in *asan*) echo "valgrind cannot run sanitizer builds ($BUILD)"; echo "0 passed, 1 failed"; exit 1 ;; esac

start_emulator
n=$((n + 1))
if env -i "${BASE_ENV[@]}" "${VALGRIND[@]}" --log-file="$TMP/valgrind.migrate" \
	"$ROOT/$BUILD/bin/microchat-admin" migrate > /dev/null 2> "$TMP/stderr.migrate"; then
	passed=$((passed + 1))
	echo "ok $n - microchat-admin migrate"
else
	failed=$((failed + 1))
	echo "not ok $n - microchat-admin migrate"
	sed 's/^/#   /' "$TMP/valgrind.migrate" "$TMP/stderr.migrate" | head -40
fi

FORM=application/x-www-form-urlencoded
JSON=application/json

# Accounts.
cgi 'register (form)' 201 register POST -t $FORM -b 'username=valeria&password=contrase%C3%B1a+larga'
TOKEN=$(field .token)
cgi 'register the same name again' 409 register POST -t $FORM -b 'username=Valeria&password=otra+clave+larga'
cgi 'login, good password (JSON)' 200 login POST -t $JSON -b '{"username":"valeria","password":"contraseña larga"}'
cgi 'login, wrong password' 401 login POST -t $FORM -b 'username=valeria&password=no+es+esta'
cgi 'login, unknown user (multipart)' 401 login POST -t 'multipart/form-data; boundary=XyZ' \
	-b $'--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nnadie\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\nclave larga 123\r\n--XyZ--\r\n'
cgi 'GET login with a Bearer token' 200 login GET -a "$TOKEN"
cgi 'GET login with the cookie' 200 login GET -c "theme=dark; session=$TOKEN"
cgi 'GET login without a session' 401 login GET

# Models and chat against the emulator.
cgi 'models' 200 models GET -a "$TOKEN"
cgi 'chat, JSON answer' 200 chat POST -a "$TOKEN" -t $FORM -b 'message=Hola%2C+%C2%BFqu%C3%A9+tal%3F'
CONVO=$(field .conversation_id)
cgi 'chat, streamed (SSE) in the same conversation' 200 chat POST -a "$TOKEN" -A text/event-stream \
	-t $JSON -b "{\"message\":\"y ahora en streaming\",\"conversation_id\":$CONVO}"
cgi 'chat, the model breaks mid-stream' 200 chat POST -a "$TOKEN" -A text/event-stream \
	-t $FORM -b 'message=se+corta+%5B%5Bdrop%3D3%5D%5D'

# History.
cgi 'history list' 200 history GET -a "$TOKEN"
cgi 'history search' 200 history GET -a "$TOKEN" -q 'q=hola&limit=5'
cgi 'history one conversation' 200 history GET -a "$TOKEN" -q "id=$CONVO"
cgi 'history rename' 200 history POST -a "$TOKEN" -t $JSON -b "{\"action\":\"rename\",\"id\":$CONVO,\"title\":\"Título nuevo\"}"
cgi 'history, a conversation that does not exist' 404 history GET -a "$TOKEN" -q 'id=999999'
cgi 'history without a session' 401 history GET

# The shop's programs, when built.
cgi 'catalog categories' 200 catalog GET -a "$TOKEN"
cgi 'catalog search' 200 catalog GET -a "$TOKEN" -q 'q=arroz&max_price=5000'
cgi 'directory search' 200 directory GET -a "$TOKEN" -q 'q=valparaiso'

cgi 'health' 200 health GET

# Assistants, visitors and the widget's page.
cgi 'assistants, anyone' 200 assistants GET -q 'lang=en'
cgi 'assistants, the admin view' 200 assistants GET -a "$TOKEN"
cgi 'assistants save (a new one, every kind of field)' 201 assistants POST -a "$TOKEN" -t $FORM \
	-b 'action=save&slug=soporte&name=Soporte&sources=catalog%2Cdirectory&public=1&temperature=0.3&embed_origins=https%3A%2F%2FShop.Example%2F&quick_actions=%5B%7B%22label%22%3A%22Hola%22%2C%22text%22%3A%22hola%22%7D%5D'
cgi 'assistants save, a bad origin' 400 assistants POST -a "$TOKEN" -t $FORM -b 'action=save&slug=soporte&embed_origins=shop.example'
cgi 'assistants delete a built-in' 409 assistants POST -a "$TOKEN" -t $FORM -b 'action=delete&slug=tienda'
cgi 'a visitor session' 201 guest POST -t $FORM -b 'assistant=soporte'
GUEST=$(field .token)
cgi 'a visitor chats (streamed, with cards)' 200 chat POST -a "$GUEST" -A text/event-stream -t $FORM \
	-b 'message=hola%2C+busco+celulares+samsung&assistant=soporte'
cgi 'a visitor greets (template answer)' 200 chat POST -a "$GUEST" -t $FORM -b 'message=hola&assistant=soporte'
cgi 'a visitor and a members-only assistant' 403 chat POST -a "$GUEST" -t $FORM -b 'message=hola&assistant=general'
cgi 'a visitor and the stats' 403 stats GET -a "$GUEST"
cgi 'a visitor registers, keeping the conversations' 201 register POST -a "$GUEST" -t $FORM -b 'username=visita&password=clave+larga+1'
cgi 'the widget page' 200 embed GET -q 'assistant=soporte'
cgi 'the widget page, unknown assistant' 404 embed GET -q 'assistant=nadie'
cgi 'stats with assistants and visitors' 200 stats GET -a "$TOKEN"
cgi 'assistants delete' 200 assistants POST -a "$TOKEN" -t $FORM -b 'action=delete&slug=soporte'

# Shop data: CSV uploads (a dry run, an import, a wrong header) and a backup.
# Each part without its final CRLF ($(...) would drop it): parts joins them.
CSV_PART() { # field, file name, text
	printf -- '--B\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: text/csv\r\n\r\n%s' "$1" "$2" "$3"
}
FIELD_PART() { printf -- '--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s' "$1" "$2"; }
parts() { local p; for p in "$@"; do printf '%s\r\n' "$p"; done; printf -- '--B--\r\n'; }
CATS=$'slug,name,parent_slug\nvg-cat,Valgrind,\n'
PRODS=$'sku,name,category_slug,brand,price\nVG-1,Uno,vg-cat,Acme,1000\nVG-2,Dos,vg-cat,Acme,12.5\n'
MP='multipart/form-data; boundary=B'
cgi 'data: catalog dry run (multipart, two files)' 200 data POST -a "$TOKEN" -t "$MP" \
	-b "$(parts "$(FIELD_PART action import_catalog)" "$(FIELD_PART dry_run 1)" "$(CSV_PART file p.csv "$PRODS")" "$(CSV_PART file c.csv "$CATS")")"
cgi 'data: catalog import' 200 data POST -a "$TOKEN" -t "$MP" \
	-b "$(parts "$(FIELD_PART action import_catalog)" "$(CSV_PART file p.csv "$PRODS")" "$(CSV_PART file c.csv "$CATS")")"
[ "$(field .new)" = 2 ] || { failed=$((failed + 1)); echo "not ok - data: the import wrote $(field .new) rows, not 2"; }
cgi 'data: a wrong header' 400 data POST -a "$TOKEN" -t "$MP" \
	-b "$(parts "$(FIELD_PART action import_offices)" "$(CSV_PART file o.csv $'municipio,color\nA,B\n')")"
[ "$(field .expected)" != null ] || { failed=$((failed + 1)); echo "not ok - data: the wrong header's answer names no columns"; }
cgi 'data: backup' 200 data GET -a "$TOKEN" -q 'action=backup'
cgi 'data: backup by POST' 405 data POST -a "$TOKEN" -t $FORM -b 'action=backup'

# A new install's first request: the schema and the seed, under the lock.
cgi 'first request on no database (creates it, loads the seed)' 201 register POST -t $FORM \
	-b 'username=primera&password=clave+larga+1' -e "DB_PATH=$TMP/fresh.db" -e FIRST_RUN_SEED=1

# Bad input.
cgi 'body over the limit' 413 login POST -t $FORM -l 2000000
cgi 'unknown content type' 415 login POST -t text/plain -b 'username=a&password=b'
cgi 'malformed JSON' 400 history POST -a "$TOKEN" -t $JSON -b '{"action": "rename", "id": '
cgi 'invalid UTF-8 (form)' 400 register POST -t $FORM -b 'username=ana%FF%FE&password=clave+larga+1'
cgi 'invalid UTF-8 (JSON)' 400 chat POST -a "$TOKEN" -t $JSON -b $'{"message":"\xff\xfe"}'
cgi 'a NUL byte in a field' 400 login POST -t $FORM -b 'username=a%00b&password=clave+larga+1'
cgi 'wrong method' 405 history PUT -a "$TOKEN"

cgi 'logout' 200 logout POST -a "$TOKEN"
cgi 'the token no longer works' 401 login GET -a "$TOKEN"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
