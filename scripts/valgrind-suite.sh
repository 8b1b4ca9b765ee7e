#!/usr/bin/env bash
# The test suite under valgrind memcheck: every C test program and
# erp-server (driven by the tests/server suite), failing on any memory
# error and on any definite or indirect leak.
#
#   bash scripts/valgrind-suite.sh [BUILD_DIR]
#
# BUILD_DIR (default build/) is a normal build (no sanitizers: valgrind and
# ASan do not mix). PostgreSQL and Redis come from ERP_TEST_PG_URL and
# ERP_TEST_REDIS_URL as for CTest (scripts/test.sh starts them); the
# conformance run on PostgreSQL restarts that server with ERP_TEST_PG_RESTART.
#
# The runs go in two lanes at once (2 cores); every run that talks to the
# shared PostgreSQL is in the first lane (which takes the short runs too), so that the conformance suite's
# restart of the server never meets another run. Each run's output is kept
# in a log and printed when the run fails. Exits non-zero when a run fails
# (or is skipped: every backend is expected to be configured).
#
# What runs under valgrind, and what does not:
#   - unit tests, the cache contracts (mem and Redis), the conformance suite
#     on SQLite (mem cache) and on PostgreSQL (Redis cache), erp-server under
#     the tests/server modules on SQLite (each server stopped by SIGTERM,
#     so its exit is checked for leaks too) but test_lifecycle (signals and
#     shutdown timing: the longest under valgrind, left out for CI time) and
#     test_shared (PostgreSQL only), the allocation-failure
#     sweep on SQLite (every 97th N: its leak check; CTest runs every N);
#     the fuzz corpora are replayed under valgrind by CTest itself
#     (fuzz_replay_*_valgrind, tests/fuzz);
#   - not the Python and Node bindings: valgrind would check the
#     interpreters more than liberp (whose calls the conformance suite
#     covers), at ten times the cost; nor the crash-consistency run, whose
#     servers are killed on purpose.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd) || exit 1
tests=$build/tests
logs=$(mktemp -d /tmp/erp-valgrind.XXXXXX) || exit 1

# shellcheck disable=SC2054 # the commas belong to valgrind options
VALGRIND=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect
          --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30)
if [[ -f $root/tests/valgrind.supp ]]; then
	VALGRIND+=(--suppressions="$root/tests/valgrind.supp")
fi

# run NAME COMMAND...: one run from build/tests (as CTest runs them), its
# output in $logs/NAME.log; prints PASS or FAIL with the time taken.
run() {
	local name=$1 t0=$SECONDS rc
	shift
	(cd "$tests" && "$@") >"$logs/$name.log" 2>&1
	rc=$?
	if (( rc == 0 )); then
		echo "PASS  $name ($((SECONDS - t0))s)"
	else
		echo "FAIL  $name (exit $rc, $((SECONDS - t0))s): the last lines of its output:"
		tail -n 60 "$logs/$name.log" | sed 's/^/      /'
		touch "$logs/.failed"
	fi
}

vg() {
	"${VALGRIND[@]}" "$@"
}

# The server suite under valgrind: each erp-server the tests start runs
# under memcheck, its report in a file of its own (stderr is the server's
# log, which the tests read); an error or a leak makes the server exit 99,
# which fails the test that stops it; the reports are checked at the end too.
# server_suite MODULE...: those modules of tests/server, on SQLite.
server_suite() {
	local reports
	reports=$(mktemp -d "$logs/server-reports.XXXXXX") || return 1
	ERP_SERVER_BIN=$build/erp-server ERP_TEST_SERVER_BACKEND=sqlite \
		ERP_SERVER_WRAPPER="${VALGRIND[*]} --log-file=$reports/erp-server.%p.log" \
		python3 "$root/tests/server/run.py" "$@" || return 1
	local bad
	bad=$(find "$reports" -type f -size +0)
	if [[ -n "$bad" ]]; then
		echo "valgrind reported on erp-server:"
		for f in $bad; do cat "$f"; done
		return 1
	fi
}

lane_postgresql() {
	run conformance_postgresql env ERP_TEST_CACHE=redis ERP_TEST_FUZZ_ITERATIONS=500 "${VALGRIND[@]}" ./test_conformance postgresql
	run cache_redis vg ./test_cache redis
	run unit vg ./test_unit
	run unit_valuation vg ./test_valuation
	run cache_mem vg ./test_cache mem
	# The sweep has its own malloc, which valgrind would replace unless told
	# not to (somalloc=nouserintercepts); every 97th N keeps it to a minute.
	run alloc_failure_sqlite env ERP_TEST_ALLOC_STRIDE=97 "${VALGRIND[@]}" \
		--soname-synonyms=somalloc=nouserintercepts ./alloc/test_alloc_failure sqlite
	run server_sqlite_config_openapi server_suite test_config test_openapi
}

lane_sqlite() {
	run conformance_sqlite env ERP_TEST_CACHE=mem ERP_TEST_FUZZ_ITERATIONS=500 "${VALGRIND[@]}" ./test_conformance sqlite
	run server_sqlite_routes server_suite test_api test_input test_system
}

started=$SECONDS
lane_postgresql &
lane_sqlite &
wait
echo "valgrind suite: $((SECONDS - started))s"
if [[ -e $logs/.failed ]]; then
	echo "valgrind suite FAILED (logs in $logs)"
	exit 1
fi
rm -rf -- "$logs"
