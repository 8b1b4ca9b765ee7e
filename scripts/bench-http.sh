#!/usr/bin/env bash
# HTTP benchmark of erp-server with wrk: starts the server on a fresh SQLite
# store (sign-up open, rate limit off), makes the fixtures through the API
# (bench/http/fixtures.py), then runs each wrk script of bench/http/ for
# DURATION and prints requests/s, p50 and p99 latency, and the ratio to the
# ceiling (GET /api/v1/ping, which touches no store).
#
#   bash scripts/bench-http.sh [DURATION] [CONNECTIONS] [THREADS]
#
# Defaults: 10s, 32 connections, 2 wrk threads. The server is
# bench-build/erp-server, built optimised (Release) by this script, unless
# ERP_SERVER_BIN names another binary. DATABASE_URL (e.g. a PostgreSQL URL)
# and REDIS_URL are passed on when set; SERVER_THREADS sets THREADS of the
# server (its default: 16 x CPUs, at most 64); LOG_LEVEL defaults to info (one access-log
# line per request, written to a file, as in production).
#
# Targets (issue 8): GET entity >= 40% of the ceiling; POST journal entry
# >= 10,000 requests/s. The script measures and reports; it fails only when
# a run could not be made (no wrk, the server did not start, errors).
# Quote medians of several runs: the machines are small and noisy, and wrk
# shares the CPUs with the server.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
DURATION=${1:-10s}
CONNECTIONS=${2:-32}
WRK_THREADS=${3:-2}

log() { printf 'bench-http: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v wrk >/dev/null 2>&1 || die "wrk not found (bash scripts/install-deps.sh)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"

SERVER=${ERP_SERVER_BIN:-}
if [[ -z "$SERVER" ]]; then
	bash scripts/install-deps.sh
	bash scripts/build.sh "$root/bench-build" -DCMAKE_BUILD_TYPE=Release -DERP_BUILD_BENCH=ON \
		-DERP_BUILD_TESTS=OFF -DERP_BUILD_BINDINGS=OFF >/dev/null
	SERVER=$root/bench-build/erp-server
	[[ -x "$SERVER" ]] || SERVER=$root/bench-build/server/erp-server
fi
[[ -x "$SERVER" ]] || die "no erp-server binary at $SERVER"

WORK=$(mktemp -d /tmp/erp-bench-http.XXXXXX)
PID=""
cleanup() {
	if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PID" 2>/dev/null || true
	fi
	rm -rf -- "$WORK"
}
trap cleanup EXIT

# ---- the server --------------------------------------------------------------
env_args=(DATABASE_URL="${DATABASE_URL:-sqlite:$WORK/bench.db}" ALLOW_SIGNUP=1 RATE_LIMIT_MAX=0
          LOG_LEVEL="${LOG_LEVEL:-info}")
[[ -n "${REDIS_URL:-}" ]] && env_args+=(REDIS_URL="$REDIS_URL")
[[ -n "${SERVER_THREADS:-}" ]] && env_args+=(THREADS="$SERVER_THREADS")
env -u PORT -u BODY_LIMIT -u ALLOWED_ORIGINS "${env_args[@]}" \
	"$SERVER" --port 0 --ready-file "$WORK/port" >"$WORK/stdout.log" 2>"$WORK/server.log" &
PID=$!
for _ in $(seq 1 600); do
	[[ -s "$WORK/port" ]] && break
	kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "erp-server exited"; }
	sleep 0.1
done
[[ -s "$WORK/port" ]] || die "erp-server did not start"
PORT=$(<"$WORK/port")
URL="http://127.0.0.1:$PORT"
log "erp-server $SERVER on $URL (${DATABASE_URL:-sqlite})"

# ---- fixtures ------------------------------------------------------------------
python3 bench/http/fixtures.py "$PORT" >"$WORK/fixtures.env" || die "could not make the fixtures"
set -a
# shellcheck disable=SC1091 # made just above
. "$WORK/fixtures.env"
set +a
export ERP_BENCH_LUA_DIR=$root/bench/http

