#!/bin/sh
# Copy the front-end libraries listed in conf/vendor.txt ("src dest" per
# line) from node_modules into htdocs/vendor. Usage: vendor.sh LIST DEST
set -eu
list=$1 dest=$2
mkdir -p "$dest"
grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r src name; do
	if [ ! -f "$src" ]; then
		echo "vendor.sh: $src is missing (run npm ci)" >&2
		exit 1
	fi
	cp "$src" "$dest/$name"
done
