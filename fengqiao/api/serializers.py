"""What the API reads and writes. Input serializers only check shape, like the HTML forms;
the rules live in ``cases.actions`` and ``cases.intake``. Every input serializer refuses
fields it does not know, so a misspelt field is an error rather than silently ignored.
Personal data (reporter's name and phone) is masked as on the case page.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from fengqiao.accounts.models import Unit
from fengqiao.cases.choices import Card
from fengqiao.cases.models import Attachment, Case, CaseEvent, Category
from fengqiao.lib.masking import mask_name, mask_phone
from fengqiao.regions.locator import CRS_CHOICES
from fengqiao.regions.models import Region
from fengqiao.textintel.replyquality import Element

# Fields that hold other fields (bound to them as their parent): copied deeply, never shared.
WITH_CHILDREN = (
    serializers.BaseSerializer,
    serializers.ManyRelatedField,
    serializers.ListField,
    serializers.DictField,
)


def copy_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Fresh, unbound copies of a serializer's fields, cheaper than DRF's deep copy.

    A plain field is copied shallowly: binding it to a serializer only sets attributes on the
    copy (name, parent, source), and DRF's deep copy, which calls each field's ``__init__``
    again, cost more than the rest of a response. Fields with children of their own (nested
    serializers, lists) are deep-copied, so that no child keeps a parent of an earlier request.
    """
    return {
        name: copy.deepcopy(field) if isinstance(field, WITH_CHILDREN) else copy.copy(field)
        for name, field in fields.items()
    }


class StrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A serializer that rejects unknown fields with a 400 naming them (fields copied by
    ``copy_fields``)."""

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        return copy_fields(self._declared_fields)

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [_("未知字段。")] for key in unknown})
        return super().to_internal_value(data)


# --- output -------------------------------------------------------------------------------


class OutputSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A ModelSerializer that works out its fields from the model once per class.

    DRF rebuilds a ModelSerializer's fields from the model's metadata for every instance (every
    request), which cost a case response more than a millisecond. Here the first instance of
    each class keeps the fields it built, and every instance gets copies of them
    (``copy_fields``), unbound, as DRF gives them. Only for serializers whose fields depend on
    nothing but the class (no ``depth``, no fields chosen from the context or the request).
    """

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        cls = type(self)
        built = cls.__dict__.get("_fields_built")  # this class's own, not a parent's
        if built is None:
            built = super().get_fields()
            cls._fields_built = built  # type: ignore[attr-defined]
        return copy_fields(built)


class CaseSerializer(OutputSerializer):
    status_display = serializers.CharField(source="get_status_display")
    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category_name = serializers.CharField(source="category.__str__")
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    current_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    current_unit_name = serializers.CharField(source="current_unit.name")
    merged_into: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "description",
            "kind",
            "category",
            "category_name",
            "status",
            "status_display",
            "priority",
            "channel",
            "occurred_at",
            "lon",
            "lat",
            "address",
            "region",
            "current_unit",
            "current_unit_name",
            "current_tier",
            "people_involved",
            "anonymous",
            "reporter_name",
            "reporter_phone",
            "submitted_at",
            "accepted_at",
            "due_at",
            "deadline_state",
            "resolve_due_at",
            "resolved_at",
            "closed_at",
            "outcome",
            "escalations",
            "merged_into",
        ]
        read_only_fields = fields

    def get_reporter_name(self, case: Case) -> str:
        return mask_name(case.reporter_name or "")

    def get_reporter_phone(self, case: Case) -> str:
        return mask_phone(case.reporter_phone or "")


# One bound CaseSerializer per thread, for single cases (the create response): its
# representation depends on nothing but the case, and binding its thirty fields anew cost about
# as much as rendering them.
_bound = threading.local()


def case_data(case: Case) -> dict[str, Any]:
    """``CaseSerializer(case).data``, without building the serializer for every response."""
    serializer = getattr(_bound, "case", None)
    if serializer is None:
        serializer = _bound.case = CaseSerializer()
    return dict(serializer.to_representation(case))


class CaseDetailSerializer(CaseSerializer):
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, case: Case) -> list[str]:
        return list(self.context.get("allowed_actions", []))


class EventSerializer(OutputSerializer):
    action_display = serializers.CharField(source="get_action_display")
    # The note in the request's language: a note the system wrote is translated (core.notes);
    # ``note`` is the stored text, in the site's language.
    note_display = serializers.CharField(source="shown_note")
    actor_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    from_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    to_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "action_display",
            "actor_unit",
            "from_status",
            "to_status",
            "from_unit",
            "to_unit",
            "note",
            "note_display",
            "data",
            "public",
            "created_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "kind", "size", "created_at"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )  # type: ignore[assignment]

    class Meta:
        model = Category
        fields = ["code", "name", "parent", "kind", "priority", "description", "is_active"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "point_lon", "point_lat"]
        read_only_fields = fields


class RegionDetailSerializer(RegionSerializer):
    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "boundary"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )  # type: ignore[assignment]

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "tier", "jurisdiction", "parent", "is_active"]
        read_only_fields = fields


ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        )
    },
)


