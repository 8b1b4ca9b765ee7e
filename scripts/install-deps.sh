#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build liberp and run all its
# tests. Run as root (or as a user with sudo). Idempotent: when every
# package is installed already it only checks, in well under a second.
#
#   bash scripts/install-deps.sh
#
# ERP_DEPS_DRY_RUN=1 prints what would be installed and installs nothing.
set -euo pipefail

log() { printf 'install-deps: %s\n' "$*" >&2; }

# One line per purpose; keep them in step with the README.
PACKAGES=(
	# building the library, the examples and the header test (C and C++)
	build-essential cmake pkg-config git ca-certificates binutils
	# the library's dependencies
	libsqlite3-dev libpq-dev libsodium-dev libjansson-dev libhiredis-dev
	# the reference server (erp-server)
	libmicrohttpd-dev
	# tests: CMocka, valgrind, a second compiler, ledger-cli for cross-checks
	libcmocka-dev valgrind clang ledger
	# the fuzz targets (scripts/fuzz.sh): libFuzzer and the sanitizers for clang
	libclang-rt-14-dev
	# throwaway servers for the conformance suite (PostgreSQL 15, Redis)
	postgresql redis-server
	# bindings (SWIG 4.1; Python)
	swig python3 python3-dev
	# used by scripts/ and the tests: curl, ps/pkill (procps), ss (iproute2)
	curl procps iproute2
	# the server's HTTP benchmark (scripts/bench-http.sh); python3 above runs
	# the server tests (tests/server)
	wrk
)

# Node.js for the Node binding. Only when no `node` exists: machines that
# carry NodeSource's nodejs (which bundles npm) must keep it, and Debian's
# npm package conflicts with it.
if ! command -v node >/dev/null 2>&1; then
	PACKAGES+=(nodejs npm)
fi

if [[ -r /etc/os-release ]]; then
	# shellcheck disable=SC1091 # a system file
	. /etc/os-release
	if [[ "${ID:-}" != debian || "${VERSION_ID:-}" != 12 ]]; then
		log "warning: made for Debian 12, this is ${PRETTY_NAME:-unknown}; trying anyway"
	fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ "$status" == ii* ]] || missing+=("$p")
done

if (( ${#missing[@]} == 0 )); then
	log "all ${#PACKAGES[@]} packages are installed"
	exit 0
fi
log "missing: ${missing[*]}"
if [[ "${ERP_DEPS_DRY_RUN:-}" == 1 ]]; then
	exit 0
fi

SUDO=()
if [[ $EUID -ne 0 ]]; then
	command -v sudo >/dev/null 2>&1 || { log "error: run as root (or install sudo)"; exit 1; }
	SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
log "installed: ${missing[*]}"
