#!/usr/bin/env bash
# Load run: the demo data in a scratch database, gunicorn on 127.0.0.1, a logged-in staff
# session, and wrk on the pages of urls.txt for 60 s. Expects 0 errors and 0 server errors.
#
#   bash bench/load/run.sh              # scratch SQLite file
#   bash bench/load/run.sh --postgres   # throwaway PostgreSQL cluster on a free port (as root:
#                                       # runs initdb/pg_ctl as the postgres user)
#   DURATION=60 THREADS=2 CONNECTIONS=16 WORKERS=3 bash bench/load/run.sh
set -euo pipefail
# shellcheck source=bench/load/lib.sh
. "$(dirname "$0")/lib.sh"

DATABASE=sqlite
[ "${1:-}" = "--postgres" ] && DATABASE=postgres
DURATION=${DURATION:-60}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

SCRATCH=$(mktemp -d /tmp/fuan-load.XXXXXX)
chmod 755 "$SCRATCH"
cleanup() { app_stop; pg_cluster_remove; rm -rf "$SCRATCH"; }
trap cleanup EXIT

setup_venv
app_env
if [ "$DATABASE" = postgres ]; then
  pg_cluster_start
else
  export DATABASE_URL=sqlite:///$SCRATCH/db.sqlite3
fi
load_demo
app_start
COOKIE=$(login_cookie)

log "pages (from bench/load/urls.txt)"
: >"$SCRATCH/paths.txt"
while read -r path; do
  case "$path" in "" | "#"*) continue ;; esac
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE_URL$path")
  case "$status" in
    200) echo "$path" >>"$SCRATCH/paths.txt"; echo "  $status $path" ;;
    404) echo "  404 $path  (not on this version: skipped)" ;;
    *) echo "  $status $path  (expected 200)" >&2; exit 1 ;;
  esac
done <"$BENCH/urls.txt"

log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
log "commit: $(git -C "$ROOT" rev-parse --short HEAD), database: $DATABASE, gunicorn workers: ${WORKERS:-3}"
log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
  -s "$BENCH/paths.lua" -H "Cookie: $COOKIE" "$BASE_URL" -- "$SCRATCH/paths.txt" \
  | tee "$SCRATCH/wrk.txt"

result() { sed -n "s/^RESULT $1=//p" "$SCRATCH/wrk.txt"; }
failed=0
for name in status_3xx status_4xx status_5xx socket_errors; do
  if [ "$(result "$name")" != 0 ]; then
    echo "FAIL: $name = $(result "$name")" >&2
    failed=1
  fi
done
if grep -q "Traceback" "$SCRATCH/gunicorn.log" "$SCRATCH/app.log"; then
  echo "FAIL: the server logged a traceback" >&2
  failed=1
fi
[ "$failed" = 0 ] && log "OK: $(result requests) requests, 0 errors, 0 server errors"
exit "$failed"
