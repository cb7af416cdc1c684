#!/bin/sh
# make dist: the shared-hosting tarball dist/microchat-VERSION.tar.gz
# (docs/HOSTING.md). It unpacks to microchat/ holding
#   public_html/microchat/  the pages, cgi-bin/ with the programs,
#                           libexec/ with their twins, the .htaccess files
#   microchat-data/         microchat.conf.example and an empty db/
# and never carries a file the user edits, so a newer tarball unpacked over
# an install keeps microchat-data/microchat.conf, the database and every
# upload. Also prints the oldest C library (glibc) each program that is not
# fully static needs. Reads BUILD (build) and VERSION.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
OUT="$ROOT/dist"
KINDS="$ROOT/$BUILD/programs.env"
[ -f "$KINDS" ] || { echo "dist.sh: $KINDS is missing: run make first" >&2; exit 1; }
case $BUILD in *asan*) echo "dist.sh: $BUILD is a sanitizer build: pack the plain one (make dist)" >&2; exit 1 ;; esac
. "$KINDS"

stage=$(mktemp -d "${TMPDIR:-/tmp}/microchat-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
app="$stage/microchat/public_html/microchat"
data="$stage/microchat/microchat-data"
mkdir -p "$app/cgi-bin" "$data/db" "$OUT"

# The pages, styles, scripts and the vendored libraries (no dot files).
cp -R "$ROOT/htdocs/." "$app/"
find "$app" -name '.*' -exec rm -rf {} +
[ -f "$app/index.html" ] && [ -d "$app/vendor" ] || { echo "dist.sh: htdocs/ has no pages or no vendor/: run make first" >&2; exit 1; }
for p in $PROGRAMS; do
	cp "$ROOT/$BUILD/cgi-bin/$p" "$app/cgi-bin/$p"
done
if [ -n "$TWIN_PROGRAMS" ]; then
	mkdir -p "$app/libexec"
	for p in $TWIN_PROGRAMS; do
		cp "$ROOT/$BUILD/libexec/$p" "$app/libexec/$p"
	done
	cp "$ROOT/conf/hosting/deny.htaccess" "$app/libexec/.htaccess"
fi
cp "$ROOT/conf/hosting/app.htaccess" "$app/.htaccess"
cp "$ROOT/conf/hosting/cgi-bin.htaccess" "$app/cgi-bin/.htaccess"
cp "$ROOT/conf/hosting/deny.htaccess" "$data/.htaccess"
cp "$ROOT/conf/hosting/microchat.conf.example" "$data/microchat.conf.example"

# Modes a shared host's suEXEC accepts: nothing group- or world-writable.
find "$stage/microchat" -type d -exec chmod 755 {} +
find "$stage/microchat" -type f -exec chmod 644 {} +
chmod 755 "$app"/cgi-bin/* "$app"/libexec/* 2>/dev/null || true
chmod 644 "$app/cgi-bin/.htaccess"
[ -d "$app/libexec" ] && chmod 644 "$app/libexec/.htaccess"

# The same bytes for the same sources: names sorted, owner root, one time.
when=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
tarball="$OUT/microchat-$VERSION.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$when" \
	-C "$stage" -cf - microchat | gzip -9n > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball"

# What each program needs of the host (docs/HOSTING.md, Portability).
for f in "$app"/cgi-bin/* "$app"/libexec/*; do
	[ -f "$f" ] || continue
	name=${f#"$app"/}
	case $name in *.htaccess) continue ;; esac
	if ! objdump -p "$f" 2>/dev/null | grep -q 'NEEDED'; then
		echo "  $name: fully static (any x86-64 Linux)"
		continue
	fi
	glibc=$(objdump -T "$f" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
	libs=$(objdump -p "$f" | awk '/NEEDED/ { print $2 }' | tr '\n' ' ')
	echo "  $name: glibc $glibc or newer; loads $libs"
done
