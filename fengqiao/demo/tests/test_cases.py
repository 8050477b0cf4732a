"""Demo cases (``demo.history``): two years of history and today's open work in the demo district.

Loading the demo with its cases takes about 20 seconds, so the module loads it once, inside a
transaction that is rolled back when the module is done; each test reads it from its own
savepoint (the ``db`` fixture) and leaves the database as empty as the other modules expect.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone, translation

from fengqiao.accounts.models import Unit, User
from fengqiao.accounts.scoping import scope_for
from fengqiao.cases import deadlines
from fengqiao.cases.choices import OPEN_STATUSES
from fengqiao.cases.models import Case, CaseEvent, CaseNumber, ExtensionRequest, Supervision
from fengqiao.demo.history import draw_cases
from fengqiao.regions.actions import boundary_of
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LOGIN = re.compile(r"^  ([a-z0-9_]+) ", re.MULTILINE)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def local_days(field: str, **filters) -> Counter[date]:
    moments = Case.objects.filter(**filters).values_list(field, flat=True)
    return Counter(m.astimezone(SH).date() for m in moments)


def daily_rate(counts: Counter[date], months: set[int], first: date, last: date) -> float:
    """Cases per day over the days of ``months`` between ``first`` and ``last``."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.month in months]
    return sum(counts[d] for d in days) / len(days)


def test_two_years_of_history_with_rhythms_mix_and_tiers(demo):
    total = Case.objects.count()
    assert 15000 <= total <= 25000
    assert f"演示事件 {total} 件" in demo
    per_day = local_days("submitted_at")
    first, last = min(per_day), max(per_day)
    assert (last - first).days >= 700
    # weekly rhythm: fewer on weekends, most on Mondays
    days = [first + timedelta(days=i) for i in range(1, (last - first).days)]
    by_weekday = defaultdict(list)
    for day in days:
        by_weekday[day.weekday()].append(per_day[day])
    weekday = np.mean([n for w in range(5) for n in by_weekday[w]])
    weekend = np.mean(by_weekday[5] + by_weekday[6])
    assert weekday > 1.4 * weekend
    assert np.mean(by_weekday[0]) > weekday
    # seasons: wage disputes before the Spring Festival, noise in summer, fire in winter,
    # landslides in the rainy season
    winter, summer = {12, 1}, {6, 7}

    def rate(code: str, months: set[int]) -> float:
        return daily_rate(local_days("submitted_at", category__code=code), months, first, last)

    assert rate("dispute-wages", winter) > 1.8 * rate("dispute-wages", summer)
    assert rate("request-noise", {6, 7, 8}) > 1.5 * rate("request-noise", {12, 1, 2})
    assert rate("hazard-fire", {12, 1, 2}) > 1.5 * rate("hazard-fire", {6, 7, 8})
    assert rate("hazard-geological", {4, 5, 6, 7}) > 3 * rate("hazard-geological", {9, 10, 11, 12})
    # the mix of kinds, categories and channels
    kinds = Counter(Case.objects.values_list("kind", flat=True))
    assert 0.12 < kinds["hazard"] / total < 0.28
    assert kinds["dispute"] == max(kinds.values())
    disputes = Counter(Case.objects.filter(kind="dispute").values_list("category__code", flat=True))
    top = {code for code, _ in disputes.most_common(4)}
    assert top == {"dispute-neighbour", "dispute-family", "dispute-property", "dispute-wages"}
    channels = Counter(Case.objects.values_list("channel", flat=True))
    assert 0.3 < channels["grid_worker"] / total < 0.5
    assert 0.15 < channels["resident"] / total < 0.35
    assert 0.12 < channels["hotline"] / total < 0.3
    assert 0.04 < channels["walk_in"] / total < 0.15
    wages = Case.objects.filter(category__code="dispute-wages")
    assert wages.filter(people_involved__gte=5).count() == wages.count()
    assert Case.objects.filter(people_involved__lte=3).count() > 0.6 * total
    # resolved at every tier, about 15 % on the spot by grid workers
    tiers = Counter(Case.objects.exclude(resolved_tier="").values_list("resolved_tier", flat=True))
    assert set(tiers) == {"grid", "community", "street", "district"}
    assert 0.1 < tiers["grid"] / total < 0.2
    assert tiers["grid"] == Case.objects.filter(handled_on_spot=True).count()
    assert tiers["community"] == max(tiers.values())
    # a few late, most followed up, about half rated and mostly satisfied
    resolved = Case.objects.filter(resolved_at__isnull=False)
    late = resolved.filter(resolved_at__gt=F("resolve_due_at")).count()
    assert 0.01 < late / resolved.count() < 0.1
    closed = Case.objects.filter(status="closed", handled_on_spot=False)
    assert closed.filter(followed_up_at__isnull=False).count() > 0.7 * closed.count()
    ratings = Counter(Case.objects.exclude(rating="").values_list("rating", flat=True))
    assert 0.35 < sum(ratings.values()) / closed.count() < 0.65
    assert ratings["satisfied"] == max(ratings.values())
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert 0 < statuses["rejected"] < 0.06 * total
    assert 0 < statuses["merged"] < 0.03 * total
    assert Supervision.objects.filter(card="yellow").exists()
    assert Supervision.objects.filter(card="red").exists()
    # supervision cards only after a deadline has passed
    overdue = dict(
        CaseEvent.objects.filter(action="overdue")
        .values("case")
        .annotate(first=Min("created_at"))
        .values_list("case", "first")
    )
    cards = Supervision.objects.values_list("case", "created_at")
    assert all(case in overdue and overdue[case] < at for case, at in cards)


