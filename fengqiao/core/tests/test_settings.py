"""Settings refuse unsafe or malformed configuration at start-up, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 50


def start(env_overrides, code="import django; django.setup(); from django.conf import settings"):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "fengqiao.settings"
    env["FENGQIAO_VAR_DIR"] = env_overrides.pop("FENGQIAO_VAR_DIR", str(ROOT / "var"))
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start({"ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_key_and_missing_hosts():
    assert "SECRET_KEY" in start({"SECRET_KEY": "changeme", "ALLOWED_HOSTS": "x"}).stderr
    result = start({"SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0 and "ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must be a sqlite"),
        ({"SQLITE_TIMEOUT": "soon"}, "SQLITE_TIMEOUT must be an integer"),
    ],
)
def test_malformed_settings_name_the_variable(overrides, message):
    result = start({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", **overrides})
    assert result.returncode != 0 and message in result.stderr


def test_debug_off_by_default_and_chinese_first():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, [c for c, _ in s.LANGUAGES])"
    )
    result = start({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"}, code)
    assert result.stdout.strip() == "False zh-hans Asia/Shanghai ['zh-hans', 'en']", result.stderr


def test_debug_mode_starts_with_development_defaults():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    assert start({"DEBUG": "1"}, code).stdout.strip() == "True"


def test_sqlite_default_uses_wal_and_immediate_transactions(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA synchronous'); print(c.fetchone()[0]); "
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = start(
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "FENGQIAO_VAR_DIR": str(tmp_path)}, code
    )
    assert result.stdout.split() == ["wal", "1", "IMMEDIATE"], result.stderr
    assert (tmp_path / "fengqiao.sqlite3").exists()


def test_postgres_url_is_parsed():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    )
    result = start(
        {
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "x",
            "DATABASE_URL": "postgres://fq:pw@db.internal:5433/fengqiao",
        },
        code,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "fengqiao",
        "db.internal",
        "5433",
    ], result.stderr
