#!/usr/bin/env bash
# make test: build, then every suite — C unit tests, the emulator's own
# tests, integration against real lighttpd (plain CGI and FastCGI), the
# browser tests in headless Chromium, the shared-hosting tarball under
# Apache, the sanitizer build again and the fuzz targets (when clang is
# present). Ends
# with one line "N passed, N failed" and a non-zero exit on any failure.
set -u
cd "$(dirname "$0")/.."
OUT=tests/out
mkdir -p "$OUT"
passed=0
failed=0
failed_suites=()

count_tap() { # log -> adds "# pass N" / "# fail N" of node's TAP reporter
	local p f
	p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
	f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
	echo "${p:-0} ${f:-0}"
}

record() { # suite-name passed failed exit-code
	local name=$1 p=$2 f=$3 rc=$4
	# A suite that crashed before its runner could count still fails.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" != 0 ] && failed_suites+=("$name")
	printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
}

node_suite() { # name env... -- paths
	local name=$1
	shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	local log="$OUT/$name.log"
	env "${envs[@]}" node --test --test-reporter=tap --test-timeout=300000 "$@" > "$log" 2>&1
	local rc=$?
	read -r p f < <(count_tap "$log")
	record "$name" "$p" "$f" "$rc"
	[ "$rc" != 0 ] && tap_failures "$log"
}

# Each failed test with what it said (the error of its YAML block, bounded),
# so that a run seen only through its summary still shows why.
tap_failures() { # log
	awk '/^not ok/ { print; shown = 0; inerr = 1; next }
	     inerr && /^  (stack|code|\.\.\.)/ { inerr = 0 }
	     inerr && /^  / && shown < 12 { print; shown++ }
	     /^(ok|# Subtest)/ { inerr = 0 }' "$1" | head -80
}

unit_suite() { # name build-dir
	local name=$1 dir=$2 p=0 f=0 rc=0
	local log="$OUT/$name.log"
	: > "$log"
	for t in "$dir"/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" >> "$log" 2>&1 || rc=1
	done
	p=$(grep -E '^\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END {print s+0}')
	f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
	record "$name" "$p" "$f" "$rc"
	[ "$rc" != 0 ] && grep -E '^\[  (FAILED|ERROR)' "$log" | head -20
}

build() { # name make-args...
	local name=$1
	shift
	if make -j2 "$@" all test-build > "$OUT/$name.log" 2>&1; then
		record "$name" 1 0 0
		return 0
	fi
	record "$name" 0 1 1
	tail -30 "$OUT/$name.log"
	return 1
}

script_suite() { # name command... (its last line: "N passed, N failed")
	local name=$1
	shift
	local log="$OUT/$name.log"
	"$@" > "$log" 2>&1
	local rc=$?
	read -r p f < <(tail -1 "$log" | awk '{print $1, $3}')
	record "$name" "${p:-0}" "${f:-0}" "$rc"
	[ "$rc" != 0 ] && grep -E '^FAIL' "$log" | head -20
}

script_suite layers sh tests/layers.sh
# Both locale files have the same keys, and every key the pages use exists.
node_suite locales -- tests/static/
if build build; then
	script_suite linkage sh tests/linkage.sh build
	script_suite docs bash tests/docs.sh build
	unit_suite unit build
	node_suite emulator -- tests/emulator/
	node_suite integration-cgi MC_BUILD=build MC_MODE=cgi -- tests/integration/
	if [ -f conf/lighttpd-fastcgi.conf.in ]; then
		node_suite integration-fastcgi MC_BUILD=build MC_MODE=fastcgi -- tests/integration/
	fi
	[ -d tests/browser ] && node_suite browser MC_BUILD=build MC_MODE=cgi -- tests/browser/
	# Shared hosting: the tarball of make dist unpacked by a user that is not
	# root and served by Apache (tests/lib/apache.mjs), with the integration
	# suite's core, what only Apache shows, and the shop owner's first day.
	if make dist > "$OUT/dist.log" 2>&1; then
		record dist 1 0 0
		node_suite integration-apache MC_BUILD=build MC_SERVER=apache -- \
			tests/integration/{smoke,auth,chat,history,shop-catalog,shop-directory,shop-chat,stats-figures,http,data,firstrun,config-settings}.test.mjs \
			tests/hosting/ tests/browser/shop-owner.test.mjs
	else
		record dist 0 1 1
		tail -20 "$OUT/dist.log"
	fi
	# valgrind runs the programs linked against the shared C library.
	if [ -x tests/valgrind.sh ] && build build-dyn dyn; then
		bash tests/valgrind.sh > "$OUT/valgrind.log" 2>&1
		rc=$?
		read -r p f < <(tail -1 "$OUT/valgrind.log" | awk '{print $1, $3}')
		record valgrind "${p:-0}" "${f:-0}" "$rc"
	fi
fi
if build build-asan SANITIZE=1; then
	unit_suite unit-asan build-asan
	node_suite integration-asan MC_BUILD=build-asan MC_MODE=cgi -- tests/integration/
fi
# The parsers' fuzz targets, built with clang's libFuzzer and run briefly.
if command -v clang > /dev/null 2>&1; then
	script_suite fuzz sh tests/fuzz/run.sh
else
	echo "fuzz: skipped (no clang; sh conf/deps.sh test installs it)"
fi

echo
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