def test_hot_spots_repeats_and_varied_text(demo):
    # the current hot spot: night-market noise in one grid for the last ten days
    assert "热点：书香夜市噪声" in demo
    since = timezone.now() - timedelta(days=21)
    recent = Case.objects.filter(category__code="request-noise", submitted_at__gte=since)
    per_grid = Counter(recent.values_list("region_id", flat=True))
    (hot, most), *rest = per_grid.most_common()
    assert Region.objects.get(pk=hot).name.startswith("书香社区")
    assert most >= 5 * max(n for _, n in rest[:5])
    # repeat disputes: the same address and category reported again within 60 days
    repeats = Case.objects.filter(title__startswith="再次反映：")
    assert repeats.count() > 100
    repeat = repeats.order_by("submitted_at").first()
    earlier = Case.objects.filter(
        address=repeat.address,
        category=repeat.category,
        submitted_at__lt=repeat.submitted_at,
        submitted_at__gte=repeat.submitted_at - timedelta(days=60),
    )
    assert earlier.exists()
    assert repeat.parties.count() == 2
    assert {p.name for p in repeat.parties.all()} == {p.name for p in earlier[0].parties.all()}
    # duplicates merged into the case they repeat
    merged = Case.objects.filter(status="merged").select_related("merged_into")
    assert all(m.merged_into.category_id == m.category_id for m in merged)
    # varied text from templates and slots
    descriptions = Counter(Case.objects.values_list("description", flat=True))
    assert len(descriptions) > 0.95 * Case.objects.count()
    assert descriptions.most_common(1)[0][1] <= 5
    titles = Counter(Case.objects.values_list("title", flat=True))
    assert titles.most_common(1)[0][1] < 60
    per_category = Case.objects.values("category").annotate(n=Count("title", distinct=True))
    assert min(row["n"] for row in per_category) >= 5
    assert Case.objects.filter(
        description__contains="万元", category__code="dispute-wages"
    ).exists()
    contacts = Case.objects.exclude(reporter_phone="").values_list("reporter_phone", flat=True)
    assert all(re.fullmatch(r"1380000\d{4}", phone) for phone in contacts[:500])


