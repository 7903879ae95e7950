#!/usr/bin/env bash
# Lighthouse (mobile) on the pages people use, against the seed, with Debian's Chromium:
#   bash bench/lighthouse.sh                 # port 8108; reports under var/lighthouse/
#   PORT=8123 bash bench/lighthouse.sh
# Needs /usr/bin/chromium and the npm package lighthouse, installed once into var/node:
#   npm install --prefix var/node --no-audit --no-fund lighthouse@13
# The server is `manage.py runserver` with DEBUG on (static files served as written) on a
# scratch copy of the seed; the logged-in pages get a staff session's cookie.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8108}
LIGHTHOUSE=var/node/node_modules/.bin/lighthouse
OUT=var/lighthouse
[ -x "$LIGHTHOUSE" ] || { echo "bench/lighthouse.sh: install lighthouse first (see the top)" >&2; exit 2; }
mkdir -p "$OUT"
scratch=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$scratch"' EXIT

. .venv/bin/activate
export DJANGO_SETTINGS_MODULE=fuan_rotation.settings DJANGO_ENV_FILE= DEBUG=true \
  SECRET_KEY=lighthouse-only-development-key-0123456789abcdef \
  DATABASE_URL="sqlite:///$scratch/db.sqlite3" ALLOWED_HOSTS=127.0.0.1
python manage.py migrate -v 0
python manage.py seed_demo > /dev/null
read -r cookie activity <<<"$(python - <<'PY'
import django
django.setup()
from django.test import Client
from activities.models import Activity
from members.models import User
client = Client()
client.force_login(User.objects.get(username="staff"))
print(client.cookies["sessionid"].value, Activity.objects.order_by("number").last().pk)
PY
)"
python manage.py runserver "127.0.0.1:$PORT" --noreload > "$scratch/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done

run() {  # name path [cookie]
  local headers='{}'
  [ -n "${3:-}" ] && headers="{\"Cookie\": \"sessionid=$3\"}"
  "$LIGHTHOUSE" "http://127.0.0.1:$PORT$2" --quiet --chrome-path=/usr/bin/chromium \
    --chrome-flags="--headless --no-sandbox --disable-gpu" \
    --only-categories=performance,accessibility,best-practices \
    --extra-headers="$headers" --output=json --output-path="$OUT/$1.json" || true
  python - "$OUT/$1.json" "$1" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
# A category Lighthouse could not score (e.g. NO_NAVSTART on a loaded machine) shows "—".
scores = {
    k: "—" if v["score"] is None else round(v["score"] * 100)
    for k, v in report["categories"].items()
}
failed = [a for a, r in report["audits"].items() if r.get("score") == 0 and r.get("scoreDisplayMode") == "binary"]
print(f"| {sys.argv[2]} | {scores.get('performance')} | {scores.get('accessibility')} | "
      f"{scores.get('best-practices')} | {', '.join(failed)} |")
PY
}
echo "| page | performance | accessibility | best practices | failed audits |"
echo "|---|---:|---:|---:|---|"
run login /accounts/login/
run home / "$cookie"
run roster /members/ "$cookie"
run activity "/activities/$activity/" "$cookie"
run report /reports/2018/ "$cookie"
run record /activities/new/ "$cookie"
