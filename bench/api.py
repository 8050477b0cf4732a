"""Benchmark of the REST API under gunicorn (issue 5): create and read a case against the ceiling.

Run from the repository root::

    python bench/api.py [--db sqlite|postgresql|both] [--clients 32] [--duration 15]
                        [--warmup 3] [--workers N] [--threads 4] [--worker-connections C]
                        [--client-procs 1]
                        [--seed 7] [--pg-url postgres://postgres@127.0.0.1:5432] [--json]

For each database it makes a throwaway database as ``bench/sweep.py`` does (a temporary SQLite
file, WAL; ``fengqiao_bench_<pid>`` on ``--pg-url``, dropped at the end even on failure), and in
a child process with the production settings runs the migrations, loads the demo district
without its cases (``load_demo(cases=False)``: regions, units, people, the taxonomy) and adds a
service account, an operator of the district centre, with an API token.

It then starts gunicorn on loopback (``fengqiao.wsgi``, gthread workers, ``--workers`` x
``--threads``; by default what ``fengqiao serve`` runs: a process per core, four threads each)
with the production settings, DEBUG off, the API's rate limits raised out of the way, and one
more URL (``bench/api_settings.py``, ``bench/api_ceiling.py``), and drives three scenarios one
after the other against that one server, each with ``--clients`` keep-alive
connections for ``--warmup`` seconds and then ``--duration`` timed seconds. Each gunicorn
process holds at most ``--worker-connections`` (by default the clients spread evenly over the
processes): a gthread process accepts every connection that arrives while it is awake and
keeps it, and without the cap one process sometimes took all 32 while the others idled.
The scenarios:

- ``ceiling``: ``POST /bench/insert/``, a plain Django view that parses the body and inserts one
  row, the most a write can do through this framework, server and database;
- ``create``: ``POST /api/v1/cases/`` with a token, bodies varied over the demo district's grid
  points and categories, no ``Idempotency-Key`` (validate, locate, route, timeline, outbox);
- ``read``: ``GET /api/v1/cases/{number}/`` over the cases the create scenario made;
- with ``--plain``, after ``create``, ``plain``: ``POST /bench/create-plain/``, the same bodies
  through a bench-only Django view that calls ``cases.intake.submit`` without DRF, token or
  rate limit (an experiment: how much of a create is DRF's; ``bench/api_ceiling.py``).

The load comes from ``--client-procs`` processes of this script (``--load-worker``), each an
asyncio loop with its share of the connections and a small HTTP/1.1 client. Throughput counts
the responses that arrive in the timed window; p50 and p99 are taken over all of their
latencies (nearest rank). Every status is checked (201, 201, 200) and anything else counts as an
error; afterwards a second child checks that the database holds exactly one case, one
timeline entry and one inbox notice per 201 of the create scenario, and one row per 201 of the
ceiling. CPU seconds of the server and of the clients in the timed window and the load average
before and after are reported, since the clients share the machine with the server.
Progress goes to stderr, the report (markdown or ``--json``) to stdout; the exit status is 1 if
a check fails or a response was an error (the targets are reported, not enforced).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
sys.path.insert(0, ROOT)

# The shared helpers of the sweep benchmark, next to this script (bench/ is not a package).
from sweep import (  # noqa: E402
    Child,
    child_env,
    machine,
    on_postgresql,
    on_sqlite,
    progress,
    run_child,
    server_version,
)

from fengqiao.core.management.commands.serve import DEFAULT_THREADS, default_workers  # noqa: E402

TARGET_SHARE = 0.40  # creation's throughput against the ceiling's
TARGET_P99_MS = 100.0
HOST = "127.0.0.1"
SCENARIOS = ("ceiling", "create", "read")
EXPECTED = {"ceiling": 201, "create": 201, "plain": 201, "read": 200}
BODIES = 1_000  # distinct request bodies, cycled
THROTTLE = "100000000/min"  # far above anything the bench sends
START_SLACK = 1.5  # seconds for the client processes to start and connect before the load
SERVER_START_TIMEOUT = 60.0
WAIT_SAMPLE = 0.1  # seconds between samples of pg_stat_activity
SERVICE_ACCOUNT = "bench_api"
TITLES = ("楼道堆物占用消防通道", "邻里噪音纠纷", "小区路灯损坏", "下水道堵塞", "占道经营")
DESCRIPTIONS = (
    "群众反映该问题已持续一段时间，希望尽快处理。",
    "网格员巡查发现，已拍照留存。",
    "涉及多户居民，需入户走访核实。",
)
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静")
NUMBER = re.compile(rb'"number":\s*"([^"]+)"')


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections")
    parser.add_argument("--duration", type=float, default=15.0, help="timed seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed seconds before")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(os.cpu_count()),
        help="gunicorn worker processes (default: as fengqiao serve, one per core, at least 2)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help="threads per gunicorn worker (default: as fengqiao serve)",
    )
    parser.add_argument(
        "--worker-connections",
        type=int,
        help="connections a gunicorn worker holds at most (default: the clients spread evenly "
        "over the workers, at least --threads; 1000 is gunicorn's own default)",
    )
    parser.add_argument("--client-procs", type=int, default=1, help="load generator processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also create through a bench-only view without DRF (the plain scenario)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, profile create and read in process (Django test client, cProfile)",
    )
    parser.add_argument("--stage", choices=["setup", "verify", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--expect", help=argparse.SUPPRESS)  # verify: JSON of the 201 counts
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    parser.add_argument("--load-worker", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_worker:
        return args
    if not 1 <= args.clients <= 1000:
        parser.error("--clients must be between 1 and 1000")
    if not 1 <= args.client_procs <= args.clients:
        parser.error("--client-procs must be between 1 and --clients")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be positive and --warmup not negative")
    if not 1 <= args.workers <= 64 or not 1 <= args.threads <= 64:
        parser.error("--workers and --threads must be between 1 and 64")
    if args.worker_connections is None:
        args.worker_connections = max(args.threads, math.ceil(args.clients / args.workers))
    if not 1 <= args.worker_connections <= 10000:
        parser.error("--worker-connections must be between 1 and 10000")
    if args.child and (args.db == "both" or not args.result_file or not args.stage):
        parser.error("--child needs one --db, --stage and --result-file")
    return args


def command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run."""
    return (
        f"python bench/api.py --db {args.db} --clients {args.clients} --duration {args.duration:g} "
        f"--warmup {args.warmup:g} --workers {args.workers} --threads {args.threads} "
        f"--worker-connections {args.worker_connections} --client-procs {args.client_procs} "
        f"--seed {args.seed}" + (" --plain" if args.plain else "")
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each database and print the report; 1 if a check failed."""
    args = parse_args(argv)
    if args.load_worker:
        return load_worker_main(args.load_worker)
    if args.child:
        return child_main(args)
    names = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = []
    for name in names:
        if name == "sqlite":
            results.append(on_sqlite(api_child(args)))
        else:
            pg_name = f"fengqiao_bench_{os.getpid()}"
            results.append(on_postgresql(args.pg_url, pg_name, api_child(args)))
    report: dict[str, Any] = {
        "command": command(args),
        "machine": machine(),
        "server": server_config(args),
        "clients": args.clients,
        "client_procs": args.client_procs,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "targets": {"create_share_of_ceiling": TARGET_SHARE, "p99_ms": TARGET_P99_MS},
        "results": results,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else markdown(report))
    failed = [r for r in results if "error" in r or not r.get("ok", True)]
    return 1 if failed else 0


def server_config(args: argparse.Namespace) -> str:
    return (
        f"gunicorn fengqiao.wsgi, {args.workers} workers x {args.threads} threads (gthread), "
        f"at most {args.worker_connections} connections per worker, "
        "keep-alive 5 s, production settings (DEBUG off) + the ceiling URL, API rate limits "
        f"{THROTTLE}"
    )


# ---------------------------------------------------------------------------------------------
# Parent: per database, set up in a child, serve with gunicorn, load, verify in a child.


def api_child(args: argparse.Namespace) -> Child:
    return lambda db, url, workdir: run_database(args, db, url, workdir)


def run_database(args: argparse.Namespace, db: str, url: str, workdir: str) -> dict[str, Any]:
    """Everything for one database: the result row of the report, or the reason it failed."""
    start = time.perf_counter()
    # The production settings serve static files through WhiteNoise from here (none needed).
    os.makedirs(os.path.join(workdir, "static"), exist_ok=True)
    setup = run_child(db, url, workdir, ["--stage=setup"], script=__file__, host=HOST)
    if "error" in setup:
        return setup
    os.remove(os.path.join(workdir, "result.json"))
    progress(f"{db}: set up in {time.perf_counter() - start:.1f} s; starting gunicorn")
    result: dict[str, Any] = {
        "database": db,
        "server_version": setup["server_version"],
        "setup_seconds": time.perf_counter() - start,
        "uptime_before": uptime(),
    }
    server = Server(args, url, workdir, setup["user_id"])
    try:
        server.start()
        scenarios, created = drive(args, server, setup, workdir, db)
    except BenchError as exc:
        return {"database": db, "error": str(exc)}
    finally:
        server.stop()
    result["uptime_after"] = uptime()
    result["scenarios"] = scenarios
    expect = json.dumps(
        {"create": created["create"] + created.get("plain", 0), "ceiling": created["ceiling"]}
    )
    checked = run_child(
        db, url, workdir, ["--stage=verify", f"--expect={expect}"], script=__file__, host=HOST
    )
    if "error" in checked:
        return {"database": db, "error": f"verification {checked['error']}"}
    checks = checked["checks"] | {
        f"no errors in {name}": s["errors"] == 0 for name, s in scenarios.items()
    }
    result |= {"stored": checked["stored"], "checks": checks, "ok": all(checks.values())}
    if args.profile:
        profiled = run_child(
            db, url, workdir, ["--stage=profile"], script=__file__, host=f"{HOST},testserver"
        )
        result["profile"] = profiled
    ceiling, create = scenarios["ceiling"]["rps"], scenarios["create"]["rps"]
    result["create_share_of_ceiling"] = create / ceiling if ceiling else 0.0
    if "plain" in scenarios:
        plain = scenarios["plain"]["rps"]
        result["plain_share_of_ceiling"] = plain / ceiling if ceiling else 0.0
    return result


class BenchError(Exception):
    """The server or the load generator failed; the message says how."""


def uptime() -> str:
    """``uptime``'s line, or the load averages where the command is missing."""
    try:
        done = subprocess.run(["uptime"], capture_output=True, text=True, check=True)  # noqa: S607
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn on a free loopback port with the bench settings, stopped on ``stop``."""

    def __init__(self, args: argparse.Namespace, url: str, workdir: str, user_id: int) -> None:
        self.port, self.url = free_port(), url
        self.log_path = os.path.join(workdir, "gunicorn.log")
        self.env = child_env(url, workdir, HOST) | {
            "DJANGO_SETTINGS_MODULE": "api_settings",
            "FENGQIAO_BENCH_USER_ID": str(user_id),
            "API_THROTTLE_USER": THROTTLE,
            "API_THROTTLE_ANON": THROTTLE,
        }
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "fengqiao.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            f"--worker-connections={args.worker_connections}",
            "--worker-class=gthread",
            "--keep-alive=5",
            "--backlog=2048",
            f"--pythonpath={BENCH}",
            "--log-level=warning",
            "--graceful-timeout=10",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the server)
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
            self.command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with status {self.process.returncode}: {self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(
                    f"http://{HOST}:{self.port}/healthz", timeout=2
                ) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz in {SERVER_START_TIMEOUT:.0f} s")

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of gunicorn's processes so far (Linux /proc)."""
        if self.process is None:
            return 0.0
        return cpu_seconds([*children_of(self.process.pid), self.process.pid])

    def database_cpu(self) -> dict[int, float] | None:
        """CPU seconds so far of each PostgreSQL backend serving the bench database (a server on
        this machine), by process id; None for SQLite, which works inside gunicorn's processes."""
        if not self.url.startswith(("postgres:", "postgresql:")):
            return None
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as admin:
            return backend_cpu(admin)

    def sample_database(
        self, until: float, cpu: dict[int, float] | None
    ) -> dict[str, float] | None:
        """What the PostgreSQL backends of the bench database are doing, sampled every
        WAIT_SAMPLE seconds until ``until``: the mean number of backends in each state, so that
        lock waits show apart from work ("active") and from waiting for gunicorn ("idle in
        transaction" between statements, "idle" between requests). None for SQLite.

        Each sample also updates ``cpu`` with each backend's CPU seconds, so that a backend
        that exits during the window (Django closes a connection after ``CONN_MAX_AGE``)
        still counts the CPU it used, up to its last sample, instead of dropping out of the
        sum at the end and making it smaller than at the start."""
        if cpu is None or not self.url.startswith(("postgres:", "postgresql:")):
            return None
        import psycopg

        counts: dict[str, int] = {}
        samples = 0
        with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as admin:
            while time.time() < until:
                rows = admin.execute(
                    "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
                samples += 1
                for _pid, state, kind, event in rows:
                    label = str(state)
                    if state == "active" and kind:
                        label = f"active, waiting on {kind}:{event}"
                    counts[label] = counts.get(label, 0) + 1
                cpu.update(cpu_by_pid([int(row[0]) for row in rows]))
                time.sleep(WAIT_SAMPLE)
        return {label: round(n / max(1, samples), 2) for label, n in sorted(counts.items())}

    def log_tail(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return " | ".join(log.read().strip().splitlines()[-5:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def backend_cpu(admin: Any) -> dict[int, float]:
    """CPU seconds of each backend of ``admin``'s database but ``admin`` itself, by pid."""
    rows = admin.execute(
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    return cpu_by_pid([int(row[0]) for row in rows])


def database_cpu_used(
    start: dict[int, float] | None, seen: dict[int, float] | None, end: dict[int, float] | None
) -> float | None:
    """CPU seconds the backends used in the window: each backend's last figure (at the end, or
    at its last sample if it exited before) less its figure at the start (0 if it connected in
    the window). None without PostgreSQL."""
    if start is None or seen is None or end is None:
        return None
    last = seen | end
    return sum(max(0.0, last[pid] - start.get(pid, 0.0)) for pid in last)


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes so far (Linux /proc; gone ones are
    left out)."""
    found, tick = {}, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc; gone ones count 0)."""
    return sum(cpu_by_pid(pids).values())


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def bodies(setup: dict[str, Any], seed: int) -> list[str]:
    """BODIES varied creation bodies: grid points, categories, titles, reporters."""
    rng = random.Random(seed)
    occurred = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    made = []
    for n in range(BODIES):
        lon, lat = rng.choice(setup["points"])
        body = {
            "category": rng.choice(setup["categories"]),
            "title": rng.choice(TITLES),
            "description": rng.choice(DESCRIPTIONS),
            "occurred_at": occurred,
            "lon": lon,
            "lat": lat,
            "address": f"基准测试路 {n % 500 + 1} 号",
            "people_involved": rng.randint(1, 20),
            "reporter_name": rng.choice(NAMES),
            "reporter_phone": f"138{rng.randrange(10**8):08d}",
        }
        made.append(json.dumps(body, ensure_ascii=False))
    return made


def raw_request(method: str, path: str, port: int, token: str, body: str = "") -> str:
    """One HTTP/1.1 request as text (the body is UTF-8 JSON, its length counted in bytes)."""
    data = body.encode("utf-8")
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        f"Authorization: Token {token}",
        "Accept: application/json",
    ]
    if method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return "\r\n".join(head) + "\r\n\r\n" + body


def drive(
    args: argparse.Namespace, server: Server, setup: dict[str, Any], workdir: str, db: str
) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The three scenarios against the running server; their figures and the 201 counts."""
    made = bodies(setup, args.seed)
    token, port = setup["token"], server.port
    plans = {
        "ceiling": [raw_request("POST", "/bench/insert/", port, token, b) for b in made],
        "create": [raw_request("POST", "/api/v1/cases/", port, token, b) for b in made],
        "plain": [raw_request("POST", "/bench/create-plain/", port, token, b) for b in made],
    }
    figures: dict[str, dict[str, Any]] = {}
    created: dict[str, int] = {}
    for name in ("ceiling", "create", "plain", "read") if args.plain else SCENARIOS:
        if name == "read":
            numbers = figures["create"].pop("numbers")
            if not numbers:
                raise BenchError("the create scenario made no case to read")
            random.Random(args.seed).shuffle(numbers)
            plans["read"] = [
                raw_request("GET", f"/api/v1/cases/{n}/", port, token) for n in numbers
            ]
        progress(f"{db}: {name}: {args.clients} clients, {args.warmup:g} s + {args.duration:g} s")
        figures[name] = run_load(args, server, name, plans[name], workdir)
        created[name] = figures[name].pop("created")
        if name != "create":
            figures[name].pop("numbers")  # reads go over the API's cases
        progress(
            f"{db}: {name}: {figures[name]['rps']:.0f} req/s, p50 {figures[name]['p50_ms']:.1f} "
            f"ms, p99 {figures[name]['p99_ms']:.1f} ms, errors {figures[name]['errors']}"
        )
    return figures, created


def run_load(
    args: argparse.Namespace, server: Server, name: str, requests: list[str], workdir: str
) -> dict[str, Any]:
    """One scenario: start the client processes, sample CPU and load at the window's edges."""
    start_at = time.time() + START_SLACK
    window = (start_at + args.warmup, start_at + args.warmup + args.duration)
    share = [args.clients // args.client_procs] * args.client_procs
    for i in range(args.clients % args.client_procs):
        share[i] += 1
    workers = []
    first = 0
    for i, connections in enumerate(share):
        spec = {
            "port": server.port,
            "connections": connections,
            "first": first,
            "step": args.clients,
            "requests": requests,
            "expected": EXPECTED[name],
            "start_at": start_at,
            "window": window,
        }
        first += connections
        path = os.path.join(workdir, f"load-{name}-{i}.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(spec, handle, ensure_ascii=False)
        workers.append(
            subprocess.Popen(  # noqa: S603 (own script)
                [sys.executable, os.path.abspath(__file__), f"--load-worker={path}"],
                stdout=subprocess.PIPE,
                cwd=ROOT,
            )
        )
    time.sleep(max(0.0, window[0] - time.time()))
    cpu_start, load_start = server.cpu_seconds(), os.getloadavg()[0]
    db_start = server.database_cpu()
    db_seen = None if db_start is None else dict(db_start)
    waits = server.sample_database(until=window[1], cpu=db_seen)
    time.sleep(max(0.0, window[1] - time.time()))
    cpu_end, load_end = server.cpu_seconds(), os.getloadavg()[0]
    db_end = server.database_cpu()
    parts = []
    for worker in workers:
        out, _ = worker.communicate()
        if worker.returncode != 0:
            raise BenchError(f"a load generator of {name} exited with status {worker.returncode}")
        parts.append(json.loads(out))
    merged = merge(parts, args.duration)
    merged["server_cpu_s"] = cpu_end - cpu_start
    merged["database_cpu_s"] = database_cpu_used(db_start, db_seen, db_end)
    merged["database_waits"] = waits
    merged["load_average"] = [round(load_start, 2), round(load_end, 2)]
    if server.process is not None and server.process.poll() is not None:
        raise BenchError(f"gunicorn died during {name}: {server.log_tail()}")
    return merged


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list; 0 for an empty one."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def merge(parts: list[dict[str, Any]], duration: float) -> dict[str, Any]:
    """The figures of one scenario from its client processes' results."""
    latencies = sorted(x for p in parts for x in p["latencies_ms"])
    statuses: dict[str, int] = {}
    for p in parts:
        for status, count in p["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "requests": len(latencies),
        "rps": len(latencies) / duration,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else 0.0,
        "errors": sum(p["errors"] for p in parts),
        "statuses": statuses,
        "client_cpu_s": sum(p["cpu_s"] for p in parts),
        "created": sum(p["created"] for p in parts),
        "numbers": [n for p in parts for n in p["numbers"]],
        "error_samples": [e for p in parts for e in p["error_samples"]][:5],
    }


# ---------------------------------------------------------------------------------------------
# Load generator: one process, asyncio, a small HTTP/1.1 client over keep-alive connections.


@dataclass
class Tally:
    """What one load process saw: timed latencies, every status, errors, created numbers."""

    expected: int
    window: tuple[float, float]
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    created: int = 0
    numbers: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def note(self, status: int, body: bytes, started: float, ended: float, wall: float) -> None:
        """One response; counted in the figures if it arrived in the timed window."""
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if status == 201:
            self.created += 1
            found = NUMBER.search(body)
            if found:
                self.numbers.append(found.group(1).decode())
        in_window = self.window[0] <= wall < self.window[1]
        if status != self.expected:
            if in_window:
                self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{status}: {body[:200].decode(errors='replace')}")
        elif in_window:
            self.latencies_ms.append((ended - started) * 1000)

    def fail(self, exc: BaseException, wall: float) -> None:
        if self.window[0] <= wall < self.window[1]:
            self.errors += 1
        self.statuses["exception"] = self.statuses.get("exception", 0) + 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{type(exc).__name__}: {exc}")


class HttpError(Exception):
    """The server's answer was not HTTP/1.1 as this client reads it."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection stays open, of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"bad status line {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()  # until the server closes
        return int(parts[1]), body, False
    keep = headers.get("connection", "").lower() != "close" and parts[0] == "HTTP/1.1"
    return int(parts[1]), body, keep


async def connection(
    port: int, requests: list[bytes], first: int, step: int, tally: Tally, start_at: float
) -> None:
    """One client: requests back to back on one keep-alive connection until the window ends."""
    index = first
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    await asyncio.sleep(max(0.0, start_at - 0.5 - time.time()))
    while True:
        if reader is None or writer is None:
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
            except OSError as exc:
                tally.fail(exc, time.time())
                await asyncio.sleep(0.05)
                continue
        await asyncio.sleep(max(0.0, start_at - time.time()))
        if time.time() >= tally.window[1]:
            break
        request = requests[index % len(requests)]
        index += step
        started = time.perf_counter()
        try:
            writer.write(request)
            status, body, keep = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, HttpError, ValueError) as exc:
            tally.fail(exc, time.time())
            writer.close()
            reader = writer = None
            continue
        tally.note(status, body, started, time.perf_counter(), time.time())
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def cpu_marks(tally: Tally) -> None:
    """This process's CPU seconds at the start and the end of the timed window."""
    for edge in tally.window:
        await asyncio.sleep(max(0.0, edge - time.time()))
        tally.cpu.append(time.process_time())


async def load(spec: dict[str, Any]) -> Tally:
    start, end = spec["window"]
    tally = Tally(expected=spec["expected"], window=(float(start), float(end)))
    requests = [r.encode("utf-8") for r in spec["requests"]]
    clients = [
        connection(spec["port"], requests, spec["first"] + i, spec["step"], tally, spec["start_at"])
        for i in range(spec["connections"])
    ]
    await asyncio.gather(cpu_marks(tally), *clients)
    return tally


def load_worker_main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    tally = asyncio.run(load(spec))
    result = {
        "latencies_ms": tally.latencies_ms,
        "statuses": tally.statuses,
        "errors": tally.errors,
        "created": tally.created,
        "numbers": tally.numbers,
        "error_samples": tally.error_samples,
        "cpu_s": tally.cpu[1] - tally.cpu[0] if len(tally.cpu) == 2 else 0.0,
    }
    json.dump(result, sys.stdout)
    return 0


# ---------------------------------------------------------------------------------------------
# Report.


def markdown(report: dict[str, Any]) -> str:
    """The report as markdown: command, machine, server, one table for all databases, notes."""
    m = report["machine"]
    versions = [f"SQLite {m['sqlite']}"] + [
        f"PostgreSQL {r['server_version']}"
        for r in report["results"]
        if r.get("database") == "postgresql" and "server_version" in r
    ]
    lines = [
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, Django {m['django']}, "
        f"{', '.join(versions)}. Date: {m['date']}.",
        "",
        f"Server: {report['server']}. Load: {report['clients']} keep-alive connections from "
        f"{report['client_procs']} client process(es) on the same machine; "
        f"{report['warmup_s']:g} s warm-up, then {report['duration_s']:g} s timed per scenario.",
        "",
        "| database | scenario | requests | req/s | p50 ms | p99 ms | max ms | errors "
        "| server CPU ms/req | PostgreSQL CPU ms/req | client CPU s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    share, p99 = report["targets"]["create_share_of_ceiling"], report["targets"]["p99_ms"]
    for r in report["results"]:
        if "skipped" in r or "error" in r:
            notes.append(f"{r['database']}: {r.get('skipped') or r.get('error')}")
            continue
        for name, s in r["scenarios"].items():
            done = max(1, s["requests"])
            db_cpu = (
                "-" if s["database_cpu_s"] is None else f"{s['database_cpu_s'] * 1000 / done:.1f}"
            )
            lines.append(
                f"| {r['database']} | {name} | {s['requests']:,} | {s['rps']:,.0f} "
                f"| {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['max_ms']:.1f} | {s['errors']} "
                f"| {s['server_cpu_s'] * 1000 / done:.1f} | {db_cpu} | {s['client_cpu_s']:.1f} |"
            )
        create = r["scenarios"]["create"]
        met = r["create_share_of_ceiling"] >= share and create["p99_ms"] < p99
        notes += [
            f"{r['database']}: create at {r['create_share_of_ceiling']:.0%} of the ceiling's "
            f"req/s, p99 {create['p99_ms']:.1f} ms (target: at least {share:.0%} and under "
            f"{p99:.0f} ms): {'met' if met else 'NOT met'}",
            *(
                [
                    f"{r['database']}: plain create (no DRF, bench-only view) at "
                    f"{r['plain_share_of_ceiling']:.0%} of the ceiling's req/s, p99 "
                    f"{r['scenarios']['plain']['p99_ms']:.1f} ms"
                ]
                if "plain_share_of_ceiling" in r
                else []
            ),
            f"{r['database']}: checks {'passed' if r['ok'] else 'FAILED'}: {r['checks']}",
            f"{r['database']}: stored {r['stored']}",
            f"{r['database']}: uptime before: {r['uptime_before']}",
            f"{r['database']}: uptime after: {r['uptime_after']}",
        ]
        profile = r.get("profile")
        if profile and "error" in profile:
            notes.append(f"{r['database']}: profile {profile['error']}")
        elif profile:
            for name in ("create", "read"):
                notes.append(
                    f"{r['database']}: in process, one thread, {PROFILED} x {name}: "
                    f"{profile[f'{name}_ms']:.1f} ms a request, {profile[f'{name}_queries']} "
                    f"queries; steps (nested): {profile[f'{name}_phases_ms']}"
                )
        for name, s in r["scenarios"].items():
            if s.get("database_waits"):
                notes.append(
                    f"{r['database']} {name}: PostgreSQL backends by state (mean of samples "
                    f"every {WAIT_SAMPLE:g} s): {s['database_waits']}"
                )
        for name, s in r["scenarios"].items():
            if s["error_samples"]:
                notes.append(f"{r['database']} {name}: first errors: {s['error_samples']}")
    lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Children: Django set up once, production settings.


def child_main(args: argparse.Namespace) -> int:
    import django

    # The profile stage goes through the API's rate limits too: out of the way, as for gunicorn.
    os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_ANON"] = THROTTLE
    django.setup()
    if args.stage == "setup":
        result = child_setup()
    elif args.stage == "verify":
        result = child_verify(json.loads(args.expect))
    else:
        result = child_profile(args.seed)
    with open(args.result_file, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
    return 0


def child_setup() -> dict[str, Any]:
    """Migrate, load the demo district without cases, add the service account and its token;
    the token's key, the grid points and the category codes the bodies are made of."""
    import secrets

    from django.core.management import call_command

    from fengqiao.accounts.models import Membership, Role, Unit, User
    from fengqiao.api.models import ApiToken
    from fengqiao.cases.models import Category
    from fengqiao.demo.loader import load_demo
    from fengqiao.regions.models import Level, Region

    call_command("migrate", verbosity=0, interactive=False)
    load_demo(secrets.token_urlsafe(16), cases=False)
    centre = Unit.objects.get(code="qu-zongzhi")
    user = User.objects.create(username=SERVICE_ACCOUNT, full_name="基准测试接口账号")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, unit=centre, role=Role.OPERATOR)
    token = ApiToken(name="基准测试", unit=centre, user=user)
    key = token.set_new_key()
    token.full_clean()
    token.save()
    points = list(
        Region.objects.filter(level=Level.GRID, point_lon__isnull=False)
        .order_by("code")
        .values_list("point_lon", "point_lat")
    )
    categories = list(
        Category.objects.filter(is_active=True, parent__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not points or not categories:
        raise SystemExit("the demo district has no grid points or no categories")
    return {
        "token": key,
        "user_id": user.pk,
        "points": points,
        "categories": categories,
        "server_version": server_version(),
    }


PROFILED = 200  # requests of each kind in the profile stage


class Phases:
    """Wall time and SQL statements inside the named steps of a request, in process.

    Each step is a function looked up at call time (a module attribute or a method), wrapped
    for the duration of ``wrapped()``; nested steps are counted in their parents too."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.active: list[str] = []

    def steps(self) -> list[tuple[Any, str, str]]:
        from rest_framework.views import APIView

        from fengqiao.accounts import scoping
        from fengqiao.api import serializers, views
        from fengqiao.cases import intake
        from fengqiao.core import ratelimit

        return [
            (APIView, "perform_authentication", "token"),
            (APIView, "check_throttles", "throttle"),
            (serializers.CaseCreateSerializer, "is_valid", "validate"),
            (views, "submit", "submit"),
            (intake, "_category", "submit.category"),
            (intake, "_place", "submit.locate"),
            (intake, "route", "submit.route"),
            (intake, "_create", "submit.transaction"),
            (views, "visible_case", "visible_case"),
            (views, "available_actions", "available_actions"),
            (views, "Roles", "available_actions.roles"),
            (scoping, "scope_for", "scope_for"),
            (serializers.CaseSerializer, "to_representation", "serialize"),
            (ratelimit, "hit", "throttle.hit"),
        ]

    @contextlib.contextmanager
    def wrapped(self) -> Iterator[None]:
        from django.db import connection

        restore = []
        for owner, attr, label in self.steps():
            own = attr in vars(owner)  # else inherited: delete the wrapper afterwards
            original = getattr(owner, attr)
            setattr(owner, attr, self.timer(original, label))
            restore.append((owner, attr, original if own else None))

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            for label in set(self.active):
                self.queries[label] = self.queries.get(label, 0) + 1
            self.queries["all"] = self.queries.get("all", 0) + 1
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(count):
                yield
        finally:
            for owner, attr, original in reversed(restore):
                if original is None:
                    delattr(owner, attr)
                else:
                    setattr(owner, attr, original)

    def timer(self, original: Any, label: str) -> Any:
        if isinstance(original, type):  # a class: time its construction
            cls = original

            def make(*args: Any, **kwargs: Any) -> Any:
                return self.time(label, lambda: cls(*args, **kwargs))

            return make

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            return self.time(label, lambda: original(*args, **kwargs))

        return timed

    def time(self, label: str, call: Callable[[], Any]) -> Any:
        self.active.append(label)
        start = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
            self.active.pop()

    def take(self, requests: int) -> dict[str, str]:
        """``{step: "<ms a request> ms, <queries a request> q"}``, then start over."""
        taken = {
            label: f"{seconds * 1000 / requests:.2f} ms, "
            f"{self.queries.get(label, 0) / requests:g} q"
            for label, seconds in self.seconds.items()
        }
        taken["all SQL"] = f"{self.queries.get('all', 0) / requests:g} q"
        self.seconds, self.queries = {}, {}
        return taken


def child_profile(seed: int) -> dict[str, Any]:
    """Create and read PROFILED cases through Django's test client in this one thread, with the
    token, under cProfile; per-request time, the queries of one of each (to stderr) and the
    functions where the time goes (to stderr)."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fengqiao.accounts.models import Unit, User
    from fengqiao.api.models import ApiToken
    from fengqiao.cases.models import Category
    from fengqiao.regions.models import Level, Region

    user = User.objects.get(username=SERVICE_ACCOUNT)
    token = ApiToken(name="基准测试（剖析）", unit=Unit.objects.get(code="qu-zongzhi"), user=user)
    key = token.set_new_key()
    token.save()
    setup = {
        "points": list(
            Region.objects.filter(level=Level.GRID, point_lon__isnull=False).values_list(
                "point_lon", "point_lat"
            )
        ),
        "categories": list(
            Category.objects.filter(is_active=True, parent__isnull=False).values_list(
                "code", flat=True
            )
        ),
    }
    made = bodies(setup, seed + 1)
    client = Client(headers={"Authorization": f"Token {key}"})

    def create(body: str) -> str:
        response = client.post("/api/v1/cases/", body, content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"create answered {response.status_code}: {response.content[:300]!r}")
        return str(response.json()["number"])

    def read(number: str) -> None:
        response = client.get(f"/api/v1/cases/{number}/")
        if response.status_code != 200:
            raise SystemExit(f"read answered {response.status_code}: {response.content[:300]!r}")

    numbers = [create(made[i]) for i in range(10)]  # warm: the locator's index, caches
    for n in numbers:
        read(n)
    result: dict[str, Any] = {}
    for name, step in (("create", "create"), ("read", "read")):
        with CaptureQueriesContext(connection) as captured:
            if step == "create":
                numbers.append(create(made[10]))
            else:
                read(numbers[-1])
        result[f"{name}_queries"] = len(captured.captured_queries)
        progress(f"queries of one {name}:")
        for q in captured.captured_queries:
            progress(f"    {q['time']}s {q['sql'][:160]}")
    phases = Phases()
    for name in ("create", "read"):
        with phases.wrapped():
            start = time.perf_counter()
            for i in range(PROFILED):
                if name == "create":
                    numbers.append(create(made[(11 + i) % len(made)]))
                else:
                    read(numbers[i % len(numbers)])
            result[f"{name}_ms"] = (time.perf_counter() - start) * 1000 / PROFILED
        result[f"{name}_phases_ms"] = phases.take(PROFILED)
        progress(
            f"{name}: {result[f'{name}_ms']:.1f} ms a request, phases (ms, nested): "
            f"{result[f'{name}_phases_ms']}"
        )
    for name in ("create", "read"):
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        for i in range(PROFILED):
            if name == "create":
                numbers.append(create(made[(11 + PROFILED + i) % len(made)]))
            else:
                read(numbers[i % len(numbers)])
        profiler.disable()
        result[f"{name}_profiled_ms"] = (time.perf_counter() - start) * 1000 / PROFILED
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        progress(f"profile of {PROFILED} x {name} (in process, one thread):")
        progress(text.getvalue())
    return result


def child_verify(expect: dict[str, int]) -> dict[str, Any]:
    """What the database holds after the run against the 201s the clients counted."""
    from django.db.models import Count

    from fengqiao.cases.choices import Action, Channel
    from fengqiao.cases.models import Case, CaseEvent
    from fengqiao.core.models import AuditEntry
    from fengqiao.notifications.models import Notification

    cases = Case.objects.filter(channel=Channel.API)
    stored = {
        "cases": cases.count(),
        "distinct numbers": cases.values("number").distinct().count(),
        "submit events": CaseEvent.objects.filter(action=Action.SUBMIT).count(),
        "inbox notices": Notification.objects.filter(channel="inbox").count(),
        "cases without a unit": cases.filter(current_unit__isnull=True).count(),
        "ceiling rows": AuditEntry.objects.filter(object_type="bench").count(),
        "units receiving": len(
            cases.values("current_unit").annotate(n=Count("id")).values_list("current_unit")
        ),
    }
    checks = {
        "every 201 is one stored case": stored["cases"] == expect["create"],
        "numbers unique": stored["distinct numbers"] == stored["cases"],
        "one submit event per case": stored["submit events"] == stored["cases"],
        "an inbox notice per case": stored["inbox notices"] >= stored["cases"],
        "every case routed": stored["cases without a unit"] == 0,
        "every ceiling 201 is one row": stored["ceiling rows"] == expect["ceiling"],
    }
    return {"stored": stored, "checks": checks}


if __name__ == "__main__":
    sys.exit(main())
