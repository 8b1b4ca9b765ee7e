#!/usr/bin/env bash
# Runs the benchmarks on SQLite and on a throwaway PostgreSQL, each beside
# its raw-SQL baseline in the same process, and prints the tables.
#
#   bash scripts/bench.sh [N] [ROUNDS] [LEDGER_ENTRIES]
#
# Builds bench-build/ (optimised, no sanitizers) and runs bench_entities,
# bench_posting and bench_stock with N and ROUNDS (on PostgreSQL,
# bench_posting and bench_stock use their default of 4 threads), then
# bench_ledger_scale with LEDGER_ENTRIES (default 200000) two-line entries
# on SQLite and a quarter of them on PostgreSQL.
#
# Every figure is in the store's default durable mode: SQLite WAL with
# synchronous=FULL, and a PostgreSQL cluster configured as production runs
# (fsync, synchronous_commit and full_page_writes on; PG_DURABLE=1 of
# scripts/pg-start.sh), created new for this run, so that the PostgreSQL
# figures are those of a first run on a fresh cluster. Quote medians and
# ratios: the machines are small and noisy.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-2000}
ROUNDS=${2:-5}
LEDGER_ENTRIES=${3:-200000}
bash scripts/install-deps.sh
bash scripts/build.sh "$root/bench-build" -DCMAKE_BUILD_TYPE=Release -DERP_BUILD_BENCH=ON \
	-DERP_BUILD_TESTS=OFF -DERP_BUILD_BINDINGS=OFF >/dev/null

PG_DIR=$(mktemp -d /tmp/erpbench.XXXXXX)
trap 'bash "$root/scripts/pg-stop.sh" "$PG_DIR" >/dev/null 2>&1 || true' EXIT
PG_DURABLE=1 bash scripts/pg-start.sh "$PG_DIR" >/dev/null
export ERP_BENCH_PG_URL
ERP_BENCH_PG_URL=$(cat "$PG_DIR/url")

for name in bench_entities bench_posting bench_stock; do
	bench="$root/bench-build/bench/$name"
	"$bench" sqlite "$N" "$ROUNDS"
	"$bench" postgresql "$N" "$ROUNDS"
done
"$root/bench-build/bench/bench_ledger_scale" sqlite "$LEDGER_ENTRIES" $((LEDGER_ENTRIES / 4))
# A database of its own: erp_store_verify checks every tenant, and the baselines above wrote rows of their own.
psql -q "$ERP_BENCH_PG_URL" -c "CREATE DATABASE erp_scale" >/dev/null
ERP_BENCH_PG_URL=${ERP_BENCH_PG_URL%/*}/erp_scale \
	"$root/bench-build/bench/bench_ledger_scale" postgresql $((LEDGER_ENTRIES / 4)) $((LEDGER_ENTRIES / 16))
