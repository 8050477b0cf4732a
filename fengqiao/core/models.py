"""Bookkeeping for the background worker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """When a periodic job (deadline sweep, warning scan, clean-up ...) is next due.

    Several workers may run at once: each claims a due job with a conditional UPDATE on
    ``next_run_at``, so exactly one of them enqueues it per period.
    """

    name = models.CharField(_("任务名"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("下次运行"))
    last_run_at = models.DateTimeField(_("上次运行"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name
