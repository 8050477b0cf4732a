"""The prevention API under /api/v1/hazards/ (docs/api.md style): places, the hazard register
and its actions, inspection tasks and records, and the measures.

Lookups go through ``visible_to`` (out of scope is a 404); writes through ``hazards.actions``,
``hazards.inspections`` and ``hazards.projects``; errors use the API's one format (their
``FieldError`` becomes 400 ``invalid_input`` with the field named). POSTs honour
``Idempotency-Key``. Contacts are masked as on the pages.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, time
from typing import Any, cast

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.accounts.models import Unit, User
from fengqiao.api import idempotency
from fengqiao.api.errors import ApiError
from fengqiao.api.pagination import PAGE_PARAMETERS, StrictPagination
from fengqiao.api.serializers import StrictSerializer
from fengqiao.api.views import errors
from fengqiao.cases.errors import CaseError
from fengqiao.hazards import actions, inspections, permissions, projects
from fengqiao.hazards.choices import (
    Answer,
    HazardLevel,
    HazardSource,
    HazardType,
    PlaceType,
    TaskStatus,
)
from fengqiao.hazards.filtersets import HazardFilterSet, PlaceFilterSet
from fengqiao.hazards.measures import inspection_measures
from fengqiao.hazards.models import Hazard, HazardEvent, InspectionRecord, InspectionTask, Place
from fengqiao.lib.masking import mask_name, mask_phone

PK = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)
TAGS = ["hazards"]
MAX_PHOTO_BASE64 = 14 * 1024 * 1024


class Page(StrictPagination):
    """The prevention lists' pages (see ``api.pagination``)."""


def paged(name: str, serializer: type[serializers.Serializer]) -> Any:  # type: ignore[type-arg]
    """The schema of one page of a list: count, links and the results."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


def _field_error(exc: CaseError) -> ApiError:
    from fengqiao.api.errors import from_case_error

    error = from_case_error(exc)
    field = getattr(exc, "field", None)
    if field:
        error.fields = {field: [exc.message]}
    return error


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors (a finding's photo ...) as ``{"findings.0.photos.1.content":
    [...]}``, the API's one error format, where every field maps to a list of messages."""
    found: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            found.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        found[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                found.update(flatten(value, f"{prefix}.{index}"))
    else:
        found[prefix or "non_field_errors"] = [str(errors)]
    return found


def validated(serializer: serializers.Serializer) -> dict[str, Any]:  # type: ignore[type-arg]
    if not serializer.is_valid():
        raise ApiError(
            400, "invalid_input", _("请求数据有误，请检查各字段。"), flatten(serializer.errors)
        )
    return dict(serializer.validated_data)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise ApiError(
            400,
            "invalid_input",
            _("未知的单位：%(c)s") % {"c": code},
            {"responsible_unit": [_("未知的单位。")]},
        )
    return unit


# --- serializers ---------------------------------------------------------------------------


class PlaceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    grid = serializers.CharField(source="grid.code")
    responsible_unit = serializers.CharField(source="responsible_unit.code", allow_null=True)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "place_type",
            "name",
            "address",
            "lon",
            "lat",
            "grid",
            "responsible_unit",
            "contact_name",
            "contact_phone",
            "owner",
            "contractor",
            "closed",
        ]

    def get_contact_name(self, obj: Place) -> str:
        return mask_name(obj.contact_name or "")

    def get_contact_phone(self, obj: Place) -> str:
        return mask_phone(obj.contact_phone or "")


class PlaceInput(StrictSerializer):
    place_type = serializers.ChoiceField(choices=PlaceType.choices)
    name = serializers.CharField(max_length=100)
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    address = serializers.CharField(max_length=200, required=False, default="")
    responsible_unit = serializers.CharField(required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=50, required=False, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, default="")
    owner = serializers.CharField(max_length=100, required=False, default="")
    owner_contact = serializers.CharField(max_length=50, required=False, default="")
    owner_phone = serializers.CharField(max_length=20, required=False, default="")
    contractor = serializers.CharField(max_length=100, required=False, default="")


class HazardSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    status_display = serializers.CharField(source="get_status_display")
    region = serializers.CharField(source="region.code")
    responsible_unit = serializers.CharField(source="responsible_unit.code")
    case = serializers.CharField(source="case.number", allow_null=True)
    raised_case = serializers.CharField(source="raised_case.number", allow_null=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "hazard_type",
            "level",
            "title",
            "description",
            "place",
            "lon",
            "lat",
            "address",
            "region",
            "source",
            "case",
            "raised_case",
            "inspection",
            "responsible_unit",
            "responsible_person",
            "measures",
            "found_at",
            "due_at",
            "deadline_state",
            "status",
            "status_display",
            "rectified_at",
            "verified_at",
            "closed_at",
        ]


class HazardEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor = serializers.CharField(source="actor.__str__", allow_null=True)
    note_display = serializers.CharField(source="shown_note")  # in the request's language

    class Meta:
        model = HazardEvent
        fields = [
            "action",
            "actor",
            "from_status",
            "to_status",
            "note",
            "note_display",
            "created_at",
        ]


class HazardDetailSerializer(HazardSerializer):
    allowed_actions = serializers.SerializerMethodField()
    timeline = HazardEventSerializer(source="events", many=True)

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "allowed_actions", "timeline"]

    def get_allowed_actions(self, obj: Hazard) -> list[str]:
        return [n for n in self.context.get("allowed_actions", []) if n in HAZARD_ACTIONS]


class HazardPhotoInput(StrictSerializer):
    filename = serializers.CharField(max_length=100)
    content = serializers.CharField(help_text="Base64", max_length=MAX_PHOTO_BASE64)


def _photos(items: list[dict[str, str]]) -> list[tuple[bytes, str]]:
    result = []
    for item in items:
        try:
            result.append((base64.b64decode(item["content"], validate=True), item["filename"]))
        except (binascii.Error, ValueError) as exc:
            raise ApiError(
                400,
                "invalid_input",
                _("照片须为 Base64 编码。"),
                {"photos": [_("照片须为 Base64 编码。")]},
            ) from exc
    return result


class HazardInput(StrictSerializer):
    hazard_type = serializers.ChoiceField(choices=HazardType.choices)
    level = serializers.ChoiceField(choices=HazardLevel.choices)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=5000)
    responsible_unit = serializers.CharField(help_text="单位编码")
    measures = serializers.CharField(max_length=2000)
    deadline_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.IntegerField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=200, required=False, default="")
    responsible_person = serializers.CharField(max_length=50, required=False, default="")
    responsible_phone = serializers.CharField(max_length=20, required=False, default="")
    photos = HazardPhotoInput(many=True, required=False, default=list)


