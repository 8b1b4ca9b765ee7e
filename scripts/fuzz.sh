#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan+UBSan) in
# build-fuzz/ and runs each for a bounded time on a copy of its corpus.
# Fails on any crash, failed invariant, leak, timeout or UBSan report.
#
#   bash scripts/fuzz.sh [--merge] [TARGET...]
#
#   TARGET            entity posting stock list url server (default: all)
#   --merge           afterwards, minimise what the run found into
#                     tests/fuzz/corpus/<target> (else the source tree is
#                     never written)
#   ERP_FUZZ_SECONDS  seconds per target (default 20)
#   ERP_FUZZ_BUILD    the build directory (default build-fuzz/ at the top)
#   ERP_JOBS          build parallelism, and targets fuzzed at once (default 2)
#
# A crash leaves its input as build-fuzz/fuzz-runs/<target>/crash-*: fix
# the bug, then keep the input as tests/fuzz/regressions/<target>/<name>
# (replayed by `ctest -L fuzz` in every build).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ERP_FUZZ_BUILD:-$root/build-fuzz}
seconds=${ERP_FUZZ_SECONDS:-20}
merge=0
targets=()
for arg in "$@"; do
	case "$arg" in
	--merge) merge=1 ;;
	-h | --help)
		sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) targets+=("$arg") ;;
	esac
done
((${#targets[@]})) || targets=(entity posting stock list url server)

log() { printf 'fuzz: %s\n' "$*" >&2; }

command -v clang >/dev/null || { log "clang is missing (bash scripts/install-deps.sh)"; exit 1; }
mkdir -p "$build"
CC=clang cmake -S "$root" -B "$build" -DERP_WERROR=ON -DERP_BUILD_FUZZ=ON -DERP_SANITIZE=ON \
	-DERP_BUILD_BINDINGS=OFF -DERP_BUILD_BENCH=OFF -DERP_BUILD_TESTS=ON >"$build/configure.log" 2>&1 ||
	{ cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j "${ERP_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

# fuzz_one TARGET: one bounded run on a copy of its corpus (and its
# regressions), in build-fuzz/fuzz-runs/TARGET; the exit code is the run's.
fuzz_one() {
	local t=$1 work=$build/fuzz-runs/$1
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$root/tests/fuzz/corpus/$t/"* "$work/corpus/"
	local seeds=("$work/corpus")
	[[ -d $root/tests/fuzz/regressions/$t ]] && seeds+=("$root/tests/fuzz/regressions/$t")
	# -detect_leaks=0: no leak check after each input (LeakSanitizer's scans
	# halved the rate, the store's caches growing by design); the check at
	# exit still fails the run on any leak, with its allocation's stack
	# (re-run with -detect_leaks=1 to find the input).
	cd "$work" && "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -detect_leaks=0 -dict="$root/tests/fuzz/fuzz.dict" -print_final_stats=1 \
		-artifact_prefix="$work/" "${seeds[@]}" >"$work/log" 2>&1
}

# The targets run ERP_JOBS at a time (one per core).
log "${#targets[@]} targets, ${seconds}s each, ${ERP_JOBS:-2} at a time"
declare -A pids=()
for t in "${targets[@]}"; do
	while (($(jobs -rp | wc -l) >= ${ERP_JOBS:-2})); do
		wait -n || true
	done
	fuzz_one "$t" &
	pids[$t]=$!
done

failed=()
for t in "${targets[@]}"; do
	work=$build/fuzz-runs/$t
	if wait "${pids[$t]}"; then
		printf 'fuzz: %s: ' "$t" >&2
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::new_units_added)' "$work/log" |
			tr -s ' \t\n' ' ' >&2 || true
		echo >&2
	else
		failed+=("$t")
		log "$t FAILED: the last lines of $work/log:"
		tail -n 40 "$work/log" >&2
		ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2 || true
	fi
	if ((merge)); then
		mkdir -p "$work/merged"
		"$build/tests/fuzz/fuzz_$t" -merge=1 -max_len=4096 -timeout=10 -dict="$root/tests/fuzz/fuzz.dict" \
			"$work/merged" "$root/tests/fuzz/corpus/$t" "$work/corpus" >"$work/merge.log" 2>&1
		rm -f "$root/tests/fuzz/corpus/$t/"*
		cp "$work/merged/"* "$root/tests/fuzz/corpus/$t/"
		log "$t: tests/fuzz/corpus/$t now has $(ls "$root/tests/fuzz/corpus/$t" | wc -l) inputs"
	fi
done

if ((${#failed[@]})); then
	log "failed: ${failed[*]}"
	exit 1
fi
log "all ${#targets[@]} targets ran ${seconds}s each without a finding"
