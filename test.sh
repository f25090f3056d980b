#!/usr/bin/env bash
# The whole test suite, with its own set-up: the one command the README gives and .ci/run calls.
# Today the tests need only the .NET 10 SDK (SQLite is embedded through Microsoft.Data.Sqlite).
# Later capabilities add their services here (PostgreSQL, Chromium), installed when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 2
fi

configuration="${CONFIGURATION:-Release}"
log_dir="${TEST_LOG_DIR:-artifacts/test-logs}"
mkdir -p "$log_dir"

dotnet build CivicContracting.sln -c "$configuration" -nologo -v minimal
set +e
dotnet test CivicContracting.sln -c "$configuration" --no-build -nologo \
  --logger "console;verbosity=normal" --results-directory "$log_dir" 2>&1 | tee "$log_dir/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line over all test assemblies, for people and for CI.
# dotnet test prints one summary line per test assembly: "Passed!  - Failed: 0, Passed: 28, Skipped: 0, Total: 28, …".
summaries=$(grep -E '(Passed|Failed)! +- +Failed:' "$log_dir/dotnet-test.log" || true)
count() { grep -Eo "$1: +[0-9]+" <<<"$summaries" | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
assemblies=$(grep -c . <<<"$summaries" || true)
[ "$failed" -gt 0 ] && status=1
echo
echo "test assemblies: ${assemblies}"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
