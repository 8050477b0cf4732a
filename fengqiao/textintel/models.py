"""What the category suggestion (类别建议) proposed at intake and what staff chose.

One row per case entered with a suggestion on screen. ``accepted`` is whether the category the
case was registered under is the suggested one; a correction (纠正) is a row with
``accepted=False``. The rows measure the suggestion in use (``measures.suggestion_acceptance``)
and show which categories the model confuses; the next retrain learns from the closed cases
themselves, not from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CategorySuggestion(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("事件"),
        on_delete=models.PROTECT,
        related_name="category_suggestions",
    )
    suggested_category = models.ForeignKey(
        "cases.Category", verbose_name=_("建议类别"), on_delete=models.PROTECT, related_name="+"
    )
    confidence = models.FloatField(_("置信度"))
    model_version = models.CharField(_("模型版本"), max_length=64)
    chosen_category = models.ForeignKey(
        "cases.Category", verbose_name=_("登记类别"), on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("采纳建议"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("类别建议记录")
        verbose_name_plural = _("类别建议记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A case is entered once; a repeated submission (same submission key) adds nothing.
            models.UniqueConstraint(fields=["case"], name="categorysuggestion_one_per_case"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0) & models.Q(confidence__lte=1),
                name="categorysuggestion_confidence_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.suggested_category_id} → {self.chosen_category_id}"


class ReplyReview(models.Model):
    """答复质量: the reply-quality score (``textintel.replyquality``) of a case's outcome (办理结果,
    the reply the reporter is given) against its report, as of one resolution.

    Derived data, kept so that the case review (评查) page can list a month's replies weakest
    first; ``textintel.review.ensure_reviews`` writes it for cases that have none or whose
    ``resolved_at`` has moved since (a reopened case resolved again has a new reply)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE, related_name="reply_review"
    )
    resolved_at = models.DateTimeField(_("办结时间"))
    overall = models.FloatField(_("总分"))
    relevance = models.FloatField(_("相关性"))
    completeness = models.FloatField(_("完整性"))
    timeliness = models.FloatField(_("及时性"), null=True, blank=True)
    days = models.FloatField(_("用时（天）"), null=True, blank=True)
    # The elements not found, as ",basis,time_limit," (keys of replyquality.Element between
    # commas), so that "lacks X" is one LIKE on every database.
    missing = models.CharField(_("缺少的要素"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("答复质量")
        verbose_name_plural = _("答复质量")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.overall:.2f}"

    @property
    def missing_keys(self) -> list[str]:
        return [key for key in self.missing.split(",") if key]