# The case measures report (``GET /api/v1/cases/measures/``): built as plain data by
# ``api.views.measures_data``; these classes describe it in the schema.
class MeasureRateOut(serializers.Serializer):  # type: ignore[type-arg]
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)


class MeasuresOut(serializers.Serializer):  # type: ignore[type-arg]
    immediate_handling_rate = MeasureRateOut()
    on_time_resolution_rate = MeasureRateOut()
    resolution_by_tier = serializers.DictField(child=MeasureRateOut())
    satisfaction_rate = MeasureRateOut()
    follow_up_rate = MeasureRateOut()
    average_handling_hours = serializers.FloatField(allow_null=True)


class NamedOut(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()


class MeasuresUnitOut(NamedOut):
    tier = serializers.CharField()


class UnitMeasuresOut(serializers.Serializer):  # type: ignore[type-arg]
    rank = serializers.IntegerField(allow_null=True)
    unit = MeasuresUnitOut(allow_null=True)
    measures = MeasuresOut()


class HeadlineRatesOut(serializers.Serializer):  # type: ignore[type-arg]
    immediate_handling_rate = MeasureRateOut()
    on_time_resolution_rate = MeasureRateOut()
    satisfaction_rate = MeasureRateOut()


class MonthMeasuresOut(serializers.Serializer):  # type: ignore[type-arg]
    month = serializers.CharField()
    measures = HeadlineRatesOut()


class CaseMeasuresOut(serializers.Serializer):  # type: ignore[type-arg]
    month = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    region = NamedOut(allow_null=True)
    category = NamedOut(allow_null=True)
    rank = serializers.CharField()
    summary = MeasuresOut()
    units = UnitMeasuresOut(many=True)
    trend = MonthMeasuresOut(many=True)


# The reply reviews (``GET /api/v1/cases/review/``), built by ``api.views.review_data``.
class ReplyReviewOut(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.CharField()
    title = serializers.CharField()
    resolved_unit = serializers.CharField(allow_null=True, help_text="办结单位编码")
    resolved_at = serializers.DateTimeField()
    days = serializers.FloatField(allow_null=True, help_text="从上报到办结的天数")
    overall = serializers.FloatField(help_text="总分，0 到 1")
    relevance = serializers.FloatField()
    completeness = serializers.FloatField()
    timeliness = serializers.FloatField(allow_null=True)
    missing = serializers.ListField(
        child=serializers.ChoiceField(choices=[str(element) for element in Element])
    )


class ReplyReviewPageOut(serializers.Serializer):  # type: ignore[type-arg]
    month = serializers.CharField()
    region = NamedOut(allow_null=True)
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text="平均总分，0 到 1")
    weak = serializers.IntegerField(help_text="总分低于 0.3 的件数")
    lacking = serializers.DictField(child=serializers.IntegerField(), help_text="缺少各要素的件数")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = ReplyReviewOut(many=True)


# --- input --------------------------------------------------------------------------------


class CaseCreateSerializer(StrictSerializer):
    """A new report (上报). Give a point (lon, lat) or a region code."""

    category = serializers.CharField(max_length=40, help_text="事件小类编码，见 /categories/")
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=5000)
    occurred_at = serializers.DateTimeField(help_text="ISO 8601，须带时区")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=list(CRS_CHOICES), default="wgs84")
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    people_involved = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    anonymous = serializers.BooleanField(default=False)
    reporter_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    reporter_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


def _note(required: bool = False, max_length: int = 1000) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length)
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


def _unit_field() -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(is_active=True), help_text="单位编码"
    )


class NoteInput(StrictSerializer):
    note = _note()


class ReasonInput(StrictSerializer):
    reason = _note(required=True, max_length=500)


class EmptyInput(StrictSerializer):
    pass


class DispatchInput(StrictSerializer):
    to_unit = _unit_field()
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = _note()


class AssignDownInput(StrictSerializer):
    to_unit = _unit_field()
    note = _note()


class ProgressInput(StrictSerializer):
    note = _note(required=True, max_length=2000)


class ResolveInput(StrictSerializer):
    outcome = _note(required=True, max_length=5000)


class ExtensionInput(StrictSerializer):
    days = serializers.IntegerField(min_value=1, max_value=60)
    reason = _note(required=True, max_length=500)


class DecideExtensionInput(StrictSerializer):
    approve = serializers.BooleanField()
    note = _note()


class VerifyInput(StrictSerializer):
    passed = serializers.BooleanField()
    note = _note()


class FollowUpInput(StrictSerializer):
    satisfied = serializers.BooleanField()
    note = _note(required=True)


class MergeInput(StrictSerializer):
    into = serializers.CharField(max_length=20, help_text="并入的事件编号")
    note = _note()


class SuperviseInput(StrictSerializer):
    card = serializers.ChoiceField(choices=Card.choices)
    note = _note(required=True)


class AttachmentInput(StrictSerializer):
    file = serializers.FileField()
