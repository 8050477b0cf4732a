from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "fengqiao.mediation"
    verbose_name = _("多元化解")

    def ready(self) -> None:
        # Importing the tasks module registers the performance reminders with the worker.
        from fengqiao.mediation import tasks  # noqa: F401
