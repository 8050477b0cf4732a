"""Benchmark of the deadline sweep (fengqiao.cases.sweep) over a million open cases.

Run from the repository root::

    python bench/sweep.py [--cases 1000000] [--changing 0.01] [--db sqlite|postgresql|both]
                          [--seed 7] [--pg-url postgres://postgres@127.0.0.1:5432] [--profile]
                          [--json]

For each database it makes a throwaway database (a file in a temporary directory for SQLite; a
database ``fengqiao_bench_<pid>`` on ``--pg-url`` for PostgreSQL, dropped at the end even on
failure), runs the migrations, adds a region tree with 50 community centres (two members of each
with an e-mail address, one without) and loads ``--cases`` open cases straight into the table
(COPY on PostgreSQL, executemany on SQLite), then ANALYZE. A share ``--changing`` of them crosses
a threshold at the sweep time T: half became overdue and half became due soon in the ten minutes
before T; 3 % of the rest are already due soon and the others run normally, all with the fields
``deadlines.set_due`` would give them. It times one ``sweep(now=T)`` (each phase too, by wrapping
the module's phase functions, and the SQL inside each phase with an execute wrapper), then two
idle sweeps at T, checks the counts, the timeline entries and the notices, and prints the query
plan of each phase's selection. Each database runs in a child process of this script
(``--child``), so Django is set up once per database with the production settings module.
Progress and query plans go to stderr, the report (markdown or ``--json``) to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# The sweep time: a Monday morning in Asia/Shanghai. The previous sweep ran WINDOW earlier.
SWEEP_AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)
ALREADY_DUE_SOON = 0.03  # share of the unchanged cases that an earlier sweep marked due soon
UNITS = 50  # community centres handling the cases
EMAIL_MEMBERS = 2  # members with an e-mail address in each centre (plus one without)
TARGET_SECONDS = 5.0
TITLES = ("楼道堆物占用消防通道", "邻里噪音纠纷", "小区路灯损坏", "违章搭建投诉", "拖欠工资求助")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--changing", type=float, default=0.01, help="share that changes state")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed sweep")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cases < 2 or not 0 < args.changing < 1:
        parser.error("--cases must be at least 2 and --changing between 0 and 1")
    if args.child and (args.db == "both" or not args.result_file):
        parser.error("--child needs one --db and --result-file")
    return args


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Parent: one throwaway database and one child process per database.


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's guess elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on (database versions come from the children)."""
    import sqlite3

    import django

    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "django": django.__version__,
        "sqlite": sqlite3.sqlite_version,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def child_env(url: str, workdir: str, host: str) -> dict[str, str]:
    """The environment of a process running the production settings on ``url``: a fresh
    SECRET_KEY, DEBUG off, ``host`` allowed. Shared by bench/pages.py and bench/api.py."""
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="fengqiao.settings",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS=host,
        DATABASE_URL=url,
        FENGQIAO_VAR_DIR=workdir,
        LOG_LEVEL="WARNING",
        DEBUG="0",  # DEBUG would keep every query in memory
    )


def run_child(
    db: str, url: str, workdir: str, child_args: list[str], *, script: str, host: str
) -> dict[str, Any]:
    """Run ``script --child --db=<db> <child_args> --result-file=...`` against ``url`` with the
    production settings; its result, or the reason it failed. Shared by bench/pages.py."""
    result_file = os.path.join(workdir, "result.json")
    env = child_env(url, workdir, host)
    command = [
        sys.executable,
        os.path.abspath(script),
        "--child",
        f"--db={db}",
        *child_args,
        f"--result-file={result_file}",
    ]
    done = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603 (own script)
    if done.returncode != 0 or not os.path.exists(result_file):
        return {"database": db, "error": f"child exited with status {done.returncode}"}
    with open(result_file, encoding="utf-8") as handle:
        result: dict[str, Any] = json.load(handle)
    return result


Child = Callable[[str, str, str], dict[str, Any]]  # (database kind, url, workdir) -> result


