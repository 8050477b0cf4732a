"""State changes of the textintel app: recording a category suggestion and staff's choice."""

from __future__ import annotations

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.textintel.models import CategorySuggestion
from fengqiao.textintel.suggestions import CategoryHint


def record_suggestion(case: Case, hint: CategoryHint, *, by: User | None) -> CategorySuggestion:
    """Record the suggestion shown when ``case`` was entered and whether staff kept it (纠正).

    Call it in the case's transaction. Idempotent: a repeated submission of the same case (same
    submission key) returns the row already recorded.
    """
    row, _created = CategorySuggestion.objects.get_or_create(
        case=case,
        defaults={
            "suggested_category": hint.category,
            "confidence": hint.confidence,
            "model_version": hint.model_version[:64],
            "chosen_category_id": case.category_id,
            "accepted": case.category_id == hint.category.pk,
            "by": by,
        },
    )
    return row
