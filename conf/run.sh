#!/bin/sh
# make run: create or migrate the database, load the seed data into a new
# one, write the lighttpd configuration and serve in the foreground.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
BUILD=${BUILD:-build}
ADMIN="$ROOT/$BUILD/bin/microchat-admin"
export MICROCHAT_CONF=${MICROCHAT_CONF:-$ROOT/conf/microchat.conf}

"$ADMIN" migrate
"$ADMIN" seed "$ROOT/db/seed"
conf=$(sh "$ROOT/conf/lighttpd.sh")
echo "microchat: serving on http://$("$ADMIN" conf bind):$("$ADMIN" conf port)/ (Ctrl-C stops)"
echo "microchat: database $("$ADMIN" conf db_path); models from $("$ADMIN" conf ollama_url)"
exec lighttpd -D -f "$conf"
