from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextintelConfig(AppConfig):
    name = "fengqiao.textintel"
    verbose_name = _("文本智能")

    def ready(self) -> None:
        # Importing the tasks module registers the weekly retrain with the worker.
        from fengqiao.textintel import tasks  # noqa: F401
