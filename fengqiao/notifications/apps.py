from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "fengqiao.notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from fengqiao.notifications import tasks  # noqa: F401
