#!/usr/bin/env bash
# One command for a local, production-shaped Civic Contracting: a private PostgreSQL server, the schema migration,
# N silo processes and M web hosts in client mode (gateways from the membership table), all on 127.0.0.1.
# The Leuven demo data is seeded by the first silo. Ctrl+C stops everything; the database stays for the next run.
# A silo or web host that exits (try `kill -9` on one to see failover) is started again after a short back-off, as
# Kubernetes would restart its container, while the others keep serving (deploy/local/supervise.sh).
#
#   deploy/local/run-cluster.sh                 3 silos + 1 web host  → http://127.0.0.1:5000
#   deploy/local/run-cluster.sh --silos 0       the PostgreSQL profile alone: one web host with a co-hosted silo
#   options: --silos N  --web M  --data DIR (default data/local-cluster)  --pg-port 55432  --simulate  --fresh
#
# Needs the .NET 10 SDK, Node.js/npm (for the build) and PostgreSQL's server binaries (Debian: apt-get install
# postgresql; ./test.sh installs them when missing). As root, the server runs as the 'postgres' user.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

silos=3 webs=1 data="$root/data/local-cluster" pg_port=55432 simulate=false fresh=false
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos=$2; shift 2 ;;
    --web) webs=$2; shift 2 ;;
    --data) data=$(realpath -m "$2"); shift 2 ;;
    --pg-port) pg_port=$2; shift 2 ;;
    --simulate) simulate=true; shift ;;
    --fresh) fresh=true; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run-cluster.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$silos$webs" in *[!0-9]*) echo "run-cluster.sh: --silos and --web take numbers" >&2; exit 2 ;; esac
if [ "$silos" -gt 0 ] && [ "$webs" -lt 1 ]; then echo "run-cluster.sh: --web must be at least 1" >&2; exit 2; fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "run-cluster.sh: PostgreSQL's server binaries are missing (no /usr/lib/postgresql/<version>/bin/initdb)." >&2
  echo "  Install them (Debian: apt-get install postgresql) or run ./test.sh once as root, which does." >&2
  exit 2
fi
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pgdata="$data/postgresql"
if $fresh && [ -d "$data" ]; then
  as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$data"
fi
mkdir -p "$data"
if [ ! -f "$pgdata/PG_VERSION" ]; then
  echo "== initdb $pgdata"
  mkdir -p "$pgdata"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$data"; fi
  as_postgres "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
fi
echo "== PostgreSQL on 127.0.0.1:$pg_port"
as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -l "$data/postgresql.log" -w -t 60 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c max_connections=200" start >/dev/null
as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='civic'" | grep -q 1 \
  || as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE civic"

SUPERVISE_NAME=run-cluster.sh
# shellcheck source=deploy/local/supervise.sh
source "$root/deploy/local/supervise.sh"
stop_all() {
  trap - INT TERM EXIT
  echo; echo "== stopping"
  supervise_stop_all
  as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

echo "== build (Release)"
dotnet build src/Web/Web.csproj -c Release -nologo -v quiet
silo_dll="$root/src/Silo/bin/Release/net10.0/CivicContracting.Silo.dll"
web_dll="$root/src/Web/bin/Release/net10.0/CivicContracting.Web.dll"

export Storage__Profile=PostgreSql
export Storage__ConnectionString="Host=127.0.0.1;Port=$pg_port;Database=civic;Username=postgres"
export Storage__MaxPoolSize=10
export Storage__ExpectedHosts=$((silos + webs))
export Orleans__ClusterId=civic-local-cluster
export Orleans__AdvertisedAddress=127.0.0.1
export Api__OperatorToken="${Api__OperatorToken:-local-cluster-operator-token}"

echo "== migrate"
dotnet "$silo_dll" migrate

if [ "$silos" -eq 0 ]; then
  echo "== one web host with a co-hosted silo on PostgreSQL → http://127.0.0.1:5000 (operator token: $Api__OperatorToken)"
  supervise_start "web host (co-hosted silo)" env Demo__Simulate="$simulate" dotnet "$web_dll" --Urls=http://127.0.0.1:5000 --Orleans:Mode=CoHosted
else
  for i in $(seq 1 "$silos"); do
    seed=false; [ "$i" -eq 1 ] && seed=true
    sim=false; [ "$i" -eq 1 ] && sim=$simulate
    echo "== silo $i: silo port $((11110 + i)), gateway $((29999 + i)), health http://127.0.0.1:$((5189 + i))/health/ready"
    supervise_start "silo $i" env Demo__Seed=$seed Demo__Simulate=$sim Orleans__SiloPort=$((11110 + i)) Orleans__GatewayPort=$((29999 + i)) \
      dotnet "$silo_dll" --Urls=http://127.0.0.1:$((5189 + i))
  done
  sleep 5
  for j in $(seq 1 "$webs"); do
    echo "== web host $j (client mode) → http://127.0.0.1:$((4999 + j)) (operator token: $Api__OperatorToken)"
    supervise_start "web host $j" env Orleans__Mode=Client Demo__Seed=false dotnet "$web_dll" --Urls=http://127.0.0.1:$((4999 + j))
  done
fi
echo "== running; a process that exits is restarted; Ctrl+C stops the cluster (data stays in $data; --fresh starts over)"
supervise_run
