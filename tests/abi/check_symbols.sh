#!/usr/bin/env bash
# The ABI guard: compares the symbols liberp.so exports (nm -D, with their
# version node) with the checked-in list tests/abi/liberp.symbols.
#
#   bash tests/abi/check_symbols.sh LIBERP_SO SYMBOL_LIST
#
# A symbol that is in the list but no longer exported is a broken ABI:
# fails. A new exported symbol not in the list fails too, until the list
# is updated in the same commit (adding is allowed, silently adding is not):
#
#   nm -D --defined-only build/liberp.so | awk '{print $3}' | sort > tests/abi/liberp.symbols
#
# ERP_ABI_PRETEND_REMOVED=NAME adds NAME to the expected list, as if the
# library had dropped it: the guard's own test that it can fail.
set -euo pipefail
lib=$1 list=$2
[[ -r "$lib" ]] || { echo "abi: no library at $lib" >&2; exit 2; }
[[ -r "$list" ]] || { echo "abi: no symbol list at $list" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '{print $3}' | LC_ALL=C sort -u >"$tmp/exported"
grep -v '^[[:space:]]*\(#\|$\)' "$list" | LC_ALL=C sort -u >"$tmp/expected"
if [[ -n "${ERP_ABI_PRETEND_REMOVED:-}" ]]; then
	{ cat "$tmp/expected"; echo "$ERP_ABI_PRETEND_REMOVED"; } | LC_ALL=C sort -u >"$tmp/e2"
	mv "$tmp/e2" "$tmp/expected"
fi

removed=$(LC_ALL=C comm -23 "$tmp/expected" "$tmp/exported")
added=$(LC_ALL=C comm -13 "$tmp/expected" "$tmp/exported")
rc=0
if [[ -n "$removed" ]]; then
	echo "abi: symbols removed from $lib (this breaks programs linked against it):" >&2
	sed 's/^/  - /' <<<"$removed" >&2
	rc=1
fi
if [[ -n "$added" ]]; then
	echo "abi: symbols added to $lib but not to $list (add them there in the same commit):" >&2
	sed 's/^/  + /' <<<"$added" >&2
	rc=1
fi
(( rc == 0 )) && echo "abi: $(wc -l <"$tmp/exported") exported symbols, as listed"
exit "$rc"
