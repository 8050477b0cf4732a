"""Filters of the hazard register and the places list, shared by the pages and the API."""

from __future__ import annotations

import django_filters  # type: ignore[import-untyped]
from django.utils.translation import gettext_lazy as _

from fengqiao.hazards.choices import DeadlineState, HazardLevel, HazardStatus, HazardType, PlaceType
from fengqiao.hazards.models import Hazard, Place


class HazardFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=HazardStatus.choices)
    level = django_filters.ChoiceFilter(label=_("等级"), choices=HazardLevel.choices)
    hazard_type = django_filters.ChoiceFilter(label=_("类型"), choices=HazardType.choices)
    deadline_state = django_filters.ChoiceFilter(label=_("期限状态"), choices=DeadlineState.choices)
    place = django_filters.NumberFilter(label=_("场所"), field_name="place_id")
    found_after = django_filters.DateFilter(
        label=_("发现时间起"), field_name="found_at", lookup_expr="date__gte"
    )
    found_before = django_filters.DateFilter(
        label=_("发现时间止"), field_name="found_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Hazard
        fields: list[str] = []


class PlaceFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    place_type = django_filters.ChoiceFilter(label=_("类型"), choices=PlaceType.choices)
    closed = django_filters.BooleanFilter(label=_("已关闭"))
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")

    class Meta:
        model = Place
        fields: list[str] = []
