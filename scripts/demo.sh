#!/usr/bin/env bash
# `make demo`: a fresh demo database every time (var/demo.sqlite3), the demo district and its
# logins, then the web server and the worker on http://127.0.0.1:$PORT until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
case "$PORT" in ''|*[!0-9]*) echo "PORT must be a number, got '$PORT'" >&2; exit 2;; esac
bash scripts/ensure_fonts.sh
mkdir -p var
[ -s var/demo-secret-key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/demo-secret-key
export SECRET_KEY="$(cat var/demo-secret-key)"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export DATABASE_URL="sqlite:///$PWD/var/demo.sqlite3"
export DJANGO_SETTINGS_MODULE=fengqiao.settings
rm -f var/demo.sqlite3 var/demo.sqlite3-wal var/demo.sqlite3-shm
FQ=.venv/bin/fengqiao
$FQ migrate --noinput -v 0
$FQ collectstatic --noinput -v 0
$FQ demo
exec $FQ serve --port "$PORT" --with-worker
