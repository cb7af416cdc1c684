#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/.
# Run from the repository root, e.g.:
#   sh tests/fuzz/build.sh && build-fuzz/fuzz_csv -max_total_time=60
#   build-fuzz/fuzz_nlu -max_total_time=60 -max_len=512
set -eu
OUT=build-fuzz
PKGS="sqlite3 libcurl libsodium jansson"
mkdir -p "$OUT"
sh db/gen-migrations.sh db/migrations/*.sql > "$OUT/migrations.c"
FLAGS="-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -Ilib $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lfcgi -lm"
for t in fuzz_csv fuzz_nlu; do
	clang $FLAGS -o "$OUT/$t" "tests/fuzz/$t.c" lib/*.c "$OUT/migrations.c" $LIBS
	echo "built $OUT/$t"
done
