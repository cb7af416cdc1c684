#!/bin/sh
# Build every libFuzzer target (tests/fuzz/fuzz_*.c) with clang, ASan and
# UBSan into build-fuzz/. The library is compiled once into build-fuzz/obj
# (again only when a source or any header is newer) and linked into each.
# Run from the repository root, e.g.:
#   sh tests/fuzz/build.sh && build-fuzz/fuzz_csv -max_total_time=60
#   build-fuzz/fuzz_nlu -max_total_time=60 -max_len=512
# tests/fuzz/run.sh builds and runs them all briefly (make test does).
set -eu
cd "$(dirname "$0")/../.."
OUT=build-fuzz
OBJ=$OUT/obj
PKGS="sqlite3 libcurl libsodium jansson"
mkdir -p "$OBJ"
FLAGS="-g -O1 -std=c11 -Ilib $(pkg-config --cflags $PKGS)"
SAN="-fsanitize=address,undefined"
LIBS="$(pkg-config --libs $PKGS) -lfcgi -lm"
export CC=${CC:-clang}
[ "$CC" = cc ] && CC=clang # make's default is not a fuzzing compiler

# The generated tables (as the Makefile makes them): the schema and the seed.
gen() { # script output.c inputs...
	script=$1 out=$2
	shift 2
	sh "$script" "$@" > "$out.tmp"
	if cmp -s "$out.tmp" "$out"; then rm "$out.tmp"; else mv "$out.tmp" "$out"; fi
}
gen db/gen-migrations.sh "$OBJ/migrations.c" db/migrations/*.sql
gen db/gen-seed.sh "$OBJ/seed.c" db/seed/*.csv

# curl_none.c stands in for libcurl in fully static programs only; it
# defines the same names as curl_lazy.c (as in the Makefile's LIB_SRC).
srcs="$(ls lib/*/*.c | grep -v '^lib/models/curl_none\.c$') $OBJ/migrations.c $OBJ/seed.c"
obj_of() { echo "$OBJ/$(echo "$1" | tr / _).o"; }
newest_h=$(ls -t lib/*/*.h | head -1)
stale=""
objs=""
for c in $srcs; do
	o=$(obj_of "$c")
	objs="$objs $o"
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then stale="$stale $c"; fi
done
# Library objects get the fuzzer's coverage hooks but not its main().
for c in $stale; do echo "$c"; done | xargs -r -P2 -I{} sh -c \
	'o="$1/$(echo "$2" | tr / _).o"; $CC $3 -fsanitize=fuzzer-no-link -c -o "$o.tmp" "$2" && mv "$o.tmp" "$o"' \
	sh "$OBJ" {} "$FLAGS $SAN"

for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	# shellcheck disable=SC2086
	$CC $FLAGS $SAN,fuzzer -o "$OUT/$t" "$src" $objs $LIBS
	echo "built $OUT/$t"
done
