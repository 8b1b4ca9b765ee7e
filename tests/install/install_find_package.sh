#!/usr/bin/env bash
# Builds tests/install/find_package, a CMake project that does
# find_package(liberp REQUIRED) and links erp::erp and erp::erp_static,
# against the installed liberp, and runs both programs.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

install_liberp

project=$SOURCE_DIR/tests/install/find_package
gen=()
[ -n "${CMAKE_GENERATOR:-}" ] && gen=(-G "$CMAKE_GENERATOR")
quiet "$CMAKE" -S "$project" -B "$TMP/build" "${gen[@]}" \
	-DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Release
# The package found must be the one just installed.
found=$(sed -n 's/^liberp_DIR:[A-Z]*=//p' "$TMP/build/CMakeCache.txt")
[ "$(readlink -f "$found")" = "$(readlink -f "$LIBDIR/cmake/liberp")" ] ||
	fail "find_package(liberp) found $found, not $LIBDIR/cmake/liberp"
echo "find_package(liberp) found $found"
if [ -n "$CONFIG" ]; then
	quiet "$CMAKE" --build "$TMP/build" --config "$CONFIG"
else
	quiet "$CMAKE" --build "$TMP/build"
fi

shared=$(find "$TMP/build" -type f -name use_shared -perm -u+x | head -n 1)
static=$(find "$TMP/build" -type f -name use_static -perm -u+x | head -n 1)
if [ -z "$shared" ] || [ -z "$static" ]; then
	fail "the find_package project built no programs"
fi
# No LD_LIBRARY_PATH: CMake's build RPATH must find the installed liberp.so.
check_links_installed "$shared"
if ldd "$static" | grep -q 'liberp\.so'; then
	fail "use_static (erp::erp_static) loads liberp.so"
fi
# Each in a directory of its own: each writes find_package.db where it runs.
for prog in "$shared" "$static"; do
	name=$(basename "$prog")
	echo "--- $name"
	mkdir "$TMP/run-$name"
	(cd "$TMP/run-$name" && "$prog") || fail "$name exited $?"
done
echo "PASS: install_find_package"
