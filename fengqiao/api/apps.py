from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "fengqiao.api"
    verbose_name = _("接口")

    def ready(self) -> None:
        # Importing the tasks module registers the idempotency-record cleanup with the worker.
        from fengqiao.api import tasks  # noqa: F401
