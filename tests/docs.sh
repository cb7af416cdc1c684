#!/usr/bin/env bash
# The docs against what they describe: docs/CONFIGURATION.md carries the
# settings table exactly as `microchat-admin settings-doc` prints it from
# lib/core/conf.c; every link in the Markdown files stays inside the
# repository and reaches an existing file (and heading, for #anchors);
# every program in cgi-bin/ has its section in docs/API.md, and every
# module of lib/, program and tool its line in docs/HACKING.md.
# Usage: tests/docs.sh [BUILD]            check (BUILD defaults to build)
#        tests/docs.sh --update [BUILD]   rewrite CONFIGURATION.md's table
# Prints every offence; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
BUILD=${1:-${MC_BUILD:-build}}
ADMIN=$BUILD/bin/microchat-admin
CONF_DOC=docs/CONFIGURATION.md
BEGIN='<!-- settings-doc:begin -->'
END='<!-- settings-doc:end -->'
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- the settings table ----
# The table only, whatever the environment or a configuration file says.
if env -i PATH="$PATH" MICROCHAT_CONF=/dev/null "$ADMIN" settings-doc > "$tmp/want" 2> "$tmp/err"; then
	if [ "$update" = 1 ]; then
		awk -v b="$BEGIN" -v e="$END" -v table="$tmp/want" '
			$0 == e { skip = 0 }
			!skip { print }
			$0 == b { while ((getline l < table) > 0) print l; skip = 1 }
		' "$CONF_DOC" > "$tmp/doc" && cp "$tmp/doc" "$CONF_DOC"
	fi
	awk -v b="$BEGIN" -v e="$END" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' \
		"$CONF_DOC" > "$tmp/have" 2> /dev/null
	if [ "$(grep -cxF "$BEGIN" "$CONF_DOC" 2> /dev/null)" != 1 ] ||
	   [ "$(grep -cxF "$END" "$CONF_DOC")" != 1 ]; then
		fail "$CONF_DOC must hold the settings table once between $BEGIN and $END"
	elif diff -u "$tmp/want" "$tmp/have" > "$tmp/diff"; then
		pass
	else
		fail "$CONF_DOC's settings table differs from '$ADMIN settings-doc' (lib/core/conf.c);" \
		     "run: bash tests/docs.sh --update"
		sed 's/^/    /' "$tmp/diff" | head -40
	fi
else
	fail "$ADMIN settings-doc did not run (build first: make all)"
	sed 's/^/    /' "$tmp/err" | head -5
fi

# ---- links ----
# GitHub's anchor for each heading of a file: lower case, ASCII punctuation
# other than - and _ dropped, spaces as -, a repeated one numbered.
anchors() { # file
	awk '
		/^```/ { fence = !fence; next }
		fence || !/^#+ / { next }
		{
			sub(/^#+ +/, ""); s = tolower($0); out = ""
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c ~ /[a-z0-9_-]/ || c > "~") out = out c
				else if (c == " ") out = out "-"
			}
			if (seen[out]++) out = out "-" (seen[out] - 1)
			print out
		}' "$1"
}

# Every link target of a file, "LINE TARGET": Markdown links and images,
# and <img src>; code blocks and `code spans` left out.
links() { # file
	awk '
		/^```/ { fence = !fence; next }
		fence { next }
		{
			line = $0; gsub(/`[^`]*`/, "", line)
			while (match(line, /\]\([^) ]+/)) {
				print NR, substr(line, RSTART + 2, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
			while (match(line, /src="[^"]+"/)) {
				print NR, substr(line, RSTART + 5, RLENGTH - 6)
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$1"
}

root=$PWD
mdfiles=$(find . -name '*.md' -not -path './node_modules/*' -not -path './htdocs/vendor/*' \
	-not -path './build*' -not -path './tests/out/*' -not -path './run/*' | sed 's|^\./||' | sort)
for md in $mdfiles; do
	dir=$(dirname "$md")
	while read -r line target; do
		[ -n "$target" ] || continue
		case "$target" in
		http://* | https://* | mailto:*) pass; continue ;;
		esac
		file=${target%%#*}
		anchor=
		case "$target" in *'#'*) anchor=${target#*#} ;; esac
		if [ -z "$file" ]; then
			path=$md
		else
			case "$file" in
			/*) fail "$md:$line: $target is an absolute path; link relative to the file"; continue ;;
			esac
			path=$(realpath -m "$dir/$file")
			case "$path" in
			"$root"/*) path=${path#"$root"/} ;;
			*) fail "$md:$line: $target points outside the repository"; continue ;;
			esac
			if [ ! -e "$path" ]; then
				fail "$md:$line: $target: no such file ($path)"
				continue
			fi
		fi
		if [ -n "$anchor" ]; then
			case "$path" in
			*.md)
				if anchors "$path" | grep -qxF "$anchor"; then
					pass
				else
					fail "$md:$line: $target: $path has no heading with the anchor #$anchor"
				fi
				;;
			*) pass ;;
			esac
		else
			pass
		fi
	done < <(links "$md")
done

# ---- the contract ----
for src in cgi-bin/*.c; do
	name=$(basename "$src" .c)
	if grep -qE "^#+ .*/cgi-bin/$name\b" docs/API.md; then
		pass
	else
		fail "docs/API.md has no section for /cgi-bin/$name ($src)"
	fi
done

# ---- the map ----
# Every module of lib/ (name.c with its name.h), every program and every
# tool has its line in docs/HACKING.md's module map, named in backticks.
for f in lib/*/*.c lib/*/*.h cgi-bin/*.c tools/*.c; do
	case "$f" in
	lib/*) m=${f%.*}; names="\`$m\` \`$f\`" ;;
	*) names="\`$f\`" ;;
	esac
	found=0
	for n in $names; do grep -qF -- "$n" docs/HACKING.md && found=1; done
	if [ "$found" = 1 ]; then
		pass
	else
		fail "docs/HACKING.md's module map does not name $f (add a line for ${m:-$f})"
	fi
	m=
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