def test_cases_are_consistent_records(demo):
    now = timezone.now()
    assert not Case.objects.exclude(region_path=F("region__path")).exists()
    assert not Case.objects.exclude(current_tier=F("current_unit__tier")).exists()
    assert not Case.objects.filter(region__level__in=["district", "street", "community"]).exists()
    assert not Case.objects.filter(occurred_at__gt=F("submitted_at")).exists()
    assert not Case.objects.filter(submitted_at__gt=now).exists()
    closed = Case.objects.filter(status="closed")
    assert not closed.filter(resolved_at__isnull=True).exists()
    assert not closed.filter(resolved_at__gt=F("closed_at")).exists()
    assert not closed.filter(accepted_at__gt=F("resolved_at")).exists()
    assert not Case.objects.filter(status="merged", merged_into__isnull=True).exists()
    assert not Case.objects.exclude(status="merged").filter(merged_into__isnull=False).exists()
    # every point lies in its grid
    points = defaultdict(list)
    for region_id, lon, lat in Case.objects.values_list("region_id", "lon", "lat"):
        points[region_id].append((lon, lat))
    for region in Region.objects.filter(pk__in=points):
        lon, lat = np.array(points[region.pk]).T
        assert shapely.contains_xy(boundary_of(region), lon, lat).all(), region.name
    # numbers: unique, of the local day of submission, and the day counters continue after them
    numbers = list(Case.objects.values_list("number", "submitted_at", "tracking_code"))
    assert len({n for n, _, _ in numbers}) == len({t for _, _, t in numbers}) == len(numbers)
    last: dict[date, int] = defaultdict(int)
    for number, submitted, _ in numbers:
        day = submitted.astimezone(SH).date()
        assert number.startswith(f"FQ-{day:%Y%m%d}-"), number
        last[day] = max(last[day], int(number[-5:]))
    assert dict(CaseNumber.objects.values_list("day", "last")) == last
    # timelines: begin with the submission, end in the case's state, never in the future
    first_and_last = CaseEvent.objects.values("case").annotate(first=Min("id"), last=Max("id"))
    firsts = {row["first"] for row in first_and_last}
    lasts = {row["last"] for row in first_and_last}
    assert len(firsts) == Case.objects.count()
    assert set(CaseEvent.objects.filter(id__in=firsts).values_list("action", flat=True)) == {
        "submit"
    }
    ends = CaseEvent.objects.filter(id__in=lasts).values_list("to_status", "to_unit", "case")
    states = {c: (s, u) for c, s, u in Case.objects.values_list("id", "status", "current_unit")}
    assert all(states[case] == (status, unit) for status, unit, case in ends)
    assert not CaseEvent.objects.filter(created_at__gt=now).exists()
    ordered = CaseEvent.objects.order_by("case", "created_at", "id").values_list("case", "id")
    by_case = defaultdict(list)
    for case, event in ordered:
        by_case[case].append(event)
    assert all(ids == sorted(ids) for ids in by_case.values())
    # deadlines: the running one, in the state set_due gives it at loading time (minutes ago)
    for open_case in Case.objects.filter(status__in=OPEN_STATUSES):
        stored, seen = open_case.deadline_state, set()
        for moment in (now - timedelta(minutes=10), now):
            deadlines.set_due(open_case, open_case.due_at, moment)
            seen.add(open_case.deadline_state)
        assert stored in seen, open_case.number
        waiting = open_case.status == "submitted"
        running = open_case.accept_due_at if waiting else open_case.resolve_due_at
        assert open_case.due_at == running


def test_every_demo_login_finds_open_work(demo):
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    logins = LOGIN.findall(demo)
    assert "xuelin01_wg01" in logins and "renshe_chengban" in logins
    for username in logins:
        user = User.objects.get(username=username)
        assert user.memberships.exists(), username
        visible = scope_for(user).filter(open_cases, region_path="region_path", unit="current_unit")
        assert visible.exists(), username
    # every centre, department, station, committee, the tribunal and the justice office
    holders = set(open_cases.values_list("current_unit", flat=True))
    assert set(Unit.objects.values_list("id", flat=True)) <= holders
    for status in OPEN_STATUSES:
        assert open_cases.filter(status=status).exists(), status
    assert open_cases.filter(deadline_state="due_soon").exists()
    assert open_cases.filter(deadline_state="overdue").exists()
    pending = ExtensionRequest.objects.filter(state="pending").select_related("case")
    assert pending.exists()
    assert all(p.case.status in OPEN_STATUSES and p.case.dispatcher_unit_id for p in pending)


