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
# One test assembly at a time (-m:1): the suites host real clusters and time-bounded checks, and share 2 cores.
set +e
dotnet test CivicContracting.sln -c "$configuration" --no-build -nologo -m:1 \
  --logger "console;verbosity=normal" --results-directory "$log_dir" 2>&1 | tee "$log_dir/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line over all test assemblies, for people and for CI.
# With the console logger at normal verbosity, dotnet test ends each test assembly with a block
# "Total tests: N / Passed: N / Failed: N / Skipped: N" (zero counts left out). Sum them up.
read -r assemblies passed failed skipped < <(awk '
  /^Total tests: [0-9]+/ { a++ }
  /^ +Passed: [0-9]+$/  { p += $2 }
  /^ +Failed: [0-9]+$/  { f += $2 }
  /^ +Skipped: [0-9]+$/ { s += $2 }
  END { print a+0, p+0, f+0, s+0 }' "$log_dir/dotnet-test.log")
if [ "$failed" -gt 0 ]; then status=1; fi
echo
echo "test assemblies: ${assemblies}"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
