#!/bin/sh
# Check that the Debian packages microchat needs are installed; install the
# missing ones when run as root, else print the exact command. Usage: deps.sh run|test
set -eu
what=${1:-run}
need="build-essential pkg-config lighttpd libsqlite3-dev libcurl4-openssl-dev libsodium-dev libjansson-dev libfcgi-dev zlib1g-dev"
if [ "$what" = test ]; then
	# clang and its runtime for -fsanitize=fuzzer (tests/fuzz; Debian 12's
	# clang is 14, whose libFuzzer is only recommended, not a dependency);
	# apache2 for the shared-hosting suite (tests/lib/apache.mjs)
	need="$need libcmocka-dev chromium curl sqlite3 valgrind clang libclang-rt-14-dev apache2"
fi
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "microchat: installing Debian packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing
	else
		echo "microchat: missing Debian packages. Run:"
		echo "  sudo apt-get install -y$missing"
		exit 1
	fi
fi
