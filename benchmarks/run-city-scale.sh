#!/usr/bin/env bash
# The city-scale benchmark (issue 12) in one command. For each city size (10,000, 100,000 and 1,000,000 commitments by
# default) it builds a synthetic Leuven (commitments spread over the 24 neighbourhoods by population, a realistic mix of
# kinds and levels, three hot city-wide goals), loads it with the operator import (a progress bar while it loads),
# starts the product in a process of its own and prints: load rate, RSS after load, durable updates/s with p50/p99 (an
# Orleans client, 64 callers), the acknowledgement at 8 callers, report → live p99 at 1,000 reports/s, map reads/s over
# HTTP, bytes written per report, the time from a restart to a full and equal map, and whether every aggregate equals a
# recomputation. Then a table of all sizes with the ratio of the largest to the smallest. Not a test: it prints figures.
#   benchmarks/run-city-scale.sh [--sizes 10000,100000,1000000] [--postgresql] [-- more options for each measure]
# --postgresql runs the product and the import on a private PostgreSQL server (initdb + pg_ctl in a temp folder on a
# free loopback port; Debian package postgresql) instead of the embedded SQLite default.
# About 22 minutes on a 2-core machine with the defaults, 9 of them loading the 1M city (the import is the bottleneck).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="10000,100000,1000000"
postgresql=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --postgresql) postgresql=true; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run-city-scale.sh: unknown option '$1' (use --sizes N,N,... --postgresql, then -- options for each measure)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run-city-scale.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 2
fi

work="$(mktemp -d -t civic-city-scale-XXXXXX)"
summary="$work/summary.tsv"
pg_data=""
cleanup() {
  if [ -n "$pg_data" ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL's tools refuse to run as root: as root they run as the 'postgres' user of the Debian package.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

settings=()
if $postgresql; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    else
      echo "run-city-scale.sh: --postgresql needs PostgreSQL's server binaries (apt-get install postgresql)." >&2
      exit 2
    fi
  fi
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  pg_data="$work/pg"
  mkdir -p "$pg_data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$work" "$pg_data"
  pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  run_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
    -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (fsync on, synchronous commit)"
fi

dotnet build CivicContracting.sln -c Release -nologo -v quiet
IFS=',' read -ra size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  echo
  echo "=== $n commitments ==="
  if $postgresql; then
    database="civic_$n"
    run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$database"
    settings=("--Storage:Profile=PostgreSql" "--Storage:ConnectionString=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$database")
  fi
  dotnet benchmarks/CityScale/bin/Release/net10.0/CivicContracting.CityScale.dll measure --commitments "$n" --summary "$summary" \
    "${settings[@]}" "${extra[@]}"
done

echo
echo "=== City scale ($( $postgresql && echo PostgreSQL || echo embedded SQLite ), $(nproc) cores, $(date -u +%Y-%m-%d)) ==="
python3 - "$summary" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
names = [("commitments", "commitments"), ("load_per_s", "load /s"), ("rss_gib", "RSS GiB"), ("updates_per_s", "updates/s"),
         ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("ack_p50_c8_ms", "ack p50 c=8 ms"), ("live_p99_ms", "live p99 ms"),
         ("map_reads_per_s", "map reads/s"), ("bytes_per_report", "bytes/report"), ("restart_s", "restart s"),
         ("report_accepted_s", "report accepted s"), ("exact", "exact")]
table = [[label for _, label in names]] + [[r.get(key, "") for key, _ in names] for r in rows]
if len(rows) >= 2:
    def ratio(key):
        try:
            return f"{float(rows[-1][key]) / float(rows[0][key]):.2f}"
        except (ValueError, ZeroDivisionError, KeyError):
            return ""
    table.append([f"{rows[-1]['commitments']}/{rows[0]['commitments']}"] + [ratio(key) for key, _ in names[1:-1]] + [""])
widths = [max(len(row[i]) for row in table) for i in range(len(names))]
for i, row in enumerate(table):
    print("| " + " | ".join(cell.rjust(widths[j]) for j, cell in enumerate(row)) + " |")
    if i == 0:
        print("| " + " | ".join("-" * w for w in widths) + " |")
EOF
