"""CPU per request of the REST API in process (issue 5): create, read and the ceiling.

Run from the repository root::

    python bench/api_cpu.py [--requests 300] [--rounds 3] [--seed 7] [--profile create|read]
                            [--db sqlite|postgresql] [--pg-url URL] [--json]

Wall-clock figures of ``bench/api.py`` move with the load of a shared machine; CPU time of one
thread much less. This makes a temporary SQLite file (WAL, as ``bench/api.py``), or with
``--db postgresql`` a throwaway database on ``--pg-url`` (dropped afterwards; only this
process's CPU is counted, not the server's), and in a child process with the production
settings (DEBUG off, the bench's URL map with the ceiling view) sets it up as ``bench/api.py``
does (demo district without cases, a service account operating the district centre, its
token). It then sends, through Django's test client in one thread, ``--requests`` of each kind
(``ceiling``: ``POST /bench/insert/``; ``create``: ``POST /api/v1/cases/`` with the token;
``read``: ``GET /api/v1/cases/{number}/``), ``--rounds`` times, and reports the least process
CPU milliseconds per request over the rounds (the least is the one least disturbed by other
processes) and the SQL statements per request (Django's ``CaptureQueriesContext`` over one
round, BEGIN/COMMIT/SAVEPOINT excluded as Django logs them). The API's rate limits are raised
out of the way but still counted, as under gunicorn. ``--profile`` adds a cProfile of one round
of that kind, ``--show-sql`` the statements of one request of each kind (to stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, ROOT)

from api import THROTTLE, bodies, child_setup  # noqa: E402
from sweep import on_postgresql, on_sqlite, progress, run_child  # noqa: E402

KINDS = ("ceiling", "create", "read")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the least CPU is kept")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", choices=KINDS, help="cProfile one round of this kind")
    parser.add_argument("--show-sql", action="store_true", help="print one request's SQL")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    child_args = [f"--requests={args.requests}", f"--rounds={args.rounds}"]
    child_args += [f"--seed={args.seed}"]
    if args.profile:
        child_args.append(f"--profile={args.profile}")
    if args.show_sql:
        child_args.append("--show-sql")

    def child(db: str, url: str, workdir: str) -> dict[str, Any]:
        return run_child(db, url, workdir, child_args, script=__file__, host="testserver")

    if args.db == "postgresql":
        result = on_postgresql(args.pg_url, f"fengqiao_bench_cpu_{os.getpid()}", child)
    else:
        result = on_sqlite(child)
    if "error" in result or "skipped" in result:
        progress(f"failed: {result.get('error') or result['skipped']}")
        return 1
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    return 0


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| request | CPU ms/req (least of rounds) | CPU ms/req (each round) | SQL/req |",
        "| --- | ---: | --- | ---: |",
    ]
    for kind in KINDS:
        r = result[kind]
        rounds = ", ".join(f"{ms:.2f}" for ms in r["rounds_ms"])
        lines.append(f"| {kind} | {min(r['rounds_ms']):.2f} | {rounds} | {r['queries']:g} |")
    return "\n".join(lines)


def child_main(args: argparse.Namespace) -> int:
    os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_ANON"] = THROTTLE
    os.environ["DJANGO_SETTINGS_MODULE"] = "api_settings"
    import django

    django.setup()
    setup = child_setup()
    import api_ceiling

    api_ceiling.USER_ID = setup["user_id"]
    result = measure(setup, args)
    with open(args.result_file, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


def measure(setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Per kind: process CPU ms a request in each round, and SQL statements a request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    made = bodies(setup, args.seed)
    client = Client(headers={"Authorization": f"Token {setup['token']}"})
    numbers: list[str] = []
    sent = {"create": 0, "read": 0}

    def ceiling() -> None:
        response = client.post("/bench/insert/", made[0], content_type="application/json")
        expect(response.status_code, 201, response.content)

    def create() -> None:
        body = made[sent["create"] % len(made)]
        sent["create"] += 1
        response = client.post("/api/v1/cases/", body, content_type="application/json")
        expect(response.status_code, 201, response.content)
        numbers.append(str(response.json()["number"]))

    def read() -> None:
        number = numbers[sent["read"] % len(numbers)]
        sent["read"] += 1
        response = client.get(f"/api/v1/cases/{number}/")
        expect(response.status_code, 200, response.content)

    calls: dict[str, Callable[[], None]] = {"ceiling": ceiling, "create": create, "read": read}
    for kind in KINDS:  # warm up: imports, the locator's index, caches
        for _ in range(10):
            calls[kind]()
    result: dict[str, Any] = {}
    for kind in KINDS:
        call = calls[kind]
        rounds = []
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.requests):
                call()
            rounds.append((time.process_time() - start) * 1000 / args.requests)
        with CaptureQueriesContext(connection) as captured:
            for _ in range(args.requests):
                call()
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
        ]
        if args.show_sql:
            progress(f"SQL of one {kind}:")
            for sql in statements[: len(statements) // args.requests]:
                progress(f"    {sql[:600]}")
        result[kind] = {"rounds_ms": rounds, "queries": len(statements) / args.requests}
        progress(f"{kind}: {min(rounds):.2f} CPU ms/req, {len(statements) / args.requests:g} SQL")
        if args.profile == kind:
            profile(call, args.requests)
    return result


def expect(status: int, wanted: int, content: bytes) -> None:
    if status != wanted:
        raise SystemExit(f"answered {status}, expected {wanted}: {content[:300]!r}")


def profile(call: Callable[[], None], requests: int) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    progress(text.getvalue())


if __name__ == "__main__":
    sys.exit(main())
