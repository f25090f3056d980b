#!/usr/bin/env bash
# The whole test suite, with its own set-up: the one command the README gives and .ci/run calls.
# The tests need the .NET 10 SDK, PostgreSQL's server binaries (Debian package 'postgresql', 15 on Debian 12) and Chromium
# (Debian package 'chromium'): the PostgreSQL storage tests run their own private server with initdb/pg_ctl on a free
# loopback port and the browser tests start their own headless Chromium, so nothing has to be started here; the
# packages are installed when missing (as root, through apt-get), with a Java runtime and npm for the HTML validator test.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 2
fi

# System packages the tests need, installed together (one apt-get update) when missing, as root through apt-get:
# - PostgreSQL's server binaries: any /usr/lib/postgresql/<version>/bin will do (the fixture takes the newest); Debian 12 ships 15.
# - Chromium for the browser tests of the public site (tests/Site.Tests drive /usr/bin/chromium through Playwright;
#   Playwright never downloads a browser of its own here).
# - A Java runtime and npm for the HTML validator test (tests/Site.Tests/Accessibility/HtmlValidatorTests): it runs the
#   Nu Html Checker's vnu.jar on java; the jar is the npm package vnu-jar pinned in tests/Site.Tests/Validator, which the
#   test installs there with `npm ci` on its first run.
have_postgresql() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_chromium() { [ -x /usr/bin/chromium ]; }
have_java() { command -v java >/dev/null 2>&1; }
have_npm() { command -v npm >/dev/null 2>&1 || [ -f tests/Site.Tests/Validator/node_modules/vnu-jar/build/dist/vnu.jar ]; }
missing=()
have_postgresql || missing+=(postgresql)
have_chromium || missing+=(chromium)
have_java || missing+=(default-jre-headless)
have_npm || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]} (Debian packages) for the PostgreSQL storage tests, the browser tests and the HTML validator test"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  else
    for package in "${missing[@]}"; do
      case "$package" in
        postgresql) echo "test.sh: the PostgreSQL storage tests need PostgreSQL's server binaries (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin)." >&2 ;;
        chromium) echo "test.sh: the browser tests of the public site (tests/Site.Tests) need Chromium at /usr/bin/chromium." >&2 ;;
        default-jre-headless) echo "test.sh: the HTML validator test (vnu.jar) needs a Java runtime (java)." >&2 ;;
        npm) echo "test.sh: the HTML validator test installs vnu.jar with npm (npm ci in tests/Site.Tests/Validator)." >&2 ;;
      esac
    done
    echo "          Install them as root: apt-get install ${missing[*]}, then run ./test.sh again." >&2
    exit 2
  fi
  if ! have_postgresql; then
    echo "test.sh: PostgreSQL was installed but no /usr/lib/postgresql/<version>/bin/initdb was found." >&2
    exit 2
  fi
  if ! have_chromium; then
    echo "test.sh: Chromium was installed but /usr/bin/chromium was not found." >&2
    exit 2
  fi
  if ! have_java || ! have_npm; then
    echo "test.sh: default-jre-headless and npm were installed but java or npm was not found on the PATH." >&2
    exit 2
  fi
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
