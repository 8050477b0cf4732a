"""Benchmark of the workbench pages (issue 4): queries and server time with 100,000 cases.

Run from the repository root::

    python bench/pages.py [--cases 100000] [--db sqlite|postgresql|both] [--repeat 20]
                          [--seed 7] [--pg-url postgres://postgres@127.0.0.1:5432] [--profile]
                          [--json]

For each database it makes a throwaway database as ``bench/sweep.py`` does (a temporary SQLite
file; ``fengqiao_bench_pages_<pid>`` on ``--pg-url``, dropped at the end even on failure), runs
the migrations and ``collectstatic`` (the production settings render through the static
manifest), imports a region tree from GeoJSON through ``regions.actions.import_regions`` (a
district, 3 streets, 8 communities each, 8 grids each, all squares), adds the centres of each
level and a department, and three users: a community operator, a street operator and a district
leader. It then loads ``--cases`` cases in bulk (COPY on PostgreSQL, executemany on SQLite) with
a status mix by age, deadlines and deadline states relative to now, and their timeline entries
(``CaseEvent.objects.bulk_create``), in two steps: a 1 % sample first, where only the query count
of each page is taken, then the rest; then it scores the replies of the last 40 days for the
reply review (``textintel.review.ensure_reviews``, what the worker does as cases are resolved),
then ANALYZE.

Each page is then requested with Django's test ``Client`` (in process, ``force_login``), so the
time is the request handling alone: middleware, view, SQL and template, no network or WSGI
server. Per page and user: 2 warm-up requests, one request under ``CaptureQueriesContext`` for
the query count, then ``--repeat`` timed requests (median and p95). "SQL ms" is the captured
request's SELECTs run again alone with every row fetched (best of 3), since SQLite does its work
as rows are fetched, which a timer around ``execute`` would miss. A page is bounded if its query
count is the same at 1 % and at 100 % of the cases (or one more at 100 % when its list was empty
at 1 %: Django skips the query of an empty page). For every page over the target, its SELECTs
of SLOW_QUERY_MS or more (at most three) are EXPLAINed (EXPLAIN ANALYZE on PostgreSQL); with
``--profile`` one request of it is profiled. Progress, query plans and profiles go to stderr,
the report (markdown or ``--json``) to stdout; the exit status is 1 if a check fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# The shared helpers of the sweep benchmark, next to this script (bench/ is not a package).
from sweep import (  # noqa: E402
    Child,
    chunks,
    machine,
    on_postgresql,
    on_sqlite,
    progress,
    run_child,
    server_version,
    settle,
)
from sweep import explain as explain_plain  # noqa: E402

TARGET_MS = 100.0
WARM_UP = 2
FIRST_SHARE = 0.01  # share of the cases loaded before the first query count
STREETS, COMMUNITIES, GRIDS = 3, 8, 8  # per district, per street, per community
DISTRICT_CODE = "439900"
ORIGIN = (113.0, 28.0)
GRID_SIZE = (0.005, 0.01)  # degrees: about 500 m x 1.1 km
HISTORY_DAYS = 365
DETAIL_EVENTS = 10
SLOW_QUERY_MS = 5.0  # queries of a slow page worth an EXPLAIN

# (path, kind): "list", "case" and "report" pages are held to the target; "export" is reported
# apart.
PAGES: tuple[tuple[str, str], ...] = (
    ("/cases/mine/", "list"),
    ("/cases/", "list"),
    ("/cases/?status=accepted&category={category}", "list"),
    ("/cases/?q=漏水", "list"),
    ("/cases/?region={street}", "list"),
    ("/cases/{number}/", "case"),
    ("/cases/overdue/", "list"),
    ("/cases/map/data.geojson", "list"),
    ("/cases/export/?format=csv&status=accepted", "export"),
    ("/cases/measures/", "report"),
    ("/cases/review/", "report"),
    ("/", "home"),
)
USERS = ("community operator", "street operator", "district leader")

# One title in 24 mentions 漏水 (a leak), the word the search page looks for.
TITLES = (
    "楼上卫生间漏水影响楼下",
    "邻里噪音纠纷",
    "小区路灯损坏",
    "楼道堆物占用消防通道",
    "违章搭建投诉",
    "拖欠工资求助",
    "物业费收费争议",
    "占道经营",
    "电动车楼道充电",
    "下水道堵塞",
    "宠物扰民",
    "垃圾清运不及时",
    "宅基地边界纠纷",
    "小区停车位纠纷",
    "广场舞噪音",
    "外墙瓷砖脱落",
    "井盖缺失",
    "婚姻家庭矛盾",
    "赡养老人纠纷",
    "装修扰民",
    "消费退款纠纷",
    "道路积水",
    "油烟扰民",
    "工地夜间施工",
)
DESCRIPTIONS = (
    "群众反映该问题已持续一段时间，希望尽快处理。",
    "现场查看属实，需协调相关单位处理。",
    "双方协商未果，申请社区调解。",
    "多次反映未解决，情绪较为激动。",
    "网格员巡查发现，已拍照留存。",
    "涉及多户居民，需入户走访核实。",
)
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")

# Status by the case's age: recent cases are still open, old ones mostly closed.
STATUS_MIX: tuple[tuple[float, tuple[tuple[str, int], ...]], ...] = (
    (
        3,
        (
            ("submitted", 25),
            ("accepted", 20),
            ("dispatched", 15),
            ("in_progress", 30),
            ("resolved", 5),
            ("closed", 5),
        ),
    ),
    (
        30,
        (
            ("dispatched", 4),
            ("in_progress", 25),
            ("suspended", 2),
            ("resolved", 12),
            ("closed", 49),
            ("rejected", 5),
            ("merged", 3),
        ),
    ),
    (
        math.inf,
        (("in_progress", 1), ("resolved", 1), ("closed", 89), ("rejected", 6), ("merged", 3)),
    ),
)
CHANNELS = (("grid_worker", 45), ("resident", 25), ("hotline", 20), ("walk_in", 10))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page and user")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--profile", action="store_true", help="cProfile each page over target")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cases < 100 or args.repeat < 1:
        parser.error("--cases must be at least 100 and --repeat at least 1")
    if args.child and (args.db == "both" or not args.result_file):
        parser.error("--child needs one --db and --result-file")
    return args


# ---------------------------------------------------------------------------------------------
# Parent: one throwaway database and one child process per database.


def pages_child(args: argparse.Namespace) -> Child:
    child_args = [f"--cases={args.cases}", f"--repeat={args.repeat}", f"--seed={args.seed}"]
    child_args += ["--profile"] if args.profile else []
    # "testserver" is the test Client's host name.
    return lambda db, url, workdir: run_child(
        db, url, workdir, child_args, script=__file__, host="testserver"
    )


def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    return on_sqlite(pages_child(args))


def run_postgresql(args: argparse.Namespace) -> dict[str, Any]:
    return on_postgresql(args.pg_url, f"fengqiao_bench_pages_{os.getpid()}", pages_child(args))


def command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run."""
    return (
        f"python bench/pages.py --cases {args.cases} --db {args.db} --repeat {args.repeat} "
        f"--seed {args.seed}"
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
        "target_ms": TARGET_MS,
        "results": [runners[name](args) for name in names],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else markdown(report))
    failed = [r for r in report["results"] if "error" in r or not r.get("ok", True)]
    return 1 if failed else 0


