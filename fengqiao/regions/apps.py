from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "fengqiao.regions"
    verbose_name = _("行政区划与网格")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from fengqiao.regions.models import Region

        # A region saved or deleted one by one (the admin, a script) is seen by this process's
        # locator on its next call, even inside the transaction; other processes see it once it
        # commits, through the reference-data stamp (regions.locator).
        post_save.connect(_forget_grids, sender=Region, dispatch_uid="regions-locator-save")
        post_delete.connect(_forget_grids, sender=Region, dispatch_uid="regions-locator-delete")


def _forget_grids(**kwargs: object) -> None:
    from fengqiao.regions import locator

    locator.forget()
