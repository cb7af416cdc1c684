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
case "$MODE" in
cgi|fastcgi) ;;
*) echo "lighttpd.sh: MODE must be cgi or fastcgi, not '$MODE'" >&2; exit 2 ;;
esac
ADMIN="$ROOT/$BUILD/bin/microchat-admin"
mkdir -p "$RUN_DIR"
export MICROCHAT_CONF=${MICROCHAT_CONF:-$ROOT/conf/microchat.conf}

# The effective values, from the same parser the programs use.
PORT=$("$ADMIN" conf port)
BIND=$("$ADMIN" conf bind)
TIMEOUT=$("$ADMIN" conf llm_timeout)
IDLE=$((TIMEOUT + 60))
WORKERS=$("$ADMIN" conf workers)
# lighttpd buffers a whole request body before it starts a CGI: its own
# limit (in KiB) is body_limit, rounded up, so a larger body is refused
# before it is read instead of being spooled to disk first.
BODY_KB=$(( ($("$ADMIN" conf body_limit) + 1023) / 1024 ))

env_lines() {
	printf '\t"MICROCHAT_CONF" => "%s",\n' "$MICROCHAT_CONF"
	# Every setting's variable (from the programs' own table), and the
	# sanitizers' options for the test builds.
	for v in $("$ADMIN" env-names) ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		eval "val=\${$v:-}"
		# shellcheck disable=SC2154
		[ -n "$val" ] && printf '\t"%s" => "%s",\n' "$v" "$(printf '%s' "$val" | sed 's/["\\]/\\&/g')"
	done
	return 0
}

# What each program is, as the Makefile names it (CGI_ONLY_PROGRAMS,
# TWIN_PROGRAMS...), written beside the build.
KINDS="$ROOT/$BUILD/programs.env"
if [ ! -f "$KINDS" ]; then
	echo "lighttpd.sh: $KINDS is missing: run make first" >&2
	exit 1
fi
. "$KINDS"

# The programs served as FastCGI workers: every one, except CGI_ONLY_PROGRAMS.
fastcgi_names() {
	for name in $PROGRAMS; do
		case " $CGI_ONLY_PROGRAMS " in *" $name "*) continue ;; esac
		echo "$name"
	done
}

# A worker runs the program's twin in libexec/ when it has one: the same
# program linked with the shared C library, for those whose cgi-bin/ build
# is fully static but may need libcurl (TWIN_PROGRAMS).
worker_bin() {
	case " $TWIN_PROGRAMS " in
	*" $1 "*) echo "$ROOT/$BUILD/libexec/$1" ;;
	*) echo "$ROOT/$BUILD/cgi-bin/$1" ;;
	esac
}

# Repeat the lines between @FASTCGI_EACH@ and @FASTCGI_END@ once per
# program, with @NAME@ and @WORKER_BIN@ set, and list the names in
# @FASTCGI_NAMES@.
each_program() {
	names=$(fastcgi_names | tr '\n' ' ')
	bins=$(for n in $names; do worker_bin "$n"; done | tr '\n' ' ')
	alt=$(echo $names | tr ' ' '|')
	awk -v names="$names" -v bins="$bins" -v alt="$alt" '
		$0 == "@FASTCGI_EACH@" { inblock = 1; n = 0; next }
		$0 == "@FASTCGI_END@" {
			k = split(names, list, " ")
			split(bins, bin, " ")
			for (i = 1; i <= k; i++)
				for (j = 1; j <= n; j++) {
					l = block[j]; gsub(/@NAME@/, list[i], l); gsub(/@WORKER_BIN@/, bin[i], l); print l
				}
			inblock = 0; next
		}
		inblock { block[++n] = $0; next }
		{ gsub(/@FASTCGI_NAMES@/, alt); print }
	' "$1"
}

fill() {
	sed -e "s|@HTDOCS@|$ROOT/htdocs|g" -e "s|@ERRORS@|$ROOT/conf/errors|g" -e "s|@CGI_DIR@|$ROOT/$BUILD/cgi-bin|g" \
	    -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@PORT@|$PORT|g" -e "s|@BIND@|$BIND|g" \
	    -e "s|@IDLE@|$IDLE|g" -e "s|@WORKERS@|$WORKERS|g" \
	    -e "s|@BODY_KB@|$BODY_KB|g"
}

out="$RUN_DIR/lighttpd.conf"
envfile="$RUN_DIR/env.conf"
env_lines > "$envfile"
{
	fill < "$ROOT/conf/lighttpd.conf.in" | sed -e "/@ENVIRONMENT@/{r $envfile" -e 'd}'
	each_program "$ROOT/conf/lighttpd-$MODE.conf.in" | fill | sed -e "/@ENVIRONMENT@/{r $envfile" -e 'd}'
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
