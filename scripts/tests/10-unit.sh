#!/usr/bin/env bash
# Boost.Test programs in bin/tests: one count per test case (not per assertion).
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0
failed=0
# Every *_tests target of test/Jamfile must have been installed: a test
# dropped from the install list would otherwise stop running silently.
for name in $(sed -n 's/^exe \([a-z0-9_]*_tests\) .*/\1/p' test/Jamfile); do
  [ -x "bin/tests/$name" ] || { echo "test binary $name was not installed"; failed=$((failed + 1)); }
done
attr() { grep -o "$1=\"[0-9]*\"" "$2" | head -1 | grep -o '[0-9]*' || echo 0; }
for t in bin/tests/*_tests; do
  [ -x "$t" ] || continue
  report=$(mktemp)
  "$t" --log_level=error --report_level=short --report_format=XML --report_sink="$report" >/dev/null 2>"$report.err"
  rc=$?
  p=$(attr test_cases_passed "$report")
  f=$(( $(attr test_cases_failed "$report") + $(attr test_cases_aborted "$report") ))
  s=$(attr test_cases_skipped "$report")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before reporting
  echo "unit $(basename "$t"): $p passed, $f failed, $s skipped"
  [ "$f" -eq 0 ] || { "$t" --log_level=error 2>&1 | tail -20; }
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$report" "$report.err"
done
echo "$passed passed, $failed failed"
