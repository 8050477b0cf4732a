"""The Django side of the escalation-risk suggestion: gather a case's facts for
``fengqiao.lib.escalation.suggest``. Costs two small queries (parties, earlier disputes)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from fengqiao.cases.choices import CaseKind
from fengqiao.cases.models import Case
from fengqiao.lib.escalation import DisputeFacts, Suggestion, suggest
from fengqiao.lib.identity import birth_date

REPEAT_WINDOW = timedelta(days=365)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def facts_for(case: Case) -> DisputeFacts:
    """What the suggestion reads: the text, people involved, days since reported, earlier
    disputes at the same address within a year, and the ages of parties with ID numbers."""
    now = timezone.now()
    today = timezone.localdate(now)
    earlier = 0
    if case.address:
        earlier = (
            Case.objects.filter(
                kind=CaseKind.DISPUTE,
                address=case.address,
                submitted_at__lt=case.submitted_at,
                submitted_at__gte=case.submitted_at - REPEAT_WINDOW,
            )
            .exclude(pk=case.pk)
            .count()
        )
    ages = []
    for party in case.parties.all():
        born = birth_date(party.id_number or "")
        if born is not None:
            ages.append(_age(born, today))
    return DisputeFacts(
        text=f"{case.title}\n{case.description}",
        people_involved=case.people_involved,
        days_open=max(0, (now - case.submitted_at).days),
        earlier_disputes=earlier,
        party_ages=tuple(ages),
    )


def suggest_for(case: Case) -> Suggestion:
    return suggest(facts_for(case))
