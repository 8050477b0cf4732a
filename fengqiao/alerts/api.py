"""REST endpoints for alerts under /api/v1/alerts/, in the style of the case API (docs/api.md).

Alerts are fetched through ``Alert.objects.visible_to(user)`` (out of scope is a 404); the
actions call ``alerts.actions``; errors use the API's one error body. Running the detectors on
demand enqueues the same worker tasks as the schedule.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.accounts.models import Unit, User
from fengqiao.alerts import actions
from fengqiao.alerts.filtersets import AlertFilterSet
from fengqiao.alerts.models import Alert, AlertEvent
from fengqiao.alerts.views import may_run_detectors
from fengqiao.api import idempotency
from fengqiao.api.errors import ApiError
from fengqiao.api.pagination import PAGE_PARAMETERS, StrictPagination
from fengqiao.api.serializers import StrictSerializer
from fengqiao.api.views import IDEMPOTENCY, errors
from fengqiao.cases.models import Case


class AlertSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    level_display = serializers.CharField(source="get_level_display")
    status_display = serializers.CharField(source="get_status_display")
    detector_display = serializers.CharField(source="get_detector_display")
    # In the request's language (a detector's text is translated; core.notes); ``title`` and
    # ``explanation`` are the stored texts, in the site's language.
    title_display = serializers.CharField(source="shown_title")
    explanation_display = serializers.CharField(source="shown_explanation")
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    region_name = serializers.CharField(source="region.name")
    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    assigned_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "detector",
            "detector_display",
            "level",
            "level_display",
            "status",
            "status_display",
            "title",
            "title_display",
            "explanation",
            "explanation_display",
            "region",
            "region_name",
            "category",
            "window_start",
            "window_end",
            "assigned_unit",
            "raised_at",
            "last_seen_at",
            "acknowledged_at",
            "closed_at",
        ]


class AlertEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor = serializers.CharField(source="actor.__str__", allow_null=True, default=None)
    note_display = serializers.CharField(source="shown_note")  # in the request's language

    class Meta:
        model = AlertEvent
        fields = [
            "action",
            "actor",
            "from_status",
            "to_status",
            "level",
            "note",
            "note_display",
            "created_at",
        ]


class AlertDetailSerializer(AlertSerializer):
    response_notes = serializers.CharField()
    analysis = serializers.JSONField(source="data", help_text="研判数据（各检测方法的统计量等）")
    evidence = serializers.SerializerMethodField()
    hidden_evidence = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    timeline = AlertEventSerializer(source="events", many=True)

    class Meta(AlertSerializer.Meta):
        fields = [
            *AlertSerializer.Meta.fields,
            "response_notes",
            "analysis",
            "evidence",
            "hidden_evidence",
            "allowed_actions",
            "timeline",
        ]

    def _visible(self, alert: Alert) -> list[str]:
        user = self.context["user"]
        return list(
            Case.objects.visible_to(user)
            .filter(pk__in=alert.evidence.values("pk"))
            .order_by("-submitted_at")
            .values_list("number", flat=True)
        )

    def get_evidence(self, alert: Alert) -> list[str]:
        """Numbers of the evidence cases the caller may see."""
        return self._visible(alert)

    def get_hidden_evidence(self, alert: Alert) -> int:
        """How many evidence cases are outside the caller's scope."""
        return alert.evidence.count() - len(self._visible(alert))

    def get_allowed_actions(self, alert: Alert) -> list[str]:
        return actions.allowed_actions(self.context["user"], alert)


class AlertActionInput(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="处置单位编码（仅 respond）",
    )


class RunInput(StrictSerializer):
    detectors = serializers.ChoiceField(choices=["rules", "surges", "stscan", "near_repeat"])


class AlertPagination(StrictPagination):
    """The alert list's pages (see ``api.pagination``)."""


ID = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="预警编号")
PAGE = inline_serializer(
    "AlertPage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": AlertSerializer(many=True),
    },
)
FILTERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=str(f.label))
    for name, f in AlertFilterSet.base_filters.items()
] + PAGE_PARAMETERS