class HazardNoteInput(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class HazardRectifiedInput(StrictSerializer):
    note = serializers.CharField(max_length=2000)
    photos = HazardPhotoInput(many=True, required=False, default=list)


class HazardVerifyInput(HazardNoteInput):
    passed = serializers.BooleanField()


class HazardEscalateInput(StrictSerializer):
    to_unit = serializers.CharField(help_text="单位编码")
    note = serializers.CharField(max_length=2000)


class HazardRaiseCaseInput(HazardNoteInput):
    category = serializers.CharField(help_text="事件小类编码")


def _do_start(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.start_rectification(h, by=u, note=d["note"])


def _do_rectified(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.report_rectified(h, by=u, note=d["note"], photos=_photos(d["photos"]))


def _do_verify(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.verify(h, by=u, passed=d["passed"], note=d["note"])


def _do_close(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.close(h, by=u, note=d["note"])


def _do_escalate(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.escalate(h, by=u, to_unit=_unit(d["to_unit"]), note=d["note"])


def _do_raise_case(h: Hazard, u: User, d: dict[str, Any]) -> Any:
    return actions.raise_case(h, by=u, category=d["category"], note=d["note"])


HAZARD_ACTIONS: dict[str, tuple[type[serializers.Serializer], Any]] = {  # type: ignore[type-arg]
    "start": (HazardNoteInput, _do_start),
    "rectified": (HazardRectifiedInput, _do_rectified),
    "verify": (HazardVerifyInput, _do_verify),
    "close": (HazardNoteInput, _do_close),
    "escalate": (HazardEscalateInput, _do_escalate),
    "raise_case": (HazardRaiseCaseInput, _do_raise_case),
}


class InspectionTaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    plan = serializers.CharField(source="plan.name")
    checklist = serializers.ListField(source="plan.checklist", child=serializers.CharField())
    grid = serializers.CharField(source="grid.code")

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "plan",
            "checklist",
            "place",
            "grid",
            "scheduled_for",
            "due_at",
            "status",
            "overdue",
            "completed_at",
        ]


class InspectionAnswerInput(StrictSerializer):
    answer = serializers.ChoiceField(choices=Answer.choices)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class InspectionFindingInput(StrictSerializer):
    hazard_type = serializers.ChoiceField(choices=HazardType.choices)
    level = serializers.ChoiceField(choices=HazardLevel.choices)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=5000)
    measures = serializers.CharField(max_length=2000)
    responsible_unit = serializers.CharField(help_text="单位编码")
    deadline_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    photos = HazardPhotoInput(many=True, required=False, default=list)


class InspectionInput(StrictSerializer):
    answers = serializers.DictField(
        child=InspectionAnswerInput(), help_text="检查项序号（从 0 起）→ 结果；每项必答"
    )
    notes = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    inspected_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    findings = InspectionFindingInput(many=True, required=False, default=list)


class InspectionRecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    findings: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = InspectionRecord
        fields = ["id", "task", "place", "inspected_at", "answers", "notes", "findings"]


# --- views ---------------------------------------------------------------------------------


class PlaceListView(APIView):
    @extend_schema(
        operation_id="hazards_places_list",
        summary="重点场所列表",
        parameters=[OpenApiParameter(n, OpenApiTypes.STR) for n in PlaceFilterSet.base_filters]
        + PAGE_PARAMETERS,
        responses={200: paged("PlacePage", PlaceSerializer), **errors(400, 401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        queryset = Place.objects.visible_to(request.user).select_related("grid", "responsible_unit")
        filterset = PlaceFilterSet(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise ApiError(400, "invalid_input", _("筛选条件有误。"), dict(filterset.errors))
        paginator = Page()
        page = paginator.paginate_queryset(filterset.qs.order_by("id"), request, view=self)
        return paginator.get_paginated_response(PlaceSerializer(page, many=True).data)

    @extend_schema(
        operation_id="hazards_places_create",
        summary="登记重点场所",
        request=PlaceInput,
        responses={201: PlaceSerializer, **errors(400, 401, 403, 409, 422, 429)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return idempotency.run(request, lambda: self.create(request))

    def create(self, request: Request) -> Response:
        serializer = PlaceInput(data=request.data)
        data = validated(serializer)
        code = data.pop("responsible_unit")
        try:
            place = actions.register_place(
                by=_user(request), responsible_unit=_unit(code) if code else None, **data
            )
        except CaseError as exc:
            raise _field_error(exc) from exc
        return Response(PlaceSerializer(place).data, status=201)


def _visible_hazard(request: Request, pk: int) -> Hazard:
    return get_object_or_404(
        Hazard.objects.visible_to(request.user).select_related(
            "region", "responsible_unit", "case", "raised_case"
        ),
        pk=pk,
    )


class HazardListView(APIView):
    @extend_schema(
        operation_id="hazards_list",
        summary="风险隐患台账",
        parameters=[OpenApiParameter(n, OpenApiTypes.STR) for n in HazardFilterSet.base_filters]
        + PAGE_PARAMETERS,
        responses={200: paged("HazardPage", HazardSerializer), **errors(400, 401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        queryset = Hazard.objects.visible_to(request.user).select_related(
            "region", "responsible_unit", "case", "raised_case"
        )
        filterset = HazardFilterSet(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise ApiError(400, "invalid_input", _("筛选条件有误。"), dict(filterset.errors))
        paginator = Page()
        page = paginator.paginate_queryset(filterset.qs.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(HazardSerializer(page, many=True).data)

    @extend_schema(
        operation_id="hazards_create",
        summary="登记隐患",
        request=HazardInput,
        responses={201: HazardSerializer, **errors(400, 401, 403, 409, 422, 429)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return idempotency.run(request, lambda: self.create(request))

    def create(self, request: Request) -> Response:
        serializer = HazardInput(data=request.data)
        data = validated(serializer)
        user = _user(request)
        place_id = data.pop("place")
        place = None
        if place_id is not None:
            place = Place.objects.visible_to(user).filter(pk=place_id).first()
            if place is None:
                raise ApiError(
                    400, "invalid_input", _("找不到该场所。"), {"place": [_("找不到该场所。")]}
                )
        try:
            hazard = actions.register_hazard(
                by=user,
                place=place,
                responsible_unit=_unit(data.pop("responsible_unit")),
                photos=_photos(data.pop("photos")),
                source=HazardSource.REPORT,
                **data,
            )
        except CaseError as exc:
            raise _field_error(exc) from exc
        return Response(HazardSerializer(hazard).data, status=201)


class HazardDetailView(APIView):
    @extend_schema(
        operation_id="hazards_retrieve",
        summary="隐患详情（含时间线和可做的动作）",
        parameters=[PK],
        responses={200: HazardDetailSerializer, **errors(401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        hazard = _visible_hazard(request, pk)
        names = permissions.allowed_actions(_user(request), hazard)
        return Response(HazardDetailSerializer(hazard, context={"allowed_actions": names}).data)


class HazardActionView(APIView):
    action_name = ""

    def perform(self, request: Request, pk: int) -> Response:
        serializer_class, run = HAZARD_ACTIONS[self.action_name]
        hazard = _visible_hazard(request, pk)
        serializer = serializer_class(data=request.data)
        data = validated(serializer)
        try:
            result = run(hazard, _user(request), data)
        except CaseError as exc:
            raise _field_error(exc) from exc
        after = Hazard.objects.visible_to(request.user).filter(pk=hazard.pk).first()
        body: dict[str, Any] = {
            "action": self.action_name,
            "hazard": HazardSerializer(after).data if after is not None else None,
        }
        if self.action_name == "raise_case":
            body["case"] = result.number
        return Response(body)


ACTION_RESULT = inline_serializer(
    "HazardActionResult",
    {
        "action": serializers.CharField(),
        "hazard": HazardSerializer(allow_null=True),
        "case": serializers.CharField(required=False),
    },
)


def hazard_action_view(name: str) -> type[HazardActionView]:
    serializer_class = HAZARD_ACTIONS[name][0]

    @extend_schema(
        operation_id=f"hazards_action_{name}",
        summary=f"隐患动作：{name}",
        parameters=[PK],
        request=serializer_class,
        responses={200: ACTION_RESULT, **errors(400, 401, 403, 404, 409, 422, 429)},
        tags=TAGS,
    )
    def post(self: HazardActionView, request: Request, pk: int) -> Response:
        return idempotency.run(request, lambda: self.perform(request, pk))

    title = "".join(part.title() for part in name.split("_"))
    return type(f"Hazard{title}View", (HazardActionView,), {"action_name": name, "post": post})


class TaskListView(APIView):
    @extend_schema(
        operation_id="hazards_tasks_list",
        summary="排查任务（按权限范围，待排查优先）",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(TaskStatus.values)),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paged("InspectionTaskPage", InspectionTaskSerializer),
            **errors(400, 401, 404, 429),
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        tasks = InspectionTask.objects.visible_to(request.user).select_related("plan", "grid")
        status = request.query_params.get("status")
        if status is not None:
            if status not in TaskStatus.values:
                raise ApiError(400, "invalid_input", _("筛选条件有误。"), {"status": [status]})
            tasks = tasks.filter(status=status)
        paginator = Page()
        page = paginator.paginate_queryset(tasks.order_by("due_at", "id"), request, view=self)
        return paginator.get_paginated_response(InspectionTaskSerializer(page, many=True).data)


class InspectionView(APIView):
    @extend_schema(
        operation_id="hazards_tasks_inspect",
        summary="提交排查记录（每个检查项必答）",
        parameters=[PK],
        request=InspectionInput,
        responses={201: InspectionRecordSerializer, **errors(400, 401, 403, 404, 409, 422, 429)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return idempotency.run(request, lambda: self.create(request, pk))

    def create(self, request: Request, pk: int) -> Response:
        task = get_object_or_404(
            InspectionTask.objects.visible_to(request.user).select_related("plan", "place"),
            pk=pk,
        )
        serializer = InspectionInput(data=request.data)
        data = validated(serializer)
        findings: list[dict[str, Any]] = []
        for finding in data.pop("findings"):
            finding = dict(finding)
            finding["responsible_unit"] = _unit(finding["responsible_unit"])
            finding["photos"] = _photos(finding["photos"])
            findings.append(finding)
        try:
            record = inspections.record_inspection(
                inspector=_user(request),
                task=task,
                answers={k: dict(v) for k, v in data.pop("answers").items()},
                findings=findings,
                **data,
            )
        except CaseError as exc:
            raise _field_error(exc) from exc
        return Response(InspectionRecordSerializer(record).data, status=201)


MEASURE_ROWS = inline_serializer(
    "InspectionMeasureRow",
    many=True,
    fields={
        "key": serializers.IntegerField(),
        "label": serializers.CharField(),
        "due": serializers.IntegerField(),
        "done": serializers.IntegerField(),
        "on_time": serializers.IntegerField(),
        "coverage": serializers.FloatField(allow_null=True),
        "punctuality": serializers.FloatField(allow_null=True),
    },
)


def _dates(request: Request) -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.query_params["start"])
        end = date.fromisoformat(request.query_params["end"])
    except (KeyError, ValueError) as exc:
        raise ApiError(400, "invalid_input", _("请以 YYYY-MM-DD 给出 start 和 end。")) from exc
    if end <= start:
        raise ApiError(400, "invalid_input", _("end 须晚于 start。"))
    if start.year < 2000 or end.year > 2100:
        raise ApiError(400, "invalid_input", _("日期须在 2000 年到 2100 年之间。"))
    return start, end


def _region_path(user: User) -> str:
    from fengqiao.accounts.scoping import scope_for

    scope = scope_for(user)
    if scope.everything:
        return ""
    if len(scope.region_paths) != 1:
        raise Http404  # the measures are per territory; a unit-only role has none
    return scope.region_paths[0]


DATES = [
    OpenApiParameter("start", OpenApiTypes.DATE, required=True),
    OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="不含"),
]


class InspectionMeasuresView(APIView):
    @extend_schema(
        operation_id="hazards_measures_inspections",
        summary="排查覆盖率与按时完成率",
        parameters=[*DATES, OpenApiParameter("by", OpenApiTypes.STR, enum=["grid", "unit"])],
        responses={200: MEASURE_ROWS, **errors(400, 401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        start, end = _dates(request)
        by = request.query_params.get("by", "grid")
        if by not in ("grid", "unit"):
            raise ApiError(400, "invalid_input", _("by 须为 grid 或 unit。"))
        rows = inspection_measures(start, end, by=by, region_path=_region_path(_user(request)))
        return Response(
            [
                {
                    "key": m.key,
                    "label": m.label,
                    "due": m.due,
                    "done": m.coverage.numerator,
                    "on_time": m.punctuality.numerator,
                    "coverage": m.coverage.value,
                    "punctuality": m.punctuality.value,
                }
                for m in rows
            ]
        )


PROJECT_ROWS = inline_serializer(
    "ProjectMeasureRow",
    many=True,
    fields={
        "project": serializers.IntegerField(),
        "name": serializers.CharField(),
        "resolved": serializers.IntegerField(),
        "mean_handling_hours": serializers.FloatField(allow_null=True),
        "immediate": serializers.IntegerField(),
        "immediate_rate": serializers.FloatField(allow_null=True),
        "evaluations": serializers.IntegerField(),
        "positive": serializers.IntegerField(),
        "positive_rate": serializers.FloatField(allow_null=True),
    },
)


class ProjectMeasuresView(APIView):
    @extend_schema(
        operation_id="hazards_measures_projects",
        summary="项目建设环境：办理用时、即时处置率、业主好评率（按项目）",
        parameters=DATES,
        responses={200: PROJECT_ROWS, **errors(400, 401, 429)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        start, end = _dates(request)
        visible = list(
            Place.objects.visible_to(request.user).filter(place_type=PlaceType.CONSTRUCTION)
        )
        names = {p.pk: p.name for p in visible}
        report = projects.measures(
            timezone.make_aware(datetime.combine(start, time())),
            timezone.make_aware(datetime.combine(end, time())),
            projects=visible,
        )
        return Response(
            [
                {
                    "project": pk,
                    "name": names[pk],
                    "resolved": m.resolved,
                    "mean_handling_hours": m.mean_handling_hours,
                    "immediate": m.immediate,
                    "immediate_rate": m.immediate_rate.value,
                    "evaluations": m.evaluations,
                    "positive": m.positive,
                    "positive_rate": m.positive_rate.value,
                }
                for pk, m in sorted(report.by_project.items())
            ]
        )
