#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/.
# Run from the repository root, e.g.:
#   sh tests/fuzz/build.sh && build-fuzz/fuzz_csv -max_total_time=60
#   build-fuzz/fuzz_nlu -max_total_time=60 -max_len=512
#   build-fuzz/fuzz_import -max_total_time=60 -max_len=4096
set -eu
OUT=build-fuzz
PKGS="sqlite3 libcurl libsodium jansson"
mkdir -p "$OUT"
sh db/gen-migrations.sh db/migrations/*.sql > "$OUT/migrations.c"
FLAGS="-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -Ilib $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lfcgi -lm"
# The library in its folders; curl_none stands in for libcurl in static
# programs only.
SRC=$(ls lib/*/*.c | grep -v '/curl_none\.c$')
for t in fuzz_csv fuzz_nlu fuzz_import; do
	clang $FLAGS -o "$OUT/$t" "tests/fuzz/$t.c" $SRC "$OUT/migrations.c" $LIBS
	echo "built $OUT/$t"
done
