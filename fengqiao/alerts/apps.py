from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "fengqiao.alerts"
    verbose_name = _("研判预警")

    def ready(self) -> None:
        # Importing the tasks module registers the detectors with the worker.
        from fengqiao.alerts import tasks  # noqa: F401
