"""Background jobs of the textintel app: keeping the category model trained (see retraining)."""

from __future__ import annotations

from dataclasses import asdict
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
