from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fengqiao.core"
    verbose_name = _("系统")

    def ready(self) -> None:
        # Importing the tasks module registers its periodic jobs.
        # A request that saves reference data through the ORM sees its own change.
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from fengqiao.core import tasks  # noqa: F401
        from fengqiao.core.generation import REFERENCE_MODELS, unpin

        for label in REFERENCE_MODELS:
            model = apps.get_model(label)
            post_save.connect(unpin, sender=model, dispatch_uid=f"generation-unpin-save-{label}")
            post_delete.connect(unpin, sender=model, dispatch_uid=f"generation-unpin-del-{label}")
