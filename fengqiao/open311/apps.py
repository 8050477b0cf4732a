from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "fengqiao.open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        # Seeded after every migrate and flush, like the taxonomy (see cases/apps.py).
        post_migrate.connect(seed_services, sender=self)


def seed_services(sender: AppConfig, **kwargs: Any) -> None:
    from fengqiao.open311.models import seed

    seed()
