#!/usr/bin/env bash
# Fault run: the database server stops in the middle of a run and comes back.
# Expected: a clean 503 page in the site's style while it is down (never a 500 or a
# traceback), and 200 again as soon as it is back, without restarting the app.
#
#   bash bench/load/fault.sh    # as root (initdb/pg_ctl run as the postgres user)
#   BEFORE=10 DOWN=12 AFTER=10 CLIENTS=4 bash bench/load/fault.sh
#
# The database is a throwaway cluster on a free port, never the shared server on 5432.
set -euo pipefail
# shellcheck source=bench/load/lib.sh
. "$(dirname "$0")/lib.sh"

SCRATCH=$(mktemp -d /tmp/fuan-fault.XXXXXX)
cleanup() { app_stop; pg_cluster_remove; rm -rf "$SCRATCH"; }
trap cleanup EXIT

setup_venv
app_env
pg_cluster_start
export PG_DIR PG_PORT PG_BIN
load_demo
WORKERS=${WORKERS:-3} app_start
COOKIE=$(login_cookie)

log "fault run on $BASE_URL: database on port $PG_PORT stops after ${BEFORE:-10} s for ${DOWN:-12} s"
set +e
python "$BENCH/probe.py" "$BASE_URL" "$COOKIE" \
  --clients "${CLIENTS:-4}" --before "${BEFORE:-10}" --down "${DOWN:-12}" --after "${AFTER:-10}" \
  --stop "bash -c '. $BENCH/lib.sh; pg_cluster_down'" \
  --start "bash -c '. $BENCH/lib.sh; pg_cluster_up'"
status=$?
log "server log: $(grep -c '^Service Unavailable' "$SCRATCH/app.log" || true) requests logged as 503 (with the database error)"
exit $status
