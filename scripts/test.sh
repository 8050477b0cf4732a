#!/usr/bin/env bash
# `make test`: lint, type checks, Django checks, migrations check, then the whole suite on SQLite
# and, when a server answers (or TEST_DATABASE_URL is set), again on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=fengqiao.settings_test
unset DATABASE_URL
mkdir -p var/test-reports
rm -f var/test-reports/*.xml
rm -rf var/test-artifacts/screenshots

step() { echo; echo "==> $*"; }
fail() { echo; echo "FAILED: $*" >&2; exit 1; }

step "ruff check";                 $BIN/ruff check . || fail "ruff check"
step "ruff format --check";        $BIN/ruff format --check . || fail "ruff format (run: .venv/bin/ruff format .)"
step "mypy (django-stubs)";        $BIN/mypy fengqiao bench || fail "mypy"
step "manage.py check";            $BIN/python manage.py check --fail-level WARNING || fail "manage.py check"
step "makemigrations --check";     $BIN/python manage.py makemigrations --check --dry-run || fail "missing migrations"

step "Chromium for the browser tests"; bash scripts/ensure_chromium.sh
step "Chinese font for the mediation documents"; bash scripts/ensure_fonts.sh || fail "Chinese font (see above)"
step "GNU gettext for the translation checks"; bash scripts/ensure_gettext.sh || fail "GNU gettext (see above)"

# The two databases' runs go side by side: the SQLite run is Python on one core, the PostgreSQL
# run shares the other with its server, so together they take little longer than the PostgreSQL
# run alone: on a 2-core machine 6 min 20 s side by side against 4 min 54 s + 8 min 9 s one after
# the other. They share nothing but
# the source: the SQLite run's database is in memory, the PostgreSQL run's is its own throwaway
# database, and every test that writes files writes them under its own tmp_path.
# FENGQIAO_TEST_SERIAL=1 runs them one after the other, for a machine short of memory or cores.
pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && $BIN/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi

pg_log=var/test-reports/postgresql.log
pg_pid=""
run_postgresql() {
  # Django creates this throwaway database for the run and drops it afterwards.
  DATABASE_URL="$pg_url" TEST_DATABASE_NAME="fengqiao_test_$$" \
    $BIN/pytest -p no:cacheprovider --create-db --junitxml=var/test-reports/postgresql.xml "$@"
}
if [ -n "$pg_url" ] && [ "${FENGQIAO_TEST_SERIAL:-0}" != 1 ]; then
  step "tests on PostgreSQL (${pg_url%%\?*}) started alongside; its output follows the SQLite run's"
  run_postgresql "$@" > "$pg_log" 2>&1 &
  pg_pid=$!
  # An interrupted or failed script takes the PostgreSQL run with it.
  trap '[ -n "$pg_pid" ] && kill "$pg_pid" 2>/dev/null' EXIT
fi

results=()
step "tests on SQLite"
if $BIN/pytest -p no:cacheprovider --junitxml=var/test-reports/sqlite.xml "$@"; then
  results+=("sqlite: passed"); sqlite_ok=1
else
  results+=("sqlite: FAILED"); sqlite_ok=0
fi

pg_ok=1
if [ -n "$pg_pid" ]; then
  wait "$pg_pid"; pg_rc=$?; pg_pid=""
  step "tests on PostgreSQL (${pg_url%%\?*}), run alongside the SQLite run"
  cat "$pg_log"
  [ "$pg_rc" = 0 ] || pg_ok=0
elif [ -n "$pg_url" ]; then
  step "tests on PostgreSQL (${pg_url%%\?*})"
  run_postgresql "$@" || pg_ok=0
fi
if [ -z "$pg_url" ]; then
  results+=("postgresql: NOT RUN - no server answered at 127.0.0.1:5432 and TEST_DATABASE_URL is unset")
elif [ "$pg_ok" = 1 ]; then
  results+=("postgresql: passed")
else
  results+=("postgresql: FAILED")
fi

echo
echo "Databases tested:"
printf '  %s\n' "${results[@]}"
$BIN/python scripts/summarise_junit.py var/test-reports/*.xml
[ "$sqlite_ok" = 1 ] || fail "tests on SQLite (its output is above)"
[ "$pg_ok" = 1 ] || fail "tests on PostgreSQL (its output is above)"