def markdown(report: dict[str, Any]) -> str:
    """The report as markdown: command, machine, one table per database, notes, query plans."""
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
    ]
    notes: list[str] = []
    plans: list[str] = []
    for r in report["results"]:
        if "skipped" in r or "error" in r:
            notes.append(f"{r['database']}: {r.get('skipped') or r.get('error')}")
            continue
        lines += ["", f"{r['database']}, {r['cases']:,} cases ({r['events']:,} timeline entries):"]
        lines += ["", *page_table(r["pages"])]
        setup = ", ".join(f"{k} {v:.1f} s" for k, v in r["setup_seconds"].items())
        notes += [
            f"{r['database']}: checks {'passed' if r['ok'] else 'FAILED'}: {r['checks']}",
            f"{r['database']}: setup (not timed in the table): {setup}",
            f"{r['database']}: 1-minute load average before and after the timed requests: "
            f"{r['load_average'][0]} and {r['load_average'][1]} ({m['cores']} cores)",
        ]
        for p in r["pages"]:
            for q in p.get("slow_queries", []):
                plans += [
                    f"{r['database']} {p['path']} as {p['user']}: {q['ms']:.1f} ms",
                    f"    {q['sql']}",
                    *[f"    {line}" for line in q["plan"]],
                ]
    lines += ["", *notes]
    if plans:
        lines += ["", "Slowest queries of the pages over the target:", "", *plans]
    return "\n".join(lines)


