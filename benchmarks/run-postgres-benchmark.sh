#!/usr/bin/env bash
# The PostgreSQL benchmark (issue 3, section 6) in one command: builds benchmarks/PostgresBenchmark in Release and runs
# it. The program starts its own private PostgreSQL server (initdb + pg_ctl in a temp folder, a free loopback port,
# fsync=on, synchronous_commit=on; the same server class as tests/Silo.Tests), runs `pgbench -i` and `pgbench -N`
# against it, then the real web app co-hosting its silo on the PostgreSql profile against the same server with group
# commit and without it, then on the Memory profile (the ceiling without a database), and stops and removes the
# server at the end. Options go to the program (also as BENCH_* environment variables), e.g.
#   benchmarks/run-postgres-benchmark.sh --concurrency 8 --high-concurrency 64 --duration 10 --commitments 5000 --rate 1000 \
#       --visibility-duration 15 --configs groupcommit,sync,memory
# Takes about 4–5 minutes with the defaults. Not a test: it prints figures and exits 0 unless something broke.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run-postgres-benchmark.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 2
fi

# initdb, pg_ctl and pgbench come with Debian's server package (postgresql-15 on Debian 12).
if ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run-postgres-benchmark.sh: installing PostgreSQL (Debian package postgresql)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  else
    echo "run-postgres-benchmark.sh: needs PostgreSQL's server binaries (initdb, pg_ctl, pgbench under /usr/lib/postgresql/<version>/bin)." >&2
    echo "  Install them as root: apt-get install postgresql" >&2
    exit 2
  fi
fi

dotnet build benchmarks/PostgresBenchmark -c Release -nologo -v quiet
# Run the built program directly, so that the timings do not include `dotnet run`'s own work.
exec dotnet benchmarks/PostgresBenchmark/bin/Release/net10.0/CivicContracting.PostgresBenchmark.dll "$@"
