#!/usr/bin/env bash
# The README's main-job command: installs what is needed, builds, and runs
# the main job on the embedded SQLite default: erp-server with demo data
# (`erp-server --demo`), on run/erp.db at the top of the repository, on
# http://127.0.0.1:3000 (PORT and the other variables of the README
# override). The demo admin's credentials are printed once, on the first
# line of output. Stop it with Ctrl-C (a graceful shutdown).
#
#   bash scripts/run.sh
#
# ERP_CMAKE_ARGS adds configure arguments to the build (split on spaces).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
read -r -a cmake_args <<<"${ERP_CMAKE_ARGS:-}"
bash scripts/build.sh "$root/build" "${cmake_args[@]}"

mkdir -p run
cd run
echo "--- running build/erp-server --demo in $PWD (Ctrl-C stops it)"
exec "$root/build/erp-server" --demo "$@"
