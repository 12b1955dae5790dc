#!/usr/bin/env bash
# Set-up, build, and run the bundled example: the main job in one command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
b2 -j2 -d0
echo '$ bin/timecraft run --invoke fac examples/fac.wat 20'
bin/timecraft run --invoke fac examples/fac.wat 20
