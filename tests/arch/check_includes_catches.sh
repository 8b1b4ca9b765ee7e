#!/usr/bin/env bash
# The layering check must fail on each kind of breach it knows, naming the
# file and the include: run on a copy of lib/ with one breach at a time.
#
#   bash tests/arch/check_includes_catches.sh CHECK_SCRIPT LIB_DIR
set -euo pipefail
check=$1 lib=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# breach FILE LINE EXPECTED: appends LINE to FILE in a fresh copy; the check must fail printing EXPECTED.
breach() {
	rm -rf "$tmp/lib" && cp -r "$lib" "$tmp/lib"
	printf '%s\n' "$2" >> "$tmp/lib/$1"
	if out=$(python3 "$check" --lib "$tmp/lib" 2>&1); then
		echo "FAIL: the check passed with '$2' in lib/$1"
		exit 1
	fi
	if ! grep -qF -- "$3" <<<"$out"; then
		echo "FAIL: with '$2' in lib/$1 the check did not say '$3'; it said:"
		echo "$out"
		exit 1
	fi
	echo "ok: '$2' in lib/$1 -> $(grep -F -- "$3" <<<"$out" | head -1)"
}

breach util/strbuf.c '#include "core/db.h"' 'lib/util/strbuf.c'
breach entity/entity_write.c '#include "stock/stock_rules.h"' 'but entity/ may include only: core util'
breach stock/stock_move.c '#include "ledger/ledger_internal.h"' 'private to ledger/'
breach storage/sqlite/sqlite_tx.c '#include <erp/ledger.h>' 'sees only the plug-in interface'
breach core/db.h '#include "nowhere.h"' 'which is no file of lib/'
breach util/strbuf.h '#include "json_out.h"' 'headers include each other in a cycle'
breach DEPS 'util: core' 'folders allowed in a cycle'
rm -rf "$tmp/lib" && cp -r "$lib" "$tmp/lib" && touch "$tmp/lib/stray.c"
out=$(python3 "$check" --lib "$tmp/lib" 2>&1) || true
if grep -qF 'lib/stray.c: a file at the top' <<<"$out"; then
	echo "ok: a stray file at the top of lib/ is named"
else
	echo "FAIL: a stray file at the top of lib/ went unnoticed"
	exit 1
fi
# And the tree as it is passes.
python3 "$check" --lib "$lib"
