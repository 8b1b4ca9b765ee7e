#!/usr/bin/env bash
# Configures and builds liberp with warnings as errors.
#
#   bash scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
#
# BUILD_DIR defaults to build/ at the top of the repository; a relative one
# is taken from the current directory. Extra arguments go to the configure
# step (e.g. -DERP_SANITIZE=ON). ERP_JOBS sets the parallelism (default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
(( $# )) && shift

cmake -S "$root" -B "$build" -DERP_WERROR=ON "$@"
cmake --build "$build" -j "${ERP_JOBS:-2}"
