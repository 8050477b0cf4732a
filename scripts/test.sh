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

results=()
step "tests on SQLite"
$BIN/pytest -p no:cacheprovider --junitxml=var/test-reports/sqlite.xml "$@" || fail "tests on SQLite"
results+=("sqlite: passed")

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && $BIN/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -n "$pg_url" ]; then
  step "tests on PostgreSQL (${pg_url%%\?*})"
  # Django creates this throwaway database for the run and drops it afterwards.
  DATABASE_URL="$pg_url" TEST_DATABASE_NAME="fengqiao_test_$$" \
    $BIN/pytest -p no:cacheprovider --create-db --junitxml=var/test-reports/postgresql.xml "$@" \
    || fail "tests on PostgreSQL"
  results+=("postgresql: passed")
else
  results+=("postgresql: NOT RUN - no server answered at 127.0.0.1:5432 and TEST_DATABASE_URL is unset")
fi

echo
echo "Databases tested:"
printf '  %s\n' "${results[@]}"
$BIN/python scripts/summarise_junit.py var/test-reports/*.xml