def page_table(pages: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| page | user | cases | queries (1 % / all) | median ms | p95 ms | SQL ms | under "
        f"{TARGET_MS:.0f} ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for p in pages:
        verdict = "yes" if p["p95_ms"] < TARGET_MS else "NO"
        if p["kind"] == "export":
            verdict += " (export, not a page)"
        shown = f"{p['cases']:,}" if p["cases"] is not None else "-"
        rows.append(
            f"| `{p['path']}` | {p['user']} | {shown} | {p['queries_first']} / {p['queries']} "
            f"| {p['median_ms']:.1f} | {p['p95_ms']:.1f} | {p['sql_ms']:.1f} | {verdict} |"
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Child: one database, Django set up once.


@dataclass
class World:
    """What the fixtures made: grids with their boxes and units, centres, users, codes."""

    grids: list[dict[str, Any]] = field(default_factory=list)
    department: int = 0
    users: dict[str, Any] = field(default_factory=dict)
    street_code: str = ""
    big_category: str = "dispute"  # a 大类 whose 小类 the cases use
    detail_number: str = ""


def child_main(args: argparse.Namespace) -> int:
    import django

    django.setup()
    result = child_run(args)
    with open(args.result_file, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
    return 0  # failed checks are in the result; a crash exits non-zero on its own


def child_run(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, add fixtures, load in two steps, measure; everything the report needs."""
    from django.core.management import call_command
    from django.utils import timezone

    from fengqiao.cases.models import Case, CaseEvent
    from fengqiao.textintel.review import ensure_reviews

    db, setup = args.db, {}
    rng = random.Random(args.seed)
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    world = make_fixtures()
    setup["migrate"] = time.perf_counter() - start
    progress(f"{db}: migrated and added fixtures in {setup['migrate']:.1f} s")
    now = timezone.now()
    planned = plan_cases(args.cases, rng, world, now)
    world.detail_number = planned[-1].number
    first = set(rng.sample(range(len(planned) - 1), int(len(planned) * FIRST_SHARE)))
    first.add(len(planned) - 1)
    start = time.perf_counter()
    load([p for i, p in enumerate(planned) if i in first])  # the case page's case is there
    add_detail(world, now)
    settle()
    first_counts = count_queries(world)
    load([p for i, p in enumerate(planned) if i not in first])
    setup["load"] = time.perf_counter() - start
    progress(f"{db}: loaded {args.cases:,} cases in {setup['load']:.1f} s")
    # As in a running deployment, the worker has scored the replies of the review page's month
    # (textintel.score_replies) before anyone reads it, and the database has analysed them.
    start = time.perf_counter()
    ensure_reviews(Case.objects.filter(resolved_at__gte=now - timedelta(days=40)))
    setup["score replies"] = time.perf_counter() - start
    start = time.perf_counter()
    settle()
    setup["analyse"] = time.perf_counter() - start
    progress(f"{db}: analysed in {setup['analyse']:.1f} s; measuring")
    load_before = os.getloadavg()[0]
    pages = measure(world, args.repeat, args.profile)
    load_after = os.getloadavg()[0]
    for page in pages:
        page["queries_first"], page["cases_first"] = first_counts[page["path"], page["user"]]
    checks = {
        "loaded": Case.objects.count() == args.cases,
        "all 200": all(p["status"] == 200 for p in pages),
        "bounded": all(bounded(p) for p in pages),
    }
    return {
        "database": db,
        "server_version": server_version(),
        "cases": args.cases,
        "events": CaseEvent.objects.count(),
        "setup_seconds": setup,
        # Other work on the machine inflates the times: the 1-minute load average around them.
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "pages": pages,
        "checks": checks,
        "ok": all(checks.values()),
    }


# --- fixtures ---------------------------------------------------------------------------------


def square(x: float, y: float, w: float, h: float) -> dict[str, Any]:
    ring = [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def region_file() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The GeoJSON of the tree (streets side by side, communities stacked, grids in a row)
    and, for each grid, its code, box and the indices of its street and community."""
    gw, gh = GRID_SIZE
    x0, y0 = ORIGIN
    features: list[dict[str, Any]] = []
    grids: list[dict[str, Any]] = []

    def add(code: str, name: str, level: str, parent: str | None, geometry: Any) -> None:
        properties = {"code": code, "name": name, "level": level, "parent": parent}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})

    sw, ch = gw * GRIDS, gh
    add(
        DISTRICT_CODE,
        "枫桥示范区",
        "district",
        None,
        square(x0, y0, sw * STREETS, ch * COMMUNITIES),
    )
    for s in range(STREETS):
        street = f"{DISTRICT_CODE}{s + 1:03d}"
        add(
            street,
            f"第{s + 1}街道",
            "street",
            DISTRICT_CODE,
            square(x0 + s * sw, y0, sw, ch * COMMUNITIES),
        )
        for c in range(COMMUNITIES):
            community = f"{street}{c + 1:03d}"
            cy = y0 + c * ch
            add(
                community,
                f"第{s + 1}街道第{c + 1}社区",
                "community",
                street,
                square(x0 + s * sw, cy, sw, ch),
            )
            for g in range(GRIDS):
                code, gx = f"{community}{g + 1:03d}", x0 + s * sw + g * gw
                add(code, f"第{c + 1}社区第{g + 1}网格", "grid", community, square(gx, cy, gw, gh))
                grids.append({"code": code, "box": (gx, cy, gw, gh), "street": s, "community": c})
    return {"type": "FeatureCollection", "features": features}, grids


def make_fixtures() -> World:
    """Regions (imported from GeoJSON), a centre per region above the grids, a department,
    and the three users, each with one role."""
    from django.contrib.auth.hashers import make_password

    from fengqiao.accounts.models import Membership, Role, Tier, Unit, User
    from fengqiao.regions.actions import import_regions
    from fengqiao.regions.models import Region

    collection, grids = region_file()
    import_regions(collection)
    regions = {r.code: r for r in Region.objects.all()}
    district = regions[DISTRICT_CODE]

    def unit(
        code: str, name: str, tier: str, region: Region, parent: Unit | None, kind: str = "centre"
    ) -> Unit:
        return Unit.objects.create(
            code=code, name=name, kind=kind, tier=tier, jurisdiction=region, parent=parent
        )

    top = unit("district-centre", "区综治中心", Tier.DISTRICT, district, None)
    streets, communities = {}, {}
    for s in range(STREETS):
        street = regions[f"{DISTRICT_CODE}{s + 1:03d}"]
        streets[s] = unit(f"street-{s}", f"{street.name}综治中心", Tier.STREET, street, top)
        for c in range(COMMUNITIES):
            community = regions[f"{street.code}{c + 1:03d}"]
            communities[s, c] = unit(
                f"community-{s}-{c}",
                f"{community.name}综治中心",
                Tier.COMMUNITY,
                community,
                streets[s],
            )
    department = unit("housing", "区住房和城乡建设局", Tier.DISTRICT, district, None, "department")
    for grid in grids:
        region = regions[grid["code"]]
        grid |= {
            "id": region.pk,
            "path": region.path,
            "centres": {
                "community": communities[grid["street"], grid["community"]].pk,
                "street": streets[grid["street"]].pk,
                "district": top.pk,
            },
        }
    roles = {
        "community operator": (communities[0, 0], Role.OPERATOR),
        "street operator": (streets[0], Role.OPERATOR),
        "district leader": (top, Role.LEADER),
    }
    users = {}
    for n, (label, (home, role)) in enumerate(roles.items()):
        user = User.objects.create(
            username=f"bench{n}", full_name=label, password=make_password(None)
        )
        Membership.objects.create(user=user, unit=home, role=role)
        users[label] = user
    return World(
        grids=grids, department=department.pk, users=users, street_code=f"{DISTRICT_CODE}001"
    )


# --- cases ------------------------------------------------------------------------------------


@dataclass
class Planned:
    """One case to load: its column values by attname, and its timeline entries as
    (action, from status, to status, actor unit, to unit, time, public)."""

    number: str
    values: dict[str, Any]
    events: list[tuple[str, str, str, int | None, int | None, datetime, bool]]


def span(amount: int, unit: str) -> timedelta:
    """Working time as calendar time: a working day is 7/5 of a calendar day (no holidays)."""
    return timedelta(hours=amount) if unit == "hours" else timedelta(days=amount * 7 / 5)


def plan_cases(n: int, rng: random.Random, world: World, now: datetime) -> list[Planned]:
    """``n`` cases submitted over the last HISTORY_DAYS, oldest first, numbered per local day.

    The last one is the case page's case: six days old, in progress at the community
    operator's centre, in the big category's first community-tier 小类.
    """
    from collections import Counter

    from django.db import connection
    from django.utils import timezone

    from fengqiao.cases.models import Case, Category

    leaves = list(Category.objects.filter(parent__isnull=False, is_active=True))
    detail_category = next(
        c for c in leaves if c.default_tier == "community" and c.code.startswith(world.big_category)
    )
    field = Case._meta.get_field("reporter_name")
    names = [field.get_db_prep_save(name, connection) for name in NAMES]
    phones = [field.get_db_prep_save(f"1380013{k:04d}", connection) for k in range(8)]
    ages = sorted((rng.uniform(0.01, HISTORY_DAYS) for _ in range(n - 1)), reverse=True)
    per_day: Counter[str] = Counter()
    planned = []
    for i, age in enumerate([*ages, 6.0]):
        detail = i == n - 1
        submitted = now - timedelta(days=age)
        grid = world.grids[0] if detail else rng.choice(world.grids)
        category = detail_category if detail else rng.choice(leaves)
        status = "in_progress" if detail else None
        values, events = plan_case(rng, submitted, now, grid, category, status, world)
        day = f"{timezone.localdate(submitted):%Y%m%d}"
        per_day[day] += 1
        number = f"FQ-{day}-{per_day[day]:05d}"
        values |= {
            "number": number,
            "tracking_code": f"BQ{i:09d}",
            "reporter_name": rng.choice(names),
            "reporter_phone": rng.choice(phones),
        }
        planned.append(Planned(number, values, events))
    return planned


def plan_status(
    rng: random.Random, submitted: datetime, now: datetime, channel: str, status: str | None
) -> tuple[str, bool]:
    """The status by age (STATUS_MIX) and whether a grid worker handled it on the spot."""
    if status is None:
        age = (now - submitted).total_seconds() / 86_400
        mix = next(m for limit, m in STATUS_MIX if age < limit)
        status = rng.choices([s for s, _ in mix], [w for _, w in mix])[0]
    on_spot = status == "closed" and channel == "grid_worker" and rng.random() < 0.6
    return status, on_spot


def plan_case(
    rng: random.Random,
    submitted: datetime,
    now: datetime,
    grid: dict[str, Any],
    category: Any,
    status: str | None,
    world: World,
) -> tuple[dict[str, Any], list[Any]]:
    """Column values and timeline of one case, consistent with what ``cases.actions`` writes."""
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    status, on_spot = plan_status(rng, submitted, now, channel, status)
    tier = category.default_tier if category.default_tier in grid["centres"] else "community"
    centre = grid["centres"]["community" if on_spot else tier]

    def later(start: datetime, low: float, high: float) -> datetime:
        return min(start + timedelta(hours=rng.uniform(low, high)), now)

    x, y, w, h = grid["box"]
    v: dict[str, Any] = {
        "kind": category.kind,
        "category_id": category.pk,
        "title": rng.choice(TITLES),
        "description": rng.choice(DESCRIPTIONS),
        "occurred_at": submitted - timedelta(hours=rng.uniform(0, 48)),
        "lon": round(x + rng.random() * w, 7) if rng.random() < 0.9 else None,
        "address": f"{rng.randrange(1, 40)}栋{rng.randrange(1, 6)}单元",
        "region_id": grid["id"],
        "region_path": grid["path"],
        "channel": channel,
        "status": status,
        "submitted_at": submitted,
        "accept_due_at": submitted + span(category.accept_within, category.accept_unit),
        "handled_on_spot": on_spot,
    }
    v["lat"] = round(y + rng.random() * h, 7) if v["lon"] is not None else None
    events: list[Any] = [("submit", "", "submitted", centre, centre, submitted, True)]
    unit, dispatcher = centre, None
    if on_spot:
        done = later(submitted, 0.1, 1)
        events.append(("handle_on_spot", "submitted", "closed", centre, None, done, True))
        v |= {"resolved_at": done, "closed_at": done, "followed_up_at": done}
    elif status in ("rejected", "merged"):
        action = {"rejected": "reject", "merged": "merge"}[status]
        events.append((action, "submitted", status, centre, None, later(submitted, 1, 24), False))
    elif status != "submitted":
        v["accepted_at"] = accepted = later(submitted, 0.5, 20)
        v["resolve_due_at"] = accepted + span(category.resolve_within, category.resolve_unit)
        events.append(("accept", "submitted", "accepted", centre, None, accepted, True))
        if status != "accepted":
            unit, dispatcher = plan_handling(rng, v, events, status, centre, world)
    tiers = {
        world.department: "district",
        grid["centres"]["district"]: "district",
        grid["centres"]["street"]: "street",
    }
    v |= {
        "current_unit_id": unit,
        "dispatcher_unit_id": dispatcher,
        "current_tier": tiers.get(unit, "community"),
    }
    plan_outcome(rng, v, events, status, unit, now, category)
    v["updated_at"] = max(e[5] for e in events)
    return v, events


def plan_handling(
    rng: random.Random, v: dict[str, Any], events: list[Any], status: str, centre: int, world: World
) -> tuple[int, int]:
    """Dispatched to the department (a quarter, and every 已交办 case) or handled by the centre
    itself; returns (current unit, dispatcher unit)."""
    hour, department = timedelta(hours=1), world.department
    at = v["accepted_at"]
    if status == "dispatched" or rng.random() < 0.25:
        events.append(("dispatch", "accepted", "dispatched", centre, department, at + hour, True))
        if status != "dispatched":
            events.append(
                ("claim", "dispatched", "in_progress", department, None, at + 3 * hour, True)
            )
        return department, centre
    events.append(("claim", "accepted", "in_progress", centre, None, at + hour, True))
    return centre, centre


def plan_outcome(
    rng: random.Random,
    v: dict[str, Any],
    events: list[Any],
    status: str,
    unit: int,
    now: datetime,
    category: Any,
) -> None:
    """Resolution, closing, follow-up and the running deadline with its derived state."""
    from django.conf import settings

    start = v.get("accepted_at") or v["submitted_at"]
    if status == "suspended":
        v |= {
            "suspended_at": min(start + timedelta(days=2), now),
            "suspended_status": "in_progress",
        }
        events.append(("suspend", "in_progress", "suspended", unit, None, v["suspended_at"], False))
    if status in ("resolved", "closed") and not v["handled_on_spot"]:
        window = span(category.resolve_within, category.resolve_unit).total_seconds() / 3600
        v["resolved_at"] = resolved = min(start + timedelta(hours=rng.uniform(2, window)), now)
        v |= {
            "resolved_unit_id": unit,
            "resolved_tier": v["current_tier"],
            "outcome": "已处理完毕。",
        }
        events.append(("resolve", "in_progress", "resolved", unit, None, resolved, True))
        if status == "closed":
            v["closed_at"] = closed = min(resolved + timedelta(hours=rng.uniform(1, 48)), now)
            v["follow_up_due_at"] = closed + span(
                category.follow_up_within, category.follow_up_unit
            )
            events.append(
                ("close", "resolved", "closed", v["dispatcher_unit_id"] or unit, None, closed, True)
            )
            visited = min(closed + timedelta(hours=rng.uniform(4, 96)), now)
            recent = now - closed < timedelta(days=7)
            if visited < now and rng.random() < (0.5 if recent else 0.98):
                v |= {
                    "followed_up_at": visited,
                    "follow_up_satisfied": True,
                    "rating": rng.choices(["satisfied", "basic", "unsatisfied"], [85, 10, 5])[0],
                    "rated_at": visited,
                }
    due = {
        "submitted": v["accept_due_at"],
        "accepted": v.get("resolve_due_at"),
        "dispatched": v.get("resolve_due_at"),
        "in_progress": v.get("resolve_due_at"),
        "closed": v.get("follow_up_due_at") if not v.get("followed_up_at") else None,
    }.get(status)
    state = "normal"
    if due is not None:
        soon = due - timedelta(hours=settings.DUE_SOON_HOURS)
        state = "overdue" if due <= now else "due_soon" if soon <= now else "normal"
        v["due_soon_at"] = soon
    v |= {"due_at": due, "deadline_state": state}


def load(planned: list[Planned]) -> None:
    """Insert the cases straight into the table, then their timeline entries in bulk."""
    from django.db import connection, transaction

    from fengqiao.cases.models import Case, CaseEvent

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    at = {f.attname: i for i, f in enumerate(fields)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Case._meta.db_table)
    blank = Case()  # the defaults of every column the plan leaves out, as the database takes them
    base = [f.get_db_prep_save(getattr(blank, f.attname), connection) for f in fields]
    stamp: Callable[[Any], Any] = (
        (lambda value: value)
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value
    )

    def rows() -> Iterator[list[Any]]:
        for p in planned:
            row = base.copy()
            for name, value in p.values.items():
                row[at[name]] = stamp(value) if isinstance(value, datetime) else value
            yield row

    with transaction.atomic():
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
            with connection.cursor() as cursor:
                for chunk in chunks(rows(), 20_000):
                    cursor.executemany(sql, chunk)
        ids = dict(Case.objects.values_list("number", "id"))
        entries = (
            CaseEvent(
                case_id=ids[p.number],
                action=action,
                from_status=before,
                to_status=after,
                actor_unit_id=unit,
                to_unit_id=to_unit,
                created_at=when,
                public=public,
            )
            for p in planned
            for action, before, after, unit, to_unit, when, public in p.events
        )
        while batch := list(itertools.islice(entries, 5_000)):
            CaseEvent.objects.bulk_create(batch)


def add_detail(world: World, now: datetime) -> None:
    """Give the case page's case DETAIL_EVENTS timeline entries, two parties and a 督办."""
    from fengqiao.cases.models import Case, CaseEvent, Party, Supervision

    case = Case.objects.get(number=world.detail_number)
    user = world.users["community operator"]
    last = case.events.order_by("-created_at")[0].created_at
    step = (now - last) / (DETAIL_EVENTS + 1)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            action="progress",
            actor=user,
            actor_unit_id=case.current_unit_id,
            note=f"第{k + 1}次上门协调，双方同意继续协商。",
            created_at=last + step * (k + 1),
            public=True,
        )
        for k in range(DETAIL_EVENTS - case.events.count())
    )
    Party.objects.create(case=case, role="applicant", name="张伟", phone="13800130001")
    Party.objects.create(case=case, role="respondent", name="王芳", phone="13800130002")
    Supervision.objects.create(
        case=case,
        card="yellow",
        by_unit_id=world.grids[0]["centres"]["street"],
        target_unit_id=case.current_unit_id,
        note="请加快办理。",
        created_at=now - step,
    )


