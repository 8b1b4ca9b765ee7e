#!/usr/bin/env bash
# The README's main-job command: installs what is needed, builds, and runs
# the main job on the embedded SQLite default. Today the main job is the
# quickstart example; it writes run/quickstart.db at the top of the
# repository (each run adds a tenant to it).
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
echo "--- running build/quickstart in $PWD"
exec "$root/build/quickstart"
