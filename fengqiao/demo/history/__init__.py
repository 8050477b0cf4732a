"""Two years of demo cases (演示事件) for the demo district, generated in bulk.

What: about 20,000 cases ending at ``now`` with a weekly rhythm (busy Mondays, quiet weekends and
holidays), seasons (wage arrears before the Spring Festival, noise and building sites in summer,
fire hazards in winter, landslides in the rainy season), a few hot spots, repeat disputes at the
same address and duplicate reports that get merged. Each case lives through a lifecycle with the
rules of ``cases.actions`` (accept, reject, dispatch, claim, escalate, assign down, return,
extension, resolve, verify, close, follow-up visit, rating, merge); between the steps the deadline
sweep is replayed (due-soon and overdue marks, supervision cards, automatic escalation after
ESCALATE_OVERDUE_AFTER_HOURS), so each timeline is what the real system would have written. The
history is cut at ``now``: recent cases are still open, and open work is added for every centre,
department, police station, committee, the tribunal and the justice office.

Why not the real actions: they stamp ``timezone.now()`` and cost several queries each (minutes
for the history); the lifecycles are simulated in memory and written with ``bulk_create``.

Everything is synthetic: people appear as 王某 or 王女士, phone numbers are 1380000xxxx, companies
are 某建筑劳务公司, places come from the invented demo district. Deterministic for a seed and a
day (each case's life draws from its own stream, so the time of day changes only the lives that
reach now), except the tracking codes, which must stay unguessable. Nothing here reads
``../shared``.

The parts: ``rhythms`` (how often, when and where), ``world`` (the district as read from the
database), ``texts`` (the Chinese text catalogue), ``arrivals`` and ``open_work`` (the reports),
``lifecycle`` with ``intake``, ``plans``, ``actions`` and ``sweep`` (what happens to each case),
``writer`` (the bulk inserts).

Cost: a few queries to read the district, then bulk inserts (about 9 rows per case); about
20 seconds for two years on SQLite or PostgreSQL, two thirds of it in ``bulk_create``.
"""

from __future__ import annotations

import time
from datetime import datetime

from fengqiao.cases.models import Case
from fengqiao.demo.history.lifecycle import simulate
from fengqiao.demo.history.world import World
from fengqiao.demo.history.writer import CaseSummary, write

__all__ = ["CaseSummary", "draw_cases", "generate_cases"]


def generate_cases(*, now: datetime, seed: int = 2026, days: int = 730) -> CaseSummary:
    """Add ``days`` of case history ending at ``now`` to the loaded demo district.

    Reads the regions, units and people once, simulates in memory, then writes everything in one
    transaction with ``bulk_create`` and moves the daily number counters (CaseNumber) past the
    numbers used, so that ``cases.intake.submit`` continues after them.
    """
    started = time.perf_counter()
    world = World.load(seed)
    if world is None or not world.categories:
        return CaseSummary()
    lives, hot_spots = simulate(world, now=now, seed=seed, days=days)
    summary = write(lives)
    summary.hot_spots = hot_spots
    summary.seconds = time.perf_counter() - started
    return summary


def draw_cases(*, now: datetime, seed: int = 2026, days: int = 730) -> list[Case]:
    """The unsaved cases ``generate_cases`` would write, without numbers: for tests."""
    world = World.load(seed)
    if world is None:
        return []
    lives, _ = simulate(world, now=now, seed=seed, days=days)
    return [life.case for life in lives]
