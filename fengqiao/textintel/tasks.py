"""Background jobs of the textintel app: keeping the category model trained (see retraining)
and scoring new replies for case review (see review)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django_tasks import task

from fengqiao.core.jobs import register_periodic
from fengqiao.textintel.retraining import CHECK_EVERY


@task()
def retrain_category_model() -> dict[str, Any]:
    from fengqiao.textintel.retraining import retrain_if_due

    return asdict(retrain_if_due())


# Frequent and cheap (a file header) so a new deployment or the demo gets its first model soon
# after enough cases are closed; the weekly retrain is decided by the model's age.
register_periodic("textintel.retrain_category_model", CHECK_EVERY, retrain_category_model)


# How often new replies are scored, and how far back each run looks (a run that was missed, or
# a case resolved again, is caught by the next one; the review page scores anything left).
SCORE_REPLIES_EVERY = timedelta(minutes=30)
SCORE_REPLIES_BACK = timedelta(days=2)


@task()
def score_replies() -> int:
    """Score the replies of cases resolved lately, so that the review page only reads."""
    from django.utils import timezone

    from fengqiao.cases.models import Case
    from fengqiao.textintel.review import ensure_reviews

    since = timezone.now() - SCORE_REPLIES_BACK
    return ensure_reviews(Case.objects.filter(resolved_at__gte=since))


register_periodic("textintel.score_replies", SCORE_REPLIES_EVERY, score_replies)
