"""How the category suggestion does in use (建议采纳率), from the intake records."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from fengqiao.cases.measures import Rate
from fengqiao.textintel.models import CategorySuggestion


def suggestion_acceptance(suggestions: QuerySet[CategorySuggestion]) -> Rate:
    """Suggestions staff kept over suggestions shown, for any selection of records (a period,
    a model version, a suggested category). ``value`` is None when none were shown. One query.
    """
    counts = suggestions.aggregate(shown=Count("pk"), kept=Count("pk", filter=Q(accepted=True)))
    shown, kept = int(counts["shown"]), int(counts["kept"])
    return Rate(kept, shown, kept / shown if shown else None)
