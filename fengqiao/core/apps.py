from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fengqiao.core"
    verbose_name = _("系统")

    def ready(self) -> None:
        # Importing the tasks module registers its periodic jobs.
        from fengqiao.core import tasks  # noqa: F401