# --- measuring --------------------------------------------------------------------------------


class Statements:
    """An execute wrapper that keeps each statement of the requests it wraps."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.kept.append((sql, params))
        return execute(sql, params, many, context)


def page_paths(world: World) -> list[tuple[str, str]]:
    values = {
        "category": world.big_category,
        "street": world.street_code,
        "number": world.detail_number,
    }
    return [(template.format(**values), kind) for template, kind in PAGES]


def logged_in(world: World, label: str) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(world.users[label])
    return client


def count_queries(world: World) -> dict[tuple[str, str], tuple[int, int | None]]:
    """Queries of each page and user after one warm-up request, and the cases it shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label in USERS:
        client = logged_in(world, label)
        for path, _kind in page_paths(world):
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts[path, label] = (len(captured), shown(path, response))
    return counts


def bounded(page: dict[str, Any]) -> bool:
    """The same query count at 1 % and 100 % of the cases; an empty list at 1 % may save one
    (Django does not run the query for an empty page slice)."""
    first, full = int(page["queries_first"]), int(page["queries"])
    return full == first or (page["cases_first"] == 0 and full == first + 1)


def shown(path: str, response: Any) -> int | None:
    """How many cases the response says it holds (the list's total, features, CSV rows)."""
    if path.startswith("/cases/map/data"):
        return len(json.loads(response.content)["features"])
    if path.startswith("/cases/export/"):
        return int(response.content.count(b"\n")) - 1
    match = re.search(r"(?:共|在办) (\d+) 件", response.content.decode())
    return int(match.group(1)) if match and path.startswith("/cases/") else None