def test_the_demo_inboxes_hold_the_open_work(demo, client):
    from fengqiao.notifications import inbox
    from fengqiao.notifications.models import Notification

    waiting = Case.objects.filter(status="submitted", current_unit__isnull=False)
    assert waiting.exists()
    for case in waiting:
        notices = Notification.objects.filter(case=case, channel="inbox", unit=case.current_unit)
        assert f"{case.number} 新上报事件待受理" in {n.subject for n in notices}
    dispatched = Case.objects.filter(status="dispatched").first()
    assert Notification.objects.filter(
        case=dispatched, unit=dispatched.current_unit, subject__endswith="新交办事件，请签收办理"
    ).exists()
    assert "办理中事件的站内消息" in demo
    # The operator of a centre with a case waiting sees it in their inbox, in English too.
    first = waiting.order_by("-submitted_at").first()
    operator = User.objects.filter(
        memberships__unit=first.current_unit, memberships__role="operator"
    ).first()
    assert operator is not None and inbox.unread_count(operator) > 0
    notice = Notification.objects.get(case=first, subject__endswith="新上报事件待受理")
    with translation.override("en"):
        assert notice.shown_subject == f"{first.number} new case awaiting acceptance"
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    page = client.get("/notices/").content.decode()
    assert "Mark all as read" in page
    assert "新上报事件待受理" not in page and "新交办事件" not in page


def test_the_same_seed_draws_the_same_cases(demo):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SH)
    first = draw_cases(now=now, seed=7, days=20)
    again = draw_cases(now=now, seed=7, days=20)
    other = draw_cases(now=now, seed=8, days=20)
    assert len(first) > 200
    assert [c.title for c in first[:50]] == [c.title for c in again[:50]]
    assert [c.submitted_at for c in first] == [c.submitted_at for c in again]
    assert [c.title for c in first[:50]] != [c.title for c in other[:50]]
    assert max(c.submitted_at for c in first) <= now


def test_bad_case_options_are_clear_errors(demo):
    with pytest.raises(CommandError, match="years"):
        call_command("demo", "--years", "9", stdout=StringIO())


def test_demo_alerts_include_the_current_hot_spot_and_can_be_worked(demo, client):
    from fengqiao.accounts.models import Membership, Role
    from fengqiao.alerts.models import Alert, AlertStatus, Detector

    assert "研判预警" in demo
    surge = Alert.objects.filter(
        detector=Detector.SURGE, region__name="书香社区", category__code="request-noise"
    ).first()
    assert surge is not None, "the 书香夜市噪声 hot spot raises a surge alert"
    assert Alert.objects.filter(detector=Detector.VIOLENT_PHRASES).exists()
    operator = Membership.objects.filter(
        role=Role.OPERATOR, unit__jurisdiction=surge.region
    ).first()
    assert operator is not None
    client.force_login(operator.user)
    page = client.get(f"/alerts/{surge.pk}/")
    assert page.status_code == 200 and "书香社区" in page.content.decode()
    client.post(f"/alerts/{surge.pk}/do/acknowledge/", {"acknowledge-note": "已收到"})
    client.post(f"/alerts/{surge.pk}/do/close/", {"close-note": "已约谈夜市经营户，限时收摊"})
    surge.refresh_from_db()
    assert surge.status == AlertStatus.CLOSED


def test_demo_burst_is_found_by_the_space_time_scan(demo):
    from fengqiao.alerts.models import Alert, Detector

    assert "热点：杏坛花园治安隐患集中" in demo
    found = [
        alert
        for alert in Alert.objects.filter(detector=Detector.STSCAN, data__kind="hazard")
        if alert.evidence.filter(
            region__name="杏坛社区第1网格", category__code="hazard-public-order"
        ).count()
        >= 3
    ]
    assert found, "the 杏坛花园 burst raises a space-time cluster alert"
    assert found[0].data["p_value"] < 0.05
