# Shared by run.sh and fault.sh: a scratch database, the app under gunicorn, a logged-in session.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/bench/load
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
DEMO_PASSWORD=${DEMO_PASSWORD:-rotation-demo-2019}

log() { printf '== %s\n' "$*" >&2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

setup_venv() {
  cd "$ROOT"
  [ -d .venv ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
  pip install --quiet --disable-pip-version-check -r requirements.txt
}

# Production-like settings on plain http at 127.0.0.1 (no TLS proxy in front here).
app_env() {
  export DEBUG=false
  export SECRET_KEY
  SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
  export ALLOWED_HOSTS=127.0.0.1
  export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
  export LOG_LEVEL=${LOG_LEVEL:-WARNING}
  unset DJANGO_SETTINGS_MODULE
}

# A throwaway PostgreSQL cluster owned by the postgres user, on its own port. Never the shared
# server on 5432: other people's tests use it.
pg_cluster_start() {
  PG_DIR=$(mktemp -d /tmp/fuan-pg.XXXXXX)
  PG_PORT=${PG_PORT:-$(free_port)}
  [ "$PG_PORT" != 5432 ] || { echo "refusing to use port 5432" >&2; exit 1; }
  chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
  pg_cluster_up
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres fuan_bench
  export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/fuan_bench
}

pg_cluster_up() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
}

pg_cluster_down() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

pg_cluster_remove() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

load_demo() {
  log "migrate, demo data, collectstatic ($DATABASE_URL)"
  python manage.py migrate -v0
  python manage.py seed_demo --password "$DEMO_PASSWORD" >/dev/null
  python manage.py collectstatic --noinput -v0
}

app_start() {
  APP_PORT=${APP_PORT:-$(free_port)}
  BASE_URL=http://127.0.0.1:$APP_PORT
  log "gunicorn on $BASE_URL (${WORKERS:-3} workers)"
  gunicorn fuan_rotation.wsgi --bind "127.0.0.1:$APP_PORT" --workers "${WORKERS:-3}" \
    --access-logfile /dev/null --error-logfile "$SCRATCH/gunicorn.log" 2>>"$SCRATCH/app.log" &
  APP_PID=$!
  for _ in $(seq 60); do
    curl -fs -o /dev/null "$BASE_URL/accounts/login/" && return 0
    sleep 0.5
  done
  cat "$SCRATCH/gunicorn.log" "$SCRATCH/app.log" >&2
  exit 1
}

app_stop() {
  if [ -n "${APP_PID:-}" ]; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=
  fi
}

# Prints the Cookie header value of a logged-in session.
login_cookie() {
  python "$BENCH/login.py" "$BASE_URL" "${LOGIN_USER:-staff}" "$DEMO_PASSWORD"
}
