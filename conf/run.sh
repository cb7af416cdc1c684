#!/bin/sh
# make run: create or migrate the database, load the seed data into a new
# one, write the lighttpd configuration and serve in the foreground.
# MODE=cgi (default: a process per request, works on any host) or
# MODE=fastcgi (persistent workers, `workers` of them per program).
set -eu
MODE=${MODE:-cgi}
export MODE
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
BUILD=${BUILD:-build}
ADMIN="$ROOT/$BUILD/bin/microchat-admin"
export MICROCHAT_CONF=${MICROCHAT_CONF:-$ROOT/conf/microchat.conf}

"$ADMIN" migrate
# Replies a killed server left half-written are kept as 'partial'.
"$ADMIN" settle
"$ADMIN" seed "$ROOT/db/seed"
conf=$(sh "$ROOT/conf/lighttpd.sh")
echo "microchat: serving on http://$("$ADMIN" conf bind):$("$ADMIN" conf port)/ (Ctrl-C stops)"
if [ "$MODE" = fastcgi ]; then
	echo "microchat: FastCGI mode, $("$ADMIN" conf workers) workers per program (chat stays plain CGI)"
else
	echo "microchat: plain CGI mode (MODE=fastcgi make run for persistent workers)"
fi
echo "microchat: database $("$ADMIN" conf db_path); models from $("$ADMIN" conf ollama_url)"
# Ctrl-C (SIGINT to the whole process group) or a SIGTERM to lighttpd: a
# chat still writing a reply stores it as 'partial' and stops (its parent,
# lighttpd, is gone), instead of running on or being left 'streaming'.
exec lighttpd -D -f "$conf"
