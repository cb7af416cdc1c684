#!/bin/sh
# The include graph of lib/: every #include "folder/name.h" of a module in
# lib/FOLDER/ must name FOLDER itself or one that lib/LAYERS lets FOLDER
# use, and the modules (name.c + name.h) must have no include cycle.
# Prints every offence; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
allowed() { # folder -> the folders it may include
	sed -n "s/^$1:[[:space:]]*//p" lib/LAYERS
}
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in lib/*/*.c lib/*/*.h; do
	folder=$(echo "$f" | cut -d/ -f2)
	grep -q "^$folder:" lib/LAYERS || { echo "FAIL $f: folder '$folder' is not in lib/LAYERS"; failed=$((failed + 1)); continue; }
	ok=" $folder $(allowed "$folder") "
	module=${f%.*}
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case "$inc" in
		*/*) ;;
		*) echo "FAIL $f: #include \"$inc\" names no folder"; failed=$((failed + 1)); continue ;;
		esac
		to=${inc%%/*}
		case "$ok" in
		*" $to "*) passed=$((passed + 1)) ;;
		*) echo "FAIL $f includes $inc: lib/$folder may use only$(echo "$ok" | sed 's/ / lib\//g')"
		   failed=$((failed + 1)) ;;
		esac
		target="lib/${inc%.h}"
		[ "$target" != "$module" ] && echo "$module $target" >> "$edges"
	done
done
# tsort reports a loop on stderr.
if loops=$(sort -u "$edges" | tsort 2>&1 >/dev/null) && [ -z "$loops" ]; then
	passed=$((passed + 1))
else
	echo "FAIL the modules of lib/ include each other in a cycle:"
	echo "$loops" | sed 's/^tsort: /  /'
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
