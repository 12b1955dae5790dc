#!/usr/bin/env bash
# Differential testing against V8 (scripts/difftest.sh): 200 random modules
# from a fixed seed, one count per module (skipped ones are not counted).
set -uo pipefail
cd "$(dirname "$0")/../.."
scripts/difftest.sh 200 20261201
