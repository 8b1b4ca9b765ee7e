#!/usr/bin/env bash
# The README's test command, and what .ci/run runs: installs what is needed,
# builds with -Werror, starts a throwaway PostgreSQL and a throwaway Redis,
# and runs
#
#   1. every CTest test in build/ (unit, conformance on SQLite and on
#      PostgreSQL, each with the mem: and the Redis cache, the cache
#      contracts, erp-server's suite, crash consistency, backend faults,
#      allocation failures, fuzz corpora replays, bindings, header, install
#      and ABI tests), none of them skipped;
#   2. the suites again in build-asan/ under AddressSanitizer (with
#      LeakSanitizer) and UndefinedBehaviorSanitizer: every test but those
#      that check the build rather than the code (header, install, ABI),
#      the allocation-failure sweep (it brings its own malloc) and the crash
#      runs (their servers are killed on purpose); the conformance suite
#      once per backend (SQLite with mem:, PostgreSQL with Redis) rather
#      than four times;
#   3. the libFuzzer targets (scripts/fuzz.sh: clang, ASan+UBSan, a bounded
#      time per target, ERP_FUZZ_SECONDS, default 10 here);
#   4. the suite under valgrind memcheck (scripts/valgrind-suite.sh),
#      failing on any memory error and on definite or indirect leaks.
#
#   bash scripts/test.sh
#
# Exits non-zero when any step fails, after a summary of every step.
# ERP_JOBS sets the parallelism of builds and CTest (default 2);
# ERP_CMAKE_ARGS adds configure arguments to both builds (split on spaces).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
JOBS=${ERP_JOBS:-2}
BUILD=$root/build
BUILD_ASAN=$root/build-asan
read -r -a CMAKE_ARGS <<<"${ERP_CMAKE_ARGS:-}"

results=()
passed=0
failed=0
started=$SECONDS

# step NAME COMMAND...: runs a command, records PASS/FAIL and its time.
step() {
	local name=$1 t0=$SECONDS rc
	shift
	printf '\n===== %s\n' "$name"
	"$@"
	rc=$?
	if (( rc == 0 )); then
		results+=("PASS  $name ($((SECONDS - t0))s)")
		passed=$((passed + 1))
	else
		results+=("FAIL  $name (exit $rc, $((SECONDS - t0))s)")
		failed=$((failed + 1))
	fi
	return "$rc"
}

# Ends the run when a step that later steps need has failed.
fatal() {
	results+=("STOP  the steps after this failure did not run")
	exit 1
}

# ---- throwaway servers ------------------------------------------------------

PG_DIR=""
start_postgres() {
	PG_DIR=$(mktemp -d /tmp/erppg.XXXXXX) || return 1
	# The URL is read from DIR/url rather than through a pipe, which a
	# server started in the background could keep open.
	bash scripts/pg-start.sh "$PG_DIR" >/dev/null || return 1
	ERP_TEST_PG_URL=$(cat "$PG_DIR/url") || return 1
	export ERP_TEST_PG_URL
	# The conformance suite restarts the server between two calls with this
	# command (run by system() from the test's directory, which the
	# postgres account may not be able to read: hence the cd).
	local bindir run=""
	bindir=$(cat "$PG_DIR/bindir") || return 1
	if (( EUID == 0 )); then
		run="runuser -u postgres --"
	fi
	ERP_TEST_PG_RESTART="cd / && $run $(printf '%q' "$bindir/pg_ctl") -D $(printf '%q' "$PG_DIR/data")"
	ERP_TEST_PG_RESTART+=" -l $(printf '%q' "$PG_DIR/server.log") -m fast -w -t 60 restart >/dev/null"
	export ERP_TEST_PG_RESTART
	echo "ERP_TEST_PG_URL=$ERP_TEST_PG_URL"
}

stop_postgres() {
	[[ -n "$PG_DIR" && -d "$PG_DIR" ]] || return 0
	if [[ -e "$PG_DIR/.liberp-pg" ]]; then
		bash scripts/pg-stop.sh "$PG_DIR" || true
	else
		rm -rf -- "$PG_DIR" # pg-start.sh failed and cleaned up after itself
	fi
	PG_DIR=""
}

# Redis: when the cache issue brings scripts/redis-start.sh (same interface
# as pg-start.sh: DIR argument, URL in DIR/url) and redis-stop.sh DIR, it is
# started here and ERP_TEST_REDIS_URL exported, so that every run below
# uses it too.
REDIS_DIR=""
start_redis() {
	REDIS_DIR=$(mktemp -d /tmp/erprd.XXXXXX) || return 1
	bash scripts/redis-start.sh "$REDIS_DIR" >/dev/null || return 1
	ERP_TEST_REDIS_URL=$(cat "$REDIS_DIR/url") || return 1
	export ERP_TEST_REDIS_URL
	echo "ERP_TEST_REDIS_URL=$ERP_TEST_REDIS_URL"
}

stop_redis() {
	[[ -n "$REDIS_DIR" && -d "$REDIS_DIR" ]] || return 0
	bash scripts/redis-stop.sh "$REDIS_DIR" || rm -rf -- "$REDIS_DIR"
	REDIS_DIR=""
}

finish() {
	local rc=$?
	stop_redis
	stop_postgres
	printf '\n===== summary (%ss)\n' "$((SECONDS - started))"
	local r
	for r in "${results[@]}"; do
		printf '%s\n' "$r"
	done
	if (( failed == 0 && rc == 0 )); then
		echo "ALL PASSED"
	else
		echo "FAILED"
		(( rc != 0 )) || rc=1
	fi
	printf 'steps: %d passed, %d failed\n' "$passed" "$failed"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# ---- steps ------------------------------------------------------------------

# run_ctest DIR [ctest arguments...]: every selected test must run and pass;
# a skipped test fails the step, since every backend is provided here.
run_ctest() {
	local dir=$1 log rc
	shift
	log=$(mktemp) || return 1
	(cd "$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" "$@") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if grep -q 'The following tests did not run' "$log"; then
		echo "test.sh: a test was skipped, but every backend is configured here" >&2
		(( rc != 0 )) || rc=1
	fi
	rm -f "$log"
	return "$rc"
}

step "install dependencies" bash scripts/install-deps.sh || fatal
step "build (build/, -Werror)" bash scripts/build.sh "$BUILD" "${CMAKE_ARGS[@]}" || fatal
step "start PostgreSQL" start_postgres || fatal
if [[ -f scripts/redis-start.sh ]]; then
	step "start Redis" start_redis || fatal
fi

step "ctest (build/)" run_ctest "$BUILD"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if step "build (build-asan/, ASan+UBSan)" bash scripts/build.sh "$BUILD_ASAN" \
	-DERP_SANITIZE=ON -DERP_BUILD_BENCH=OFF -DERP_BUILD_BINDINGS=OFF "${CMAKE_ARGS[@]}"; then
	step "ctest (build-asan/, ASan+UBSan)" run_ctest "$BUILD_ASAN" -LE '^(headers|install|abi|alloc|crash)$' \
		-E '^conformance_(sqlite_redis|postgresql)$'
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

step "fuzz (build-fuzz/, clang, libFuzzer, ASan+UBSan)" env ERP_FUZZ_SECONDS="${ERP_FUZZ_SECONDS:-10}" \
	bash scripts/fuzz.sh
step "valgrind (build/, scripts/valgrind-suite.sh)" bash scripts/valgrind-suite.sh "$BUILD"

(( failed == 0 ))
