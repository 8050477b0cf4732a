from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "fengqiao.hazards"
    verbose_name = _("风险隐患与排查")

    def ready(self) -> None:
        # Importing the tasks module registers the inspection and rectification jobs.
        from fengqiao.hazards import tasks  # noqa: F401
