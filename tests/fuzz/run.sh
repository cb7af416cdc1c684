#!/bin/sh
# make test's fuzzing pass: build every target (tests/fuzz/build.sh), then
# run each for a few seconds from its seed corpus (tests/fuzz/corpus/NAME/,
# never written to: new inputs go to tests/out/fuzz/NAME/). A crash, a
# sanitizer report or a leak fails that target; its input is kept in
# tests/out/fuzz/ as crash-*/leak-*. Last line: "N passed, N failed".
#   FUZZ_SECONDS=60 sh tests/fuzz/run.sh   runs longer
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-10}
WORK=tests/out/fuzz
passed=0
failed=0
max_len() { # the largest input worth trying, by what each parser reads
	case "$1" in
	fuzz_nlu) echo 512 ;;    # a chat message's understanding
	fuzz_req) echo 4096 ;;   # a request's fields (a few of each kind)
	*) echo 4096 ;;
	esac
}
if ! sh tests/fuzz/build.sh; then
	echo "FAIL build: tests/fuzz/build.sh"
	echo "0 passed, 1 failed"
	exit 1
fi
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	mkdir -p "$WORK/$t"
	seeds=tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=""
	echo "== $t: ${SECONDS_EACH}s"
	# shellcheck disable=SC2086
	if "build-fuzz/$t" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$WORK/" "$WORK/$t" $seeds 2>&1; then
		echo "PASS $t"
		passed=$((passed + 1))
	else
		echo "FAIL $t: see the report above and the input kept in $WORK/"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
