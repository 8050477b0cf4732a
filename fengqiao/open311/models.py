"""Open311 services: which 事件小类 a GeoReport v2 client may report, under which code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Category


class ServiceMapping(models.Model):
    service_code = models.SlugField(_("服务编码"), max_length=40, unique=True)
    name = models.CharField(_("服务名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("事件小类"),
        on_delete=models.PROTECT,
        related_name="open311_services",
        limit_choices_to={"parent__isnull": False},
    )
    group = models.CharField(_("分组"), max_length=50, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Open311's request list is public. Disputes, petitions and emergencies concern people's
    # private matters, so only requests/complaints and hazards are listed by default.
    public = models.BooleanField(
        _("公开列出"), default=False, help_text=_("在公开的事件列表（GET requests）中显示。")
    )

    class Meta:
        verbose_name = _("Open311 服务")
        verbose_name_plural = _("Open311 服务")
        ordering = ["service_code"]

    def __str__(self) -> str:
        return f"{self.service_code} {self.name}"


class ServiceAttribute(models.Model):
    """An extra question a service asks (GeoReport v2 "service definition" attribute).

    A client sends the answer as ``attribute[code]=value`` (``attribute[code][]=...`` for a
    multi-value list). Answers are added to the case description under 补充信息 so that staff
    see them; the code ``people_involved`` (a number) also sets the case's 涉及人数.
    """

    class Datatype(models.TextChoices):
        STRING = "string", _("短文本")
        NUMBER = "number", _("数字")
        DATETIME = "datetime", _("日期时间")
        TEXT = "text", _("长文本")
        SINGLE = "singlevaluelist", _("单选")
        MULTI = "multivaluelist", _("多选")

    service = models.ForeignKey(
        ServiceMapping,
        verbose_name=_("服务"),
        on_delete=models.CASCADE,
        related_name="attributes",
    )
    code = models.SlugField(_("属性编码"), max_length=40)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    datatype = models.CharField(
        _("数据类型"), max_length=16, choices=Datatype.choices, default=Datatype.STRING
    )
    required = models.BooleanField(_("必填"), default=False)
    description = models.CharField(_("问题"), max_length=200)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    values = models.JSONField(
        _("选项"),
        default=list,
        blank=True,
        help_text=_('单选、多选的选项，例如 [{"key": "night", "name": "夜间"}]。'),
    )

    class Meta:
        verbose_name = _("Open311 服务属性")
        verbose_name_plural = _("Open311 服务属性")
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="open311_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def keys(self) -> dict[str, str]:
        return {str(v["key"]): str(v["name"]) for v in self.values}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.is_list:
            if self.values:
                raise ValidationError({"values": _("只有单选、多选属性才有选项。")})
            return
        well_formed = isinstance(self.values, list) and all(
            isinstance(v, dict) and set(v) == {"key", "name"} and str(v["key"]) and str(v["name"])
            for v in self.values
        )
        if not well_formed or not self.values:
            raise ValidationError(
                {"values": _('选项须为非空列表，每项形如 {"key": "编码", "name": "名称"}。')}
            )
        if len({str(v["key"]) for v in self.values}) != len(self.values):
            raise ValidationError({"values": _("选项编码不能重复。")})


PUBLIC_KINDS = frozenset({"request", "hazard"})


def seed() -> int:
    """One service per active 小类 that has none yet; never touches existing (edited) rows."""
    have = set(ServiceMapping.objects.values_list("category_id", flat=True))
    taken = set(ServiceMapping.objects.values_list("service_code", flat=True))
    new = []
    leaves = Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
    for category in leaves:
        if category.pk in have or category.code in taken:
            continue
        new.append(
            ServiceMapping(
                service_code=category.code,
                name=category.name,
                description=category.description[:200],
                category=category,
                group=category.parent.name if category.parent else "",
                public=category.kind in PUBLIC_KINDS,
            )
        )
    ServiceMapping.objects.bulk_create(new)
    return len(new)


def add_demo_attributes() -> None:
    """The demo's example of a service definition: 噪音扰民 asks when and how many people."""
    service = ServiceMapping.objects.filter(service_code="request-noise").first()
    if service is None:
        return
    ServiceAttribute.objects.get_or_create(
        service=service,
        code="period",
        defaults={
            "order": 1,
            "datatype": ServiceAttribute.Datatype.MULTI,
            "required": True,
            "description": "噪音出现的时段",
            "values": [
                {"key": "day", "name": "白天（6—22 时）"},
                {"key": "night", "name": "夜间（22—6 时）"},
            ],
        },
    )
    ServiceAttribute.objects.get_or_create(
        service=service,
        code="people_involved",
        defaults={
            "order": 2,
            "datatype": ServiceAttribute.Datatype.NUMBER,
            "description": "受影响的住户数",
            "datatype_description": "整数",
        },
    )
