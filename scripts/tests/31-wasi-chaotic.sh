#!/usr/bin/env bash
# The WASI test suite again, under fault injection at rate 0 (`run --chaotic
# 0`): the chaos layer in place but injecting nothing must change nothing.
cd "$(dirname "$0")/../.."
TIMECRAFT_WASI_CHAOTIC=0 bash scripts/tests/30-wasi.sh | sed 's/^wasi testsuite: /wasi testsuite at --chaotic 0: /'
