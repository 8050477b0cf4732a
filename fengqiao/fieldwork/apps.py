from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fengqiao.fieldwork"
    verbose_name = _("网格工作")
