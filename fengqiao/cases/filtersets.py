"""Filtering case lists (事件筛选): one ``CaseFilterSet`` for the workbench, the API and exports.

Every filter takes text as it arrives in a query string (codes, ISO dates), so a URL, an API
call and a command line all say the same thing. A value that cannot be used (an unknown status
or code, a malformed date) is a form error, never an exception or a silently ignored filter.

The filterset never widens what a caller may see: callers pass a queryset already narrowed by
``scope_for(user).filter(Case.objects.all(), region_path="region_path", unit="current_unit")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit
from fengqiao.cases import search
from fengqiao.cases.choices import CaseKind, Channel, DeadlineState, Status
from fengqiao.cases.models import Case, Category
from fengqiao.regions.models import Region


def local_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the district's time zone (Asia/Shanghai), aware."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


class CaseFilterForm(forms.Form):
    """Checks what no single filter can: the date range is not reversed."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("submitted_after"), data.get("submitted_before")
        if after and before and after > before:
            raise forms.ValidationError(_("上报日期的开始日期不能晚于结束日期。"))
        return data


class RegionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Accepts any region code, but offers only the district, streets and communities: a
    select of every grid would be thousands of options on each list page."""

    def _get_choices(self) -> list[tuple[str, str]]:
        offered = self.queryset.exclude(level="grid").only("code", "name")  # type: ignore[union-attr]
        return [("", "---------"), *((r.code, str(r)) for r in offered)]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)  # type: ignore[union-attr]


class RegionFilter(django_filters.ModelChoiceFilter):  # type: ignore[misc]
    field_class = RegionField


class CaseFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """Filters over cases; every one is optional and they combine with AND.

    ``q`` is a case-insensitive substring search over number, title, description and address,
    served on PostgreSQL by a bigram index (``cases.search``).
    """

    # distinct=False: a status list is a plain IN, and DISTINCT over every column is costly.
    status = django_filters.MultipleChoiceFilter(
        label=_("状态"), choices=Status.choices, distinct=False
    )
    kind = django_filters.ChoiceFilter(label=_("事件类型"), choices=CaseKind.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("类别"),
        queryset=Category.objects.select_related("parent"),
        to_field_name="code",
        method="filter_category",
    )
    region = RegionFilter(
        label=_("区域"),
        queryset=Region.objects.all(),
        to_field_name="code",
        method="filter_region",
    )
    current_unit = django_filters.ModelChoiceFilter(
        label=_("当前承办单位"), queryset=Unit.objects.all(), to_field_name="code"
    )
    deadline_state = django_filters.ChoiceFilter(label=_("期限状态"), choices=DeadlineState.choices)
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    submitted_after = django_filters.DateFilter(
        label=_("上报日期起"), method="filter_submitted_after"
    )
    submitted_before = django_filters.DateFilter(
        label=_("上报日期止"), method="filter_submitted_before"
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q", max_length=100)

    class Meta:
        model = Case
        fields: list[str] = []
        form = CaseFilterForm

    def filter_category(self, queryset: QuerySet[Case], name: str, value: Category) -> Any:
        """A 小类 matches itself; a 大类 matches its own cases and all its 小类."""
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_region(self, queryset: QuerySet[Case], name: str, value: Region) -> Any:
        """The region and everything under it, by the path copied onto each case (no join)."""
        return queryset.filter(region_path__startswith=value.path)

    def filter_submitted_after(self, queryset: QuerySet[Case], name: str, value: date) -> Any:
        return queryset.filter(submitted_at__gte=local_day_start(value))

    def filter_submitted_before(self, queryset: QuerySet[Case], name: str, value: date) -> Any:
        # Inclusive: everything before the next local midnight.
        return queryset.filter(submitted_at__lt=local_day_start(value + timedelta(days=1)))

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> Any:
        text = value.strip()
        if not text:
            return queryset
        return search.matching(queryset, text)


def _as_multi_value(params: Mapping[str, Any]) -> MultiValueDict[str, Any]:
    """Accept a QueryDict as is, or a plain mapping whose values are single values or lists."""
    if isinstance(params, MultiValueDict):
        return params
    return MultiValueDict(
        {
            key: list(value) if isinstance(value, list | tuple) else [value]
            for key, value in params.items()
            if value is not None
        }
    )


def filter_cases(params: Mapping[str, Any], queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Apply ``CaseFilterSet`` to an already scoped queryset; raise ``ValueError`` if invalid.

    The error message joins the form errors as "字段: 错误" pairs. Validating a code filter
    costs one query each (category, region, unit); the result is a lazy queryset.
    """
    filterset = CaseFilterSet(_as_multi_value(params), queryset=queryset)
    if not filterset.is_valid():
        raise ValueError(error_text(filterset))
    result: QuerySet[Case] = filterset.qs
    return result


def error_text(filterset: CaseFilterSet) -> str:
    """The filterset's form errors in one line, each prefixed by its parameter name."""
    parts: list[str] = []
    for field, messages in filterset.errors.items():
        prefix = "" if field == NON_FIELD_ERRORS else f"{field}: "
        parts.extend(f"{prefix}{message}" for message in messages)
    return "; ".join(parts)
