from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextintelConfig(AppConfig):
    name = "fengqiao.textintel"
    verbose_name = _("文本智能")
