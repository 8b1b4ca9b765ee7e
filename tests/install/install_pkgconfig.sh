#!/usr/bin/env bash
# Builds examples/quickstart.c against the installed liberp exactly as the
# README tells users to, with pkg-config, runs it twice, and checks the
# installed liberp.so: a versioned SONAME and no exported symbol but erp_*.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

install_liberp

export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
flags=$(pkg-config --cflags --libs liberp) || fail "pkg-config --cflags --libs liberp"
echo "pkg-config --cflags --libs liberp: $flags"

# The flags must lead to this prefix, not to another liberp on the machine.
want_version=$(sed -n 's/^#define LIBERP_VERSION "\(.*\)"$/\1/p' "$SOURCE_DIR/include/erp/version.h")
got_version=$(pkg-config --modversion liberp)
[ "$got_version" = "$want_version" ] || fail "liberp.pc says version $got_version, include/erp/version.h $want_version"
found_include=no found_lib=no
for flag in $flags; do
	case $flag in
	-I*) dir=${flag#-I}
	     if [ -e "$dir/erp/erp.h" ]; then
		[ "$(readlink -f "$dir")" = "$(readlink -f "$PREFIX/include")" ] ||
			fail "pkg-config points at the headers in $dir, not at the installed $PREFIX/include (is liberp.pc relocatable?)"
		found_include=yes
	     fi ;;
	-L*) dir=${flag#-L}
	     if [ -e "$dir/liberp.so" ]; then
		[ "$(readlink -f "$dir")" = "$(readlink -f "$LIBDIR")" ] ||
			fail "pkg-config points at the library in $dir, not at the installed $LIBDIR (is liberp.pc relocatable?)"
		found_lib=yes
	     fi ;;
	esac
done
[ $found_include = yes ] || fail "pkg-config --cflags gives no -I with erp/erp.h under it (prefix in liberp.pc: $(pkg-config --variable=prefix liberp))"
[ $found_lib = yes ] || fail "pkg-config --libs gives no -L with liberp.so under it (libdir in liberp.pc: $(pkg-config --variable=libdir liberp))"

# Build and run the example in a directory of its own: it writes quickstart.db.
mkdir "$TMP/run"
cp "$SOURCE_DIR/examples/quickstart.c" "$TMP/run/"
cd "$TMP/run"
# shellcheck disable=SC2086 # $flags is a list of words
"$CC" -std=c11 -Wall -Wextra -pedantic -Werror quickstart.c $flags -o quickstart ||
	fail "$CC quickstart.c \$(pkg-config --cflags --libs liberp)"
export LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
check_links_installed ./quickstart
for run in 1 2; do
	echo "--- quickstart, run $run"
	./quickstart || fail "quickstart exited $? on run $run"
done
[ -s quickstart.db ] || fail "quickstart did not create quickstart.db in its working directory"

# liberp.so: a versioned SONAME, present as a file next to liberp.so.
so=$LIBDIR/liberp.so
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
echo "SONAME: ${soname:-none}"
[[ $soname =~ ^liberp\.so\.[0-9]+$ ]] || fail "liberp.so has SONAME '${soname}', expected liberp.so.<N>"
[ -e "$LIBDIR/$soname" ] || fail "$LIBDIR/$soname (the SONAME) is not installed"

# Exported symbols: erp_* only (and the version node LIBERP_*, which the
# version script adds as an absolute symbol; _init/_fini where present).
nm -D --defined-only "$so" | awk '{ print $NF }' | sed 's/@.*//' | sort -u >"$TMP/exports"
count=$(grep -c '^erp_' "$TMP/exports" || true)
[ "$count" -gt 0 ] || fail "liberp.so exports no erp_* symbol"
if grep -Ev '^(erp_[a-z0-9_]+|LIBERP_[A-Z0-9_.]+|_init|_fini)$' "$TMP/exports" >"$TMP/stray"; then
	echo "liberp.so exports symbols outside erp_*:" >&2
	cat "$TMP/stray" >&2
	fail "stray exported symbols"
fi
# Internal helpers (erp__*) are hidden even though they match erp_*.
if grep -E '^erp__' "$TMP/exports" >"$TMP/stray"; then
	echo "liberp.so exports internal erp__* symbols:" >&2
	cat "$TMP/stray" >&2
	fail "internal symbols exported"
fi
echo "liberp.so exports $count erp_* symbols and nothing else"
echo "PASS: install_pkgconfig"
