"""Measures of dispute resolution (矛盾纠纷化解指标) per unit, region and period.

They take the ``Scope`` of ``cases.measures`` (half-open period ``[start, end)``, optional unit
and region; the category filter is not used here) and return ``Rate``s with numerator and
denominator, ``None`` when there is nothing to measure. What each counts:

* ``success_rate`` (调解成功率): mediations concluded in the period with an agreement, over those
  concluded with agreement, no agreement or referral. Withdrawn applications are left out: the
  mediators did not fail, the applicant stopped. Unit: the mediation organisation's unit.
* ``performance_rate`` (协议履行率): agreements whose performance deadline falls in the period
  (local dates) and whose latest check found them fully performed, over all agreements due in
  the period; an agreement nobody has checked counts as not (yet) performed, so a missing
  履行回访 shows. Unit: the organisation's unit.
* ``tier_shares`` (各层级化解占比): disputes resolved in the period by the tier that resolved them
  (community, street, district), each a share of all disputes resolved. Unit: ``resolved_unit``.
* ``days_to_agreement`` (从受理到达成协议天数): mean and median days from the case's report to
  the agreement, over agreements concluded in the period.
* ``referrals_by_outcome`` (分流移送结果): referrals made in the period, counted by kind and by
  their state or, once done, outcome. Unit: the unit that referred or received them.

Each is one query; ``days_to_agreement`` reads the two timestamps of each agreement in the
period (a district's few thousand a year) and averages in Python, identically on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fengqiao.accounts.models import Tier
from fengqiao.cases.choices import CaseKind
from fengqiao.cases.measures import Rate, Scope
from fengqiao.cases.models import Case
from fengqiao.mediation.choices import Outcome, Performance, ReferralState
from fengqiao.mediation.models import Mediation, Referral

MEASURED_OUTCOMES = (Outcome.AGREEMENT, Outcome.NO_AGREEMENT, Outcome.REFERRED)
TIERS = (Tier.COMMUNITY, Tier.STREET, Tier.DISTRICT)


def _rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, numerator / denominator if denominator else None)


def _mediations(scope: Scope) -> QuerySet[Mediation]:
    mediations = Mediation.objects.all()
    if scope.unit is not None:
        mediations = mediations.filter(org__unit=scope.unit)
    if scope.region is not None:
        mediations = mediations.filter(case__region_path__startswith=scope.region.path)
    return mediations


def success_rate(scope: Scope) -> Rate:
    counts = (
        _mediations(scope)
        .filter(
            concluded_at__gte=scope.start,
            concluded_at__lt=scope.end,
            outcome__in=MEASURED_OUTCOMES,
        )
        .aggregate(
            total=Count("pk"),
            agreed=Count("pk", filter=Q(outcome=Outcome.AGREEMENT)),
        )
    )
    return _rate(counts["agreed"], counts["total"])


def performance_rate(scope: Scope) -> Rate:
    first = timezone.localdate(scope.start)
    last = timezone.localdate(scope.end)
    # Deadlines are dates: those d with local(start) <= d < local(end).
    counts = (
        _mediations(scope)
        .filter(
            outcome=Outcome.AGREEMENT,
            performance_due__gte=first,
            performance_due__lt=last,
        )
        .aggregate(
            total=Count("pk"),
            performed=Count("pk", filter=Q(performance=Performance.FULL)),
        )
    )
    return _rate(counts["performed"], counts["total"])


def tier_shares(scope: Scope) -> dict[str, Rate]:
    cases = Case.objects.filter(
        kind=CaseKind.DISPUTE, resolved_at__gte=scope.start, resolved_at__lt=scope.end
    )
    if scope.unit is not None:
        cases = cases.filter(resolved_unit=scope.unit)
    if scope.region is not None:
        cases = cases.filter(region_path__startswith=scope.region.path)
    counts = cases.aggregate(
        total=Count("pk"),
        **{tier.value: Count("pk", filter=Q(resolved_tier=tier)) for tier in TIERS},
    )
    return {tier.value: _rate(counts[tier.value], counts["total"]) for tier in TIERS}


@dataclass(frozen=True)
class Days:
    count: int
    mean: float | None
    median: float | None


def days_to_agreement(scope: Scope) -> Days:
    pairs = (
        _mediations(scope)
        .filter(
            outcome=Outcome.AGREEMENT,
            concluded_at__gte=scope.start,
            concluded_at__lt=scope.end,
        )
        .values_list("case__submitted_at", "concluded_at")
    )
    days = [(done - reported).total_seconds() / 86400 for reported, done in pairs if done]
    if not days:
        return Days(0, None, None)
    return Days(len(days), statistics.fmean(days), statistics.median(days))


def referrals_by_outcome(scope: Scope) -> dict[str, dict[str, int]]:
    """{kind: {outcome, or the state while not done: count}} of referrals made in the period."""
    referrals = Referral.objects.filter(referred_at__gte=scope.start, referred_at__lt=scope.end)
    if scope.unit is not None:
        referrals = referrals.filter(Q(from_unit=scope.unit) | Q(to_unit=scope.unit))
    if scope.region is not None:
        referrals = referrals.filter(case__region_path__startswith=scope.region.path)
    counts: Counter[tuple[str, str]] = Counter()
    for kind, state, outcome, n in (
        referrals.values_list("kind", "state", "outcome").annotate(n=Count("pk")).order_by()
    ):
        counts[(kind, outcome if state == ReferralState.DONE else state)] += n
    result: dict[str, dict[str, int]] = {}
    for (kind, key), n in sorted(counts.items()):
        result.setdefault(kind, {})[key] = n
    return result
