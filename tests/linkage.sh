#!/bin/sh
# Every built program's linkage, read from its ELF headers, against what the
# Makefile says it is ($BUILD/programs.env): the fully static ones have no
# program interpreter and need no shared library, and carry no libcurl
# loader (lib/models/curl_none.c stands in); the others, and the twins in
# libexec/, are dynamic but never need libcurl (lib/models/curl_lazy.c
# loads it on first use), nor, with LINK_STATIC=1, SQLite, libsodium,
# jansson or libfcgi (linked from their archives).
# Usage: tests/linkage.sh [BUILD]. Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-${MC_BUILD:-build}}
. "$BUILD/programs.env"
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
has_interp() { readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }
in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

check_dynamic() { # path
	has_interp "$1" && pass || fail "$1 should be dynamically linked"
	libs=$(needed "$1" | tr '\n' ' ')
	case "$libs" in *libcurl*) fail "$1 needs libcurl at exec ($libs): it must be loaded lazily" ;; *) pass ;; esac
	if [ "$LINK_STATIC" = 1 ]; then
		for l in $STATIC_LIBS; do
			case "$libs" in *"lib$l."*) fail "$1 needs lib$l shared, but LINK_STATIC=1 links it from its archive" ;; esac
		done
	fi
}

check_static() { # path
	has_interp "$1" && fail "$1 should be fully static, but asks for a program interpreter" || pass
	[ -z "$(needed "$1")" ] && pass || fail "$1 should be fully static, but needs: $(needed "$1" | tr '\n' ' ')"
	grep -q 'libcurl-gnutls.so.4' "$1" && fail "$1 is static but carries curl_lazy's libcurl loader" || pass
}

for name in $PROGRAMS; do
	bin=$BUILD/cgi-bin/$name
	[ -x "$bin" ] || { fail "$bin was not built"; continue; }
	if in_list "$name" "$FULL_STATIC_PROGRAMS"; then
		check_static "$bin"
	else
		check_dynamic "$bin"
	fi
	if in_list "$name" "$TWIN_PROGRAMS"; then
		[ -x "$BUILD/libexec/$name" ] && check_dynamic "$BUILD/libexec/$name" || fail "$name has no twin in libexec/"
	fi
done
# Nothing but the programs in the served folder.
for f in "$BUILD"/cgi-bin/*; do
	in_list "${f##*/}" "$PROGRAMS" && pass || fail "$f is served from cgi-bin/ but is not a program"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
