"""``fengqiao serve --with-worker`` starts gunicorn and the worker; SIGTERM stops both."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fengqiao.core.management.commands.serve import default_workers

ROOT = Path(__file__).resolve().parents[3]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def periodic_jobs(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM core_periodicjob").fetchone()[0]


def test_serve_answers_on_loopback_and_stops_cleanly(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fengqiao.settings",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "FENGQIAO_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    fq = [sys.executable, "-m", "fengqiao.cli"]
    subprocess.run([*fq, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=120)
    subprocess.run(
        [*fq, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=120
    )
    port = free_port()
    server = subprocess.Popen(
        [*fq, "serve", "--port", str(port), "--workers", "1", "--threads", "2", "--with-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "server did not answer within 60 s"
                time.sleep(0.3)
        assert (status, body) == (200, '{"status": "ok"}')
        status, body = get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and "登录" in body
        status, css = get(f"http://127.0.0.1:{port}/static/vendor/leaflet-1.9.4/leaflet.css")
        assert status == 200 and ".leaflet-container" in css
        # The worker is up once it has recorded its periodic jobs in the database.
        while not periodic_jobs(tmp_path / "fengqiao.sqlite3"):
            assert time.monotonic() < deadline, "the worker did not start within 60 s"
            time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    assert "fengqiao worker" in output and "stopped" in output


def test_a_child_that_does_not_stop_in_time_is_killed():
    from fengqiao.core.management.commands.serve import _stopped

    busy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    assert _stopped(busy, timeout=0.2) is False
    assert busy.returncode == -signal.SIGKILL
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    assert _stopped(done, timeout=60) is True and done.returncode == 0


def test_one_process_per_core_by_default():
    assert [default_workers(cores) for cores in (None, 1, 2, 4, 8, 64)] == [2, 2, 2, 4, 8, 16]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threads", "0"], "--threads 必须在 1–64 之间：0"),
        (["--workers", "65"], "--workers 必须在 1–64 之间：65"),
        (["--port", "70000"], "端口必须在 1–65535 之间：70000"),
    ],
)
def test_bad_numbers_are_refused_before_anything_starts(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args)