# Every script answers 2xx once before the measured run (a wrong fixture
# would otherwise be measured as a flood of errors).
check() {
	local method=$1 path=$2 body=${3:-} code
	if [[ -n "$body" ]]; then
		code=$(curl -s -o "$WORK/check.out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $ERP_BENCH_TOKEN" \
			-H 'Content-Type: application/json' --data "$body" "$URL$path")
	else
		code=$(curl -s -o "$WORK/check.out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $ERP_BENCH_TOKEN" "$URL$path")
	fi
	[[ "$code" == 2* ]] || { cat "$WORK/check.out" >&2; die "$method $path answered $code"; }
}
check GET /api/v1/ping
check GET "/api/v1/entities/core.partner/$ERP_BENCH_PARTNER"
check POST "$ERP_BENCH_JOURNAL_PATH" "{\"journal_id\":\"$ERP_BENCH_JOURNAL\",\"date\":\"$ERP_BENCH_DATE\",\"lines\":[{\"account_id\":\"$ERP_BENCH_DEBIT\",\"debit\":\"1.00\"},{\"account_id\":\"$ERP_BENCH_CREDIT\",\"credit\":\"1.00\"}]}"
check POST "$ERP_BENCH_MOVE_PATH" "{\"product_id\":\"$ERP_BENCH_PRODUCT\",\"quantity\":\"1\",\"location_id\":\"$ERP_BENCH_SUPPLIER\",\"location_dest_id\":\"$ERP_BENCH_STOCK\",\"date\":\"$ERP_BENCH_DATE\",\"unit_cost\":\"1.00\"}"

# ---- runs ----------------------------------------------------------------------
declare -A RPS P50 P99 ERRS
run() {
	local name=$1 script=$2 line
	log "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency ($name)"
	wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "bench/http/$script" "$URL" >"$WORK/$name.out" 2>&1 ||
		{ cat "$WORK/$name.out" >&2; die "wrk failed for $name"; }
	line=$(grep '^RESULT ' "$WORK/$name.out" | tail -n 1)
	[[ -n "$line" ]] || { cat "$WORK/$name.out" >&2; die "no RESULT line from $script"; }
	# RESULT name rps p50 p99 requests non2xx socket_errors
	read -r _ _ rps p50 p99 _ non2xx sockerr <<<"$line"
	RPS[$name]=$rps
	P50[$name]=$p50
	P99[$name]=$p99
	ERRS[$name]=$((non2xx + sockerr))
}
run ping ping.lua
run get_entity get_entity.lua
run post_journal post_journal.lua
run post_move post_move.lua

# The server's own count of what was posted, as a cross-check of wrk's.
postings=$(curl -s "$URL/metrics" | awk '/^erp_postings_total /{print $2}')

store=sqlite
[[ -n "${DATABASE_URL:-}" ]] && store=$(sed -E 's#//[^@]*@#//***@#' <<<"$DATABASE_URL")
printf '\nerp-server HTTP benchmark: %s, wrk -t%s -c%s -d%s, %s CPUs, server THREADS=%s\n' \
	"$store" \
	"$WRK_THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)" "${SERVER_THREADS:-default}"
printf '%-34s %12s %10s %10s %8s %12s\n' "route" "req/s" "p50 ms" "p99 ms" "errors" "vs ceiling"
for name in ping get_entity post_journal post_move; do
	case $name in
		ping) label="GET /api/v1/ping (ceiling)" ;;
		get_entity) label="GET /entities/core.partner/{id}" ;;
		post_journal) label="POST /journal-entries" ;;
		post_move) label="POST /stock/moves" ;;
	esac
	ratio=$(awk -v a="${RPS[$name]}" -v c="${RPS[ping]}" 'BEGIN { printf "%.1f%%", (c > 0) ? 100 * a / c : 0 }')
	printf '%-34s %12s %10s %10s %8s %12s\n' "$label" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}" \
		"${ERRS[$name]}" "$ratio"
done
printf '\ntargets: GET entity >= 40%% of the ceiling: %s; POST journal entry >= 10000 req/s: %s\n' \
	"$(awk -v a="${RPS[get_entity]}" -v c="${RPS[ping]}" 'BEGIN { print ((a >= 0.4 * c) ? "met" : "NOT met") }')" \
	"$(awk -v a="${RPS[post_journal]}" 'BEGIN { print ((a >= 10000) ? "met" : "NOT met") }')"
printf 'entries posted (server metric, all runs and checks): %s\n' "${postings:-?}"
for name in ping get_entity post_journal post_move; do
	(( ERRS[$name] == 0 )) || log "warning: $name had ${ERRS[$name]} non-2xx answers or socket errors"
done
