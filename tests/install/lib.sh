# shellcheck shell=bash disable=SC2034 # variables are used by the scripts that source this
# Sourced by the install_*.sh tests: argument parsing, a private temporary
# directory removed on exit, and `cmake --install` into it.
#
# usage: install_X.sh BUILD_DIR SOURCE_DIR LIBDIR [CONFIG]
#   BUILD_DIR   the configured and built liberp tree
#   SOURCE_DIR  the liberp source tree
#   LIBDIR      CMAKE_INSTALL_LIBDIR of that build (lib, lib/x86_64-linux-gnu...)
#   CONFIG      the build configuration, for multi-config generators
# environment: CC (default cc), CMAKE (default cmake), CMAKE_GENERATOR.

if [ $# -lt 3 ]; then
	echo "usage: $0 BUILD_DIR SOURCE_DIR LIBDIR [CONFIG]" >&2
	exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
SOURCE_DIR=$(cd "$2" && pwd)
LIBDIR_REL=$3
CONFIG=${4:-}
CC=${CC:-cc}
CMAKE=${CMAKE:-cmake}
case $LIBDIR_REL in
/*) echo "FAIL: CMAKE_INSTALL_LIBDIR is absolute ($LIBDIR_REL); cmake --install --prefix cannot move it" >&2
    exit 1 ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/erp-install-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
LIBDIR=$PREFIX/$LIBDIR_REL

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Runs a command quietly, showing its output only when it fails.
quiet() {
	local log
	log=$(mktemp "$TMP/log.XXXXXX")
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		fail "$*"
	fi
}

install_liberp() {
	echo "installing $BUILD_DIR into $PREFIX"
	if [ -n "$CONFIG" ]; then
		quiet "$CMAKE" --install "$BUILD_DIR" --prefix "$PREFIX" --config "$CONFIG"
	else
		quiet "$CMAKE" --install "$BUILD_DIR" --prefix "$PREFIX"
	fi
	local f
	for f in "$PREFIX/include/erp/erp.h" "$PREFIX/include/erp/sys/storage.h" \
	         "$LIBDIR/liberp.so" "$LIBDIR/liberp.a" "$LIBDIR/pkgconfig/liberp.pc" \
	         "$LIBDIR/cmake/liberp/liberpConfig.cmake"; do
		[ -e "$f" ] || fail "cmake --install did not install $f"
	done
}

# Checks that the dynamic loader resolves liberp for program $1 inside $LIBDIR.
check_links_installed() {
	local resolved
	resolved=$(ldd "$1" | awk '$1 ~ /^liberp\.so/ { print $3 }')
	[ -n "$resolved" ] || fail "$1 does not load liberp.so: $(ldd "$1")"
	[ "$(readlink -f "$(dirname "$resolved")")" = "$(readlink -f "$LIBDIR")" ] ||
		fail "$1 loads $resolved, not the library installed in $LIBDIR"
}
