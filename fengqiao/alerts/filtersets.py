"""Filtering alert lists (预警筛选), shared by the workbench pages and the API.

Callers pass a queryset already narrowed by ``Alert.objects.visible_to(user)``; the filters
never widen it. An unusable value (unknown level, malformed date) is a form error.
"""

from __future__ import annotations

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.alerts.models import OPEN_ALERT_STATUSES, Alert, AlertStatus, Detector, Level
from fengqiao.cases.filtersets import RegionFilter, local_day_start
from fengqiao.regions.models import Region


class AlertFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    state = django_filters.ChoiceFilter(
        label=_("范围"),
        choices=[("open", _("未关闭")), ("all", _("全部"))],
        method="filter_state",
        empty_label=None,
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AlertStatus.choices)
    level = django_filters.ChoiceFilter(label=_("预警等级"), choices=Level.choices)
    detector = django_filters.ChoiceFilter(label=_("预警类型"), choices=Detector.choices)
    region = RegionFilter(
        label=_("区域"),
        queryset=Region.objects.all(),
        to_field_name="code",
        method="filter_region",
    )
    raised_after = django_filters.DateFilter(
        label=_("预警日期从"), field_name="raised_at", method="filter_after"
    )
    raised_before = django_filters.DateFilter(
        label=_("预警日期到"), field_name="raised_at", method="filter_before"
    )

    class Meta:
        model = Alert
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Alert], name: str, value: Any) -> QuerySet[Alert]:
        return queryset if value == "all" else queryset.filter(status__in=OPEN_ALERT_STATUSES)

    def filter_region(self, queryset: QuerySet[Alert], name: str, value: Any) -> QuerySet[Alert]:
        return queryset.filter(region_path__startswith=value.path) if value else queryset

    def filter_after(self, queryset: QuerySet[Alert], name: str, value: Any) -> QuerySet[Alert]:
        return queryset.filter(raised_at__gte=local_day_start(value))

    def filter_before(self, queryset: QuerySet[Alert], name: str, value: Any) -> QuerySet[Alert]:
        from datetime import timedelta

        return queryset.filter(raised_at__lt=local_day_start(value + timedelta(days=1)))

    @property
    def qs(self) -> QuerySet[Alert]:
        queryset: QuerySet[Alert] = super().qs
        # With no explicit state, show open alerts: what needs someone's attention.
        if not self.data.get("state") and not self.data.get("status"):
            queryset = queryset.filter(status__in=OPEN_ALERT_STATUSES)
        return queryset
