from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fengqiao.cases"
    verbose_name = _("事件")

    def ready(self) -> None:
        # Importing the tasks module registers the deadline sweep with the worker.
        from fengqiao.cases import tasks  # noqa: F401