def on_sqlite(child: Child) -> dict[str, Any]:
    """Run ``child`` on a fresh SQLite file in a temporary folder, removed afterwards."""
    workdir = tempfile.mkdtemp(prefix="fengqiao-bench-")
    try:
        return child("sqlite", f"sqlite:///{workdir}/bench.sqlite3", workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def on_postgresql(pg_url: str, name: str, child: Child) -> dict[str, Any]:
    """Create database ``name`` on the server of ``pg_url``, run ``child`` on it and drop it
    whatever happens; a clear "skipped" result when no server answers."""
    import psycopg

    server = urlsplit(pg_url)
    admin_url = urlunsplit(server._replace(path="/postgres"))
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"skipped: no PostgreSQL server answered at {server.netloc} ({first_line})"
        progress(f"postgresql: {message}")
        return {"database": "postgresql", "skipped": message}
    workdir = tempfile.mkdtemp(prefix="fengqiao-bench-")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        return child("postgresql", urlunsplit(server._replace(path=f"/{name}")), workdir)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(workdir, ignore_errors=True)
        progress(f"postgresql: dropped database {name}")


def sweep_child(args: argparse.Namespace) -> Child:
    child_args = [f"--cases={args.cases}", f"--changing={args.changing}", f"--seed={args.seed}"]
    child_args += ["--profile"] if args.profile else []
    return lambda db, url, workdir: run_child(
        db, url, workdir, child_args, script=__file__, host="localhost"
    )


def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    return on_sqlite(sweep_child(args))


def run_postgresql(args: argparse.Namespace) -> dict[str, Any]:
    return on_postgresql(args.pg_url, f"fengqiao_bench_{os.getpid()}", sweep_child(args))


def command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run."""
    return (
        f"python bench/sweep.py --cases {args.cases} --changing {args.changing:g} "
        f"--db {args.db} --seed {args.seed}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each database and print the report; 1 if a check failed."""
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    runners = {"sqlite": run_sqlite, "postgresql": run_postgresql}
    names = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    report: dict[str, Any] = {
        "command": command(args),
        "machine": machine(),
        "results": [runners[name](args) for name in names],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else markdown(report))
    failed = [r for r in report["results"] if "error" in r or not r.get("ok", True)]
    return 1 if failed else 0


def markdown(report: dict[str, Any]) -> str:
    """The report as markdown: command, machine, results table, phases, query plans."""
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
        "| database | open cases | changed (overdue + due soon) | timeline + notice rows | sweep s "
        "| changed cases/s | idle sweep s | under 5 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    notes, phases, plans = [], [], []
    for r in report["results"]:
        if "skipped" in r or "error" in r:
            notes.append(f"{r['database']}: {r.get('skipped') or r.get('error')}")
            continue
        s = r["sweep"]
        written = r["events"] + r["notices"]["inbox"] + r["notices"]["email"]
        lines.append(
            f"| {r['database']} | {r['cases']:,} | {s['changed']:,} "
            f"({s['overdue']:,} + {s['due_soon']:,}) | {written:,} | {s['seconds']:.2f} "
            f"| {s['changed'] / s['seconds']:,.0f} "
            f"| {' / '.join(f'{x:.3f}' for x in r['idle_seconds'])} "
            f"| {'yes' if s['seconds'] < TARGET_SECONDS else 'NO'} |"
        )
        for phase, p in r["phases"].items():
            phases.append(
                f"| {r['database']} | {phase} | {p['count']:,} | {p['seconds']:.3f} "
                f"| {p['sql_seconds']:.3f} | {p['queries']:,} |"
            )
        for phase, plan in r["plans"].items():
            plans += [f"{r['database']} {phase}:", *[f"    {line}" for line in plan]]
        used = "; ".join(f"{k} {', '.join(v) or 'no index'}" for k, v in r["indexes_used"].items())
        setup = ", ".join(f"{k} {v:.1f} s" for k, v in r["setup_seconds"].items())
        notes += [
            f"{r['database']}: checks {'passed' if r['ok'] else 'FAILED'}: {r['checks']}",
            f"{r['database']}: indexes in the selection plans: {used}",
            f"{r['database']}: setup (not timed in the table): {setup}",
        ]
    if phases:
        lines += ["", "| database | phase | cases | wall s | SQL s | queries |"]
        lines += ["| --- | --- | ---: | ---: | ---: | ---: |", *phases]
    lines += ["", *notes]
    if plans:
        lines += ["", "Query plans of each phase's first selection:", "", *plans]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Child: one database, Django set up once.


def child_main(args: argparse.Namespace) -> int:
    import django

    django.setup()
    result = child_run(args)
    with open(args.result_file, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
    return 0  # failed checks are in the result; a crash exits non-zero on its own


def child_run(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, load, sweep once timed and twice idle, verify; everything the report needs."""
    from django.core.management import call_command

    db, setup = args.db, {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    units = make_fixtures()
    setup["migrate"] = time.perf_counter() - start
    progress(f"{db}: migrated and added fixtures in {setup['migrate']:.1f} s")
    start = time.perf_counter()
    plan = load_cases(args, units)
    setup["load"] = time.perf_counter() - start
    progress(f"{db}: loaded {args.cases:,} cases in {setup['load']:.1f} s")
    start = time.perf_counter()
    settle()
    setup["analyse"] = time.perf_counter() - start
    progress(f"{db}: analysed in {setup['analyse']:.1f} s; sweeping")
    before = written_rows()
    timed = timed_sweep(args.profile)
    idle = [timed_sweep(False) for _ in range(2)]
    after = written_rows()
    checks = verify(args.cases, plan, timed, idle, before, after)
    plans = {phase: explain(sql, params) for phase, (sql, params) in timed["selects"].items()}
    progress(f"{db}: swept in {timed['seconds']:.2f} s; checks {checks}")
    return {
        "database": db,
        "server_version": server_version(),
        "cases": args.cases,
        "setup_seconds": setup,
        "sweep": timed["result"] | {"seconds": timed["seconds"]},
        "idle_seconds": [run["seconds"] for run in idle],
        "phases": timed["phases"],
        "events": after["events"] - before["events"],
        "notices": {k: after[k] - before[k] for k in ("inbox", "email")},
        "plans": plans,
        "indexes_used": {phase: indexes_named(lines) for phase, lines in plans.items()},
        "checks": checks,
        "ok": all(checks.values()),
    }


def make_fixtures() -> dict[int, int]:
    """A district, a street, 50 communities with one grid each, and a centre per community.

    Each centre has EMAIL_MEMBERS members with an e-mail address and one without, so every
    notice is an inbox row and each unit gets EMAIL_MEMBERS digest e-mails per phase.
    Returns {centre id: its grid's id}.
    """
    from django.contrib.auth.hashers import make_password

    from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind, User
    from fengqiao.regions.models import Level, Region

    def region(code: str, level: str, parent: Region | None, x: float) -> Region:
        ring = [[x, 28.0], [x + 0.01, 28.0], [x + 0.01, 28.01], [x, 28.01], [x, 28.0]]
        path = (parent.path if parent else "/") + code + "/"
        boundary = {"type": "MultiPolygon", "coordinates": [[ring]]}
        return Region(
            code=code, name=code, level=level, parent=parent, path=path, boundary=boundary
        )

    district = region("439900", Level.DISTRICT, None, 113.0)
    district.save()
    street = region("439900001", Level.STREET, district, 113.0)
    street.save()
    communities = Region.objects.bulk_create(
        [region(f"439900001{n:03d}", Level.COMMUNITY, street, 113 + 0.01 * n) for n in range(UNITS)]
    )
    grids = Region.objects.bulk_create(
        [region(f"{c.code}001", Level.GRID, c, 113 + 0.01 * n) for n, c in enumerate(communities)]
    )
    top = Unit.objects.create(
        code="bench-street",
        name="街道综治中心",
        kind=UnitKind.CENTRE,
        tier=Tier.STREET,
        jurisdiction=street,
    )
    centres = Unit.objects.bulk_create(
        [
            Unit(
                code=f"bench-{c.code}",
                name=f"社区综治中心{n}",
                kind=UnitKind.CENTRE,
                tier=Tier.COMMUNITY,
                jurisdiction=c,
                parent=top,
            )
            for n, c in enumerate(communities)
        ]
    )
    per_unit = EMAIL_MEMBERS + 1
    users = User.objects.bulk_create(
        [
            User(
                username=f"u{n}-{k}",
                password=make_password(None),
                email=f"u{n}-{k}@example.org" if k else "",
            )
            for n in range(UNITS)
            for k in range(per_unit)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit=centres[i // per_unit], role=Role.OPERATOR)
            for i, user in enumerate(users)
        ]
    )
    return {unit.pk: grid.pk for unit, grid in zip(centres, grids, strict=True)}


def load_cases(args: argparse.Namespace, units: dict[int, int]) -> dict[str, Any]:
    """Insert ``args.cases`` open cases in bulk; returns what the sweep should then change.

    Rows are written column by column from the model's concrete fields, so a new field with a
    default needs no change here: its value comes from an unsaved template case.
    """
    from django.db import connection, transaction

    from fengqiao.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Case._meta.db_table)
    rows, plan = case_rows(args, units, fields)
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in chunks(rows, 20_000):
                cursor.executemany(sql, chunk)
    return plan


def chunks(rows: Iterator[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def case_rows(
    args: argparse.Namespace, units: dict[int, int], fields: list[Any]
) -> tuple[Iterator[list[Any]], dict[str, Any]]:
    """The rows to insert (lazily) and the plan: how many cases must change, and their units.

    Thresholds follow ``deadlines.set_due`` as of the previous sweep, WINDOW before SWEEP_AT.
    """
    from django.conf import settings
    from django.db import connection

    from fengqiao.cases.choices import OPEN_STATUSES, DeadlineState, Status
    from fengqiao.cases.models import Case, Category
    from fengqiao.regions.models import Region

    rng = random.Random(args.seed)
    changing = round(args.cases * args.changing)
    chosen = rng.sample(range(args.cases), changing)
    overdue, due_soon = set(chosen[: changing // 2]), set(chosen[changing // 2 :])
    unit_ids, paths = list(units), dict(Region.objects.values_list("id", "path"))
    category = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")[0]
    soon, before = timedelta(hours=settings.DUE_SOON_HOURS), SWEEP_AT - WINDOW
    window = int(WINDOW.total_seconds())
    template = Case(
        kind=category.kind,
        category=category,
        description="基准测试生成的事件。",
        occurred_at=before,
        region_id=units[unit_ids[0]],
        channel="hotline",
        current_unit_id=unit_ids[0],
        current_tier="community",
        submitted_at=before,
        updated_at=before,
    )
    base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    stamp: Callable[[datetime], Any] = (
        (lambda value: value)
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value
    )
    statuses = [str(status) for status in OPEN_STATUSES]
    plan: dict[str, Any] = {"overdue": len(overdue), "due_soon": len(due_soon), "units": []}
    plan["already_due_soon"] = 0

    def rows() -> Iterator[list[Any]]:
        for n in range(args.cases):
            state = DeadlineState.NORMAL
            if n in overdue:  # due in the last WINDOW: the previous sweep saw it due soon
                due, state = (
                    SWEEP_AT - timedelta(seconds=rng.randrange(window)),
                    DeadlineState.DUE_SOON,
                )
            elif n in due_soon:  # its due-soon mark fell in the last WINDOW
                due = SWEEP_AT + soon - timedelta(seconds=rng.randrange(window))
            elif rng.random() < ALREADY_DUE_SOON:  # marked by an earlier sweep, still running
                due = SWEEP_AT + timedelta(
                    seconds=rng.randrange(1, int(soon.total_seconds()) - window)
                )
                state = DeadlineState.DUE_SOON
                plan["already_due_soon"] += 1
            else:  # due soon only after SWEEP_AT
                due = SWEEP_AT + soon + timedelta(seconds=rng.randrange(1, 15 * 86_400))
            unit = unit_ids[rng.randrange(UNITS)]
            if n in overdue or n in due_soon:
                plan["units"].append(("overdue" if n in overdue else "due_soon", unit))
            submitted = before - timedelta(seconds=rng.randrange(3_600, 30 * 86_400))
            status = statuses[n % len(statuses)]
            row = base.copy()
            row[at["number"]] = f"FQ-20260101-{n:07d}"
            row[at["tracking_code"]] = f"BQ{n:09d}"
            row[at["title"]] = TITLES[n % len(TITLES)]
            row[at["status"]], row[at["deadline_state"]] = status, str(state)
            row[at["current_unit_id"]], row[at["region_id"]] = unit, units[unit]
            row[at["region_path"]] = paths[units[unit]]
            row[at["submitted_at"]] = stamp(submitted)
            row[at["occurred_at"]] = stamp(submitted - timedelta(hours=1))
            row[at["due_at"]], row[at["due_soon_at"]] = stamp(due), stamp(due - soon)
            if status == Status.SUBMITTED:
                row[at["accept_due_at"]] = row[at["due_at"]]
            else:
                row[at["accepted_at"]] = stamp(submitted + timedelta(hours=1))
                row[at["resolve_due_at"]] = row[at["due_at"]]
            yield row

    return rows(), plan


def settle() -> None:
    """Statistics for the planner, and the load's dirty pages flushed, before timing anything."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Recorder:
    """Wall time, SQL time and query count per sweep phase; the first case SELECT of each."""

    def __init__(self) -> None:
        self.phase = "other"
        self.phases: dict[str, dict[str, float]] = {}
        self.selects: dict[str, tuple[str, Any]] = {}
        self.restore: list[tuple[Any, str, Any]] = []

    def entry(self, phase: str) -> dict[str, float]:
        empty = {"count": 0, "seconds": 0.0, "sql_seconds": 0.0, "queries": 0}
        return self.phases.setdefault(phase, empty)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = self.entry(self.phase)
            entry["sql_seconds"] += time.perf_counter() - start
            entry["queries"] += 1
            if sql.startswith("SELECT") and '"cases_case"' in sql:
                self.selects.setdefault(self.phase, (sql, params))

    def wrap(self, module: Any, name: str, phase: Callable[[tuple[Any, ...]], str]) -> None:
        """Time calls of ``module.name`` (looked up at call time by ``sweep``) as a phase."""
        original = getattr(module, name, None)
        if original is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.phase = phase(args)
            start = time.perf_counter()
            try:
                changed = original(*args, **kwargs)
            finally:
                self.entry(self.phase)["seconds"] += time.perf_counter() - start
                self.phase = "other"
            self.entry(phase(args))["count"] += changed
            return changed

        setattr(module, name, timed)
        self.restore.append((module, name, original))


def timed_sweep(profile: bool) -> dict[str, Any]:
    """One ``sweep(now=SWEEP_AT)`` with its phases recorded (and profiled if asked)."""
    from django.db import connection

    from fengqiao.cases import sweep as module

    recorder = Recorder()
    recorder.wrap(module, "_flip", lambda args: str(args[1]) if len(args) > 1 else "flip")
    recorder.wrap(module, "_escalate_long_overdue", lambda args: "escalate")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    try:
        with connection.execute_wrapper(recorder):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            result = module.sweep(now=SWEEP_AT)
            seconds = time.perf_counter() - start
            if profiler:
                profiler.disable()
    finally:
        for owner, name, original in recorder.restore:
            setattr(owner, name, original)
    if profiler:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    counts = {k: int(v) for k, v in vars(result).items()}
    return {
        "result": counts | {"changed": counts.get("overdue", 0) + counts.get("due_soon", 0)},
        "seconds": seconds,
        "phases": recorder.phases,
        "selects": recorder.selects,
    }


def written_rows() -> dict[str, int]:
    """Timeline entries and notices by channel, to compare before and after the sweep."""
    from fengqiao.cases.models import CaseEvent
    from fengqiao.notifications.models import Notification

    return {
        "events": CaseEvent.objects.count(),
        "inbox": Notification.objects.filter(channel="inbox").count(),
        "email": Notification.objects.filter(channel="email", state="pending").count(),
    }


def verify(
    cases: int,
    plan: dict[str, Any],
    timed: dict[str, Any],
    idle: list[dict[str, Any]],
    before: dict[str, int],
    after: dict[str, int],
) -> dict[str, bool]:
    """What must hold after the sweep: exact counts, one entry and the notices per change."""
    from django.db.models import Count

    from fengqiao.cases.models import Case, CaseEvent

    changed = plan["overdue"] + plan["due_soon"]
    result = timed["result"]
    states = dict(Case.objects.values_list("deadline_state").annotate(n=Count("id")))
    actions = dict(CaseEvent.objects.values_list("action").annotate(n=Count("id")))
    return {
        "loaded": Case.objects.count() == cases,
        "counts": (result["overdue"], result["due_soon"], result["escalated"])
        == (plan["overdue"], plan["due_soon"], 0),
        "states": (states.get("overdue", 0), states.get("due_soon", 0))
        == (plan["overdue"], plan["due_soon"] + plan["already_due_soon"]),
        "events": (actions.get("overdue", 0), actions.get("due_soon", 0))
        == (plan["overdue"], plan["due_soon"])
        and CaseEvent.objects.values("case").distinct().count() == changed,
        "inbox": after["inbox"] - before["inbox"] == changed,
        # one digest e-mail per member of each unit with changes, per phase
        "email": after["email"] - before["email"] == EMAIL_MEMBERS * len(set(plan["units"])),
        "idle": all(run["result"]["changed"] + run["result"]["escalated"] == 0 for run in idle),
    }


def explain(sql: str, params: Any) -> list[str]:
    """The query plan of one captured statement, as text lines."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[3] for row in cursor.fetchall()]


def indexes_named(plan: list[str]) -> list[str]:
    from fengqiao.cases.models import Case

    text = "\n".join(plan)
    return [str(index.name) for index in Case._meta.indexes if str(index.name) in text]


def server_version() -> str:
    import sqlite3

    from django.db import connection

    if connection.vendor != "postgresql":
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