def measure(world: World, repeat: int, profile: bool) -> list[dict[str, Any]]:
    """Every page as every user: warm-up, one captured request, ``repeat`` timed ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for label in USERS:
        client = logged_in(world, label)
        for path, kind in page_paths(world):
            for _ in range(WARM_UP):
                client.get(path)
            statements = Statements()
            with (
                CaptureQueriesContext(connection) as captured,
                connection.execute_wrapper(statements),
            ):
                response = client.get(path)
            queries = len(captured)  # read now: later requests reset the connection's log
            wall = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(path)
                wall.append((time.perf_counter() - start) * 1000)
            selects = replay(statements.kept)
            p95 = sorted(wall)[math.ceil(0.95 * len(wall)) - 1]  # nearest rank
            result = {
                "path": path,
                "kind": kind,
                "user": label,
                "status": response.status_code,
                "cases": shown(path, response),
                "queries": queries,
                "median_ms": statistics.median(wall),
                "p95_ms": p95,
                "sql_ms": sum(ms for ms, _sql, _params in selects),
                "slowest_query_ms": max((ms for ms, _sql, _params in selects), default=0.0),
            }
            if p95 >= TARGET_MS and kind != "export":
                result["slow_queries"] = diagnose(selects)
                if profile:
                    profile_request(client, path)
            progress(
                f"{connection.vendor}: {path} as {label}: {queries} queries, median "
                f"{result['median_ms']:.1f} ms, p95 {p95:.1f} ms, SQL {result['sql_ms']:.1f} ms"
            )
            results.append(result)
    return results


def replay(statements: list[tuple[str, Any]]) -> list[tuple[float, str, Any]]:
    """Each SELECT of one request run again alone, every row fetched: (best of 3 in ms, sql,
    params). Timing inside the request would miss SQLite's work, done as rows are fetched."""
    from django.db import connection

    timed = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.startswith("SELECT"):
                continue
            best = math.inf
            for _ in range(3):
                start = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                best = min(best, time.perf_counter() - start)
            timed.append((best * 1000, sql, params))
    return timed


def diagnose(selects: list[tuple[float, str, Any]]) -> list[dict[str, Any]]:
    """The query plans of the slow SELECTs of one request, slowest first (at most 3)."""
    slow = sorted((s for s in selects if s[0] >= SLOW_QUERY_MS), key=lambda s: -s[0])[:3]
    return [{"ms": ms, "sql": sql, "plan": plan(sql, params)} for ms, sql, params in slow]


def plan(sql: str, params: Any) -> list[str]:
    """EXPLAIN ANALYZE on PostgreSQL (actual rows and times), EXPLAIN QUERY PLAN on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return explain_plain(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def profile_request(client: Any, path: str) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    progress(f"profile of {path}:")
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    sys.exit(main())
