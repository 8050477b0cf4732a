from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fengqiao.cases"
    verbose_name = _("事件")

    def ready(self) -> None:
        # Importing the tasks module registers the deadline sweep with the worker.
        from fengqiao.cases import tasks  # noqa: F401

        # The taxonomy is seeded after every migrate and flush (a data migration would not
        # survive `flush`, which `fengqiao demo --reset` and transactional tests run).
        post_migrate.connect(seed_taxonomy, sender=self)


def seed_taxonomy(sender: AppConfig, **kwargs: Any) -> None:
    from fengqiao.cases.models import Category
    from fengqiao.cases.taxonomy import seed

    seed(Category)