def visible_alert(request: Request, pk: int) -> Alert:
    alert = (
        Alert.objects.visible_to(request.user)
        .select_related("region", "category", "assigned_unit")
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404
    return alert


class AlertListView(APIView):
    @extend_schema(
        operation_id="alerts_list",
        summary="预警列表（按权限范围；默认未关闭的）",
        parameters=FILTERS,
        responses={200: PAGE, **errors(400, 401, 404, 429)},
        tags=["alerts"],
    )
    def get(self, request: Request) -> Response:
        queryset = Alert.objects.visible_to(request.user).select_related(
            "region", "category", "assigned_unit"
        )
        filterset = AlertFilterSet(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            fields = {k: [str(m) for m in v] for k, v in filterset.errors.items()}
            raise ApiError(400, "invalid_input", _("筛选条件有误。"), fields)
        paginator = AlertPagination()
        page = paginator.paginate_queryset(
            filterset.qs.order_by("-last_seen_at", "-id"), request, view=self
        )
        return paginator.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertDetailView(APIView):
    @extend_schema(
        operation_id="alerts_retrieve",
        summary="预警详情（研判说明、相关事件、预警记录、可做的动作）",
        parameters=[ID],
        responses={200: AlertDetailSerializer, **errors(401, 404, 429)},
        tags=["alerts"],
    )
    def get(self, request: Request, pk: int) -> Response:
        alert = visible_alert(request, pk)
        return Response(AlertDetailSerializer(alert, context={"user": request.user}).data)


ACTION_NAMES = ("acknowledge", "respond", "close", "false_alarm")


class AlertActionView(APIView):
    action_name = ""

    def perform(self, request: Request, pk: int) -> Response:
        user = cast(User, request.user)
        alert = visible_alert(request, pk)
        serializer = AlertActionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note, unit = serializer.validated_data["note"], serializer.validated_data["unit"]
        if self.action_name == "acknowledge":
            alert = actions.acknowledge(alert, by=user, note=note)
        elif self.action_name == "respond":
            alert = actions.respond(alert, by=user, note=note, unit=unit)
        elif self.action_name == "close":
            alert = actions.close(alert, by=user, note=note)
        else:
            alert = actions.mark_false_alarm(alert, by=user, note=note)
        after = visible_alert(request, alert.pk)
        return Response(AlertDetailSerializer(after, context={"user": user}).data)


def action_view(name: str) -> type[AlertActionView]:
    labels = {"acknowledge": "签收", "respond": "处置", "close": "办结", "false_alarm": "标记误报"}

    @extend_schema(
        operation_id=f"alerts_action_{name}",
        summary=f"{labels[name]}（{name}）",
        parameters=[ID, IDEMPOTENCY],
        request=AlertActionInput,
        responses={200: AlertDetailSerializer, **errors(400, 401, 403, 404, 409, 422, 429)},
        tags=["alerts"],
    )
    def post(self: AlertActionView, request: Request, pk: int) -> Response:
        return idempotency.run(request, lambda: self.perform(request, pk))

    cls_name = "".join(part.title() for part in name.split("_")) + "AlertActionView"
    return type(cls_name, (AlertActionView,), {"action_name": name, "post": post})


class RunDetectorsView(APIView):
    @extend_schema(
        operation_id="alerts_run",
        summary="立即运行研判（规则、类别激增、时空聚集或近重复），由后台任务执行",
        request=RunInput,
        responses={
            202: inline_serializer("RunQueued", {"task_id": serializers.CharField()}),
            **errors(400, 401, 403, 429),
        },
        tags=["alerts"],
    )
    def post(self, request: Request) -> Response:
        if not may_run_detectors(cast(User, request.user)):
            raise ApiError(403, "not_permitted", _("只有领导或管理员可以立即运行研判。"))
        serializer = RunInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        from fengqiao.alerts.tasks import ON_DEMAND

        result = ON_DEMAND[serializer.validated_data["detectors"]].enqueue()
        return Response({"task_id": str(result.id)}, status=202)
