#!/usr/bin/env bash
# Runs the benchmarks on SQLite and on a throwaway PostgreSQL, each beside
# its raw-SQL baseline in the same process, and prints the tables.
#
#   bash scripts/bench.sh [N] [ROUNDS]
#
# Builds bench-build/ (optimised, no sanitizers) and runs every
# bench-build/bench/bench_* (bench_entities, bench_posting, bench_stock)
# with N and ROUNDS; on PostgreSQL, bench_posting and bench_stock use their
# default of 4 threads. Quote medians and ratios: the machines are small
# and noisy.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-2000}
ROUNDS=${2:-5}
bash scripts/install-deps.sh
bash scripts/build.sh "$root/bench-build" -DCMAKE_BUILD_TYPE=Release -DERP_BUILD_BENCH=ON \
	-DERP_BUILD_TESTS=OFF -DERP_BUILD_BINDINGS=OFF >/dev/null

PG_DIR=$(mktemp -d /tmp/erpbench.XXXXXX)
trap 'bash "$root/scripts/pg-stop.sh" "$PG_DIR" >/dev/null 2>&1 || true' EXIT
bash scripts/pg-start.sh "$PG_DIR" >/dev/null
export ERP_BENCH_PG_URL
ERP_BENCH_PG_URL=$(cat "$PG_DIR/url")

for bench in "$root"/bench-build/bench/bench_*; do
	[ -x "$bench" ] || continue
	"$bench" sqlite "$N" "$ROUNDS"
	"$bench" postgresql "$N" "$ROUNDS"
done
