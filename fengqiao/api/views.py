"""The REST API views (docs/api.md). Every case is fetched through
``Case.objects.visible_to(user)``, as on the HTML pages: out of scope is a 404. State changes
go through ``cases.intake.submit`` and ``cases.actions`` (via ``api.actions``)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.accounts.models import Unit, User
from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.api import idempotency
from fengqiao.api import serializers as s
from fengqiao.api.actions import ACTIONS, ApiAction
from fengqiao.api.errors import ApiError
from fengqiao.api.pagination import PAGE_PARAMETERS, StrictPagination
from fengqiao.cases import actions, report
from fengqiao.cases.choices import Channel
from fengqiao.cases.errors import InvalidInput
from fengqiao.cases.filtersets import CaseFilterSet
from fengqiao.cases.intake import submit
from fengqiao.cases.measures import Rate
from fengqiao.cases.models import Case, Category, ExtensionRequest
from fengqiao.cases.permissions import Roles, allowed_actions
from fengqiao.regions.models import Level, Region
from fengqiao.textintel import review
from fengqiao.textintel.replyquality import Element

MAX_UPLOAD = 10 * 1024 * 1024

ERROR_TEXT = {
    400: "invalid_input / malformed_request",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    409: "not_allowed / idempotency_in_progress",
    415: "unsupported_media_type",
    422: "idempotency_mismatch",
    429: "throttled",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(s.ErrorSerializer, description=ERROR_TEXT[code]) for code in statuses
    }


READ_ERRORS = errors(401, 404, 429)
NUMBER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="事件编号")
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="可选。重试时带同一个键，只执行一次并返回第一次的结果（24 小时内有效）。",
)


# What the case resources show of a case's relations. The region's boundary (up to 15 KB of
# GeoJSON, decoded on load) is never shown there, so it is not loaded. ``merged_into`` (a whole
# second case, for its number) is joined only for lists: one case loads it when it has one
# (a merged case), with one query, instead of every read building and converting its columns.
CASE_RELATED = ("category__parent", "region", "current_unit")
CASE_DEFERRED = ("region__boundary",)


def visible_case(request: Request, number: str) -> Case:
    """The case if this caller may see it; anything else is a 404, never a 403."""
    cases = Case.objects.visible_to(request.user).select_related(*CASE_RELATED)
    try:
        # get(), not first(): numbers are unique, and the ORDER BY that first() adds costs
        # Django more to build over this many columns than the database to run.
        return cases.defer(*CASE_DEFERRED).get(number=number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def available_actions(user: User, case: Case) -> list[str]:
    """As on the case page: extension decisions only with a request pending, and vice versa."""
    names = allowed_actions(user, case, Roles(user))
    pending = case.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists()
    drop = "request_extension" if pending else "decide_extension"
    return [n for n in names if n != drop and n in ACTIONS]


class CasePagination(StrictPagination):
    """The case list's pages (see ``api.pagination``)."""


PAGE = inline_serializer(
    "CasePage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": s.CaseSerializer(many=True),
    },
)
FILTER_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, many=name == "status", description=str(f.label))
    for name, f in CaseFilterSet.base_filters.items()
] + [
    *PAGE_PARAMETERS,
]


class CaseListView(APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="事件列表（按权限范围）",
        parameters=FILTER_PARAMETERS,
        responses={200: PAGE, **errors(400, 401, 404, 429)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        queryset = (
            Case.objects.visible_to(request.user)
            .select_related(*CASE_RELATED, "merged_into")
            .defer(*CASE_DEFERRED)
        )
        filterset = CaseFilterSet(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            fields = {k: [str(m) for m in v] for k, v in filterset.errors.items()}
            raise ApiError(400, "invalid_input", _("筛选条件有误。"), fields)
        paginator = CasePagination()
        page = paginator.paginate_queryset(
            filterset.qs.order_by("-submitted_at", "-id"), request, view=self
        )
        return paginator.get_paginated_response(s.CaseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="上报事件（来源渠道：接口）",
        request=s.CaseCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.CaseSerializer, **errors(400, 401, 403, 409, 415, 422, 429)},
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        return idempotency.run(request, lambda: self.create(request))

    def create(self, request: Request) -> Response:
        serializer = s.CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = submit(
            channel=Channel.API,
            by=cast(User, request.user),
            submission_key=idempotency.submission_key(request),
            **serializer.validated_data,
        )
        url = reverse("api:case-detail", args=[case.number])
        return Response(s.case_data(case), status=201, headers={"Location": url})


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="事件详情（含当前可做的动作）",
        parameters=[NUMBER],
        responses={200: s.CaseDetailSerializer, **READ_ERRORS},
        tags=["cases"],
    )
    def get(self, request: Request, number: str) -> Response:
        case = visible_case(request, number)
        names = available_actions(cast(User, request.user), case)
        return Response(s.CaseDetailSerializer(case, context={"allowed_actions": names}).data)


class TimelineView(APIView):
    @extend_schema(
        operation_id="cases_timeline",
        summary="流转记录",
        parameters=[NUMBER],
        responses={200: s.EventSerializer(many=True), **READ_ERRORS},
        tags=["cases"],
    )
    def get(self, request: Request, number: str) -> Response:
        case = visible_case(request, number)
        events = case.events.select_related("actor_unit", "from_unit", "to_unit").order_by(
            "created_at", "id"
        )
        return Response(s.EventSerializer(events, many=True).data)


ACTION_RESULT = inline_serializer(
    "ActionResult",
    {
        "action": serializers.CharField(),
        "number": serializers.CharField(),
        "case": s.CaseDetailSerializer(allow_null=True),
    },
)


class CaseActionView(APIView):
    """One lifecycle action; ``case`` in the result is null when the case left the caller's
    scope through it (returned, escalated)."""

    action_name = ""

    def run(self, request: Request, number: str) -> Response:
        return idempotency.run(
            request, lambda: self.perform(request, number, ACTIONS[self.action_name])
        )

    def perform(self, request: Request, number: str, spec: ApiAction) -> Response:
        user = cast(User, request.user)
        case = visible_case(request, number)
        serializer = spec.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spec.perform(case, user, dict(serializer.validated_data))
        after = (
            Case.objects.visible_to(user)
            .select_related(*CASE_RELATED)
            .defer(*CASE_DEFERRED)
            .filter(pk=case.pk)
            .first()
        )
        data = None
        if after is not None:
            context = {"allowed_actions": available_actions(user, after)}
            data = s.CaseDetailSerializer(after, context=context).data
        return Response({"action": spec.name, "number": case.number, "case": data})


def action_view(spec: ApiAction) -> type[CaseActionView]:
    """A view class per action, so that each has its own request body in the schema."""

    @extend_schema(
        operation_id=f"cases_action_{spec.name}",
        summary=f"{spec.label}（{spec.name}）",
        parameters=[NUMBER, IDEMPOTENCY],
        request=spec.serializer,
        responses={200: ACTION_RESULT, **errors(400, 401, 403, 404, 409, 415, 422, 429)},
        tags=["case actions"],
    )
    def post(self: CaseActionView, request: Request, number: str) -> Response:
        return self.run(request, number)

    name = "".join(part.title() for part in spec.name.split("_"))
    return type(f"{name}ActionView", (CaseActionView,), {"action_name": spec.name, "post": post})


class AttachmentListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="cases_attachments_list",
        summary="附件列表",
        parameters=[NUMBER],
        responses={200: s.AttachmentSerializer(many=True), **READ_ERRORS},
        tags=["cases"],
    )
    def get(self, request: Request, number: str) -> Response:
        case = visible_case(request, number)
        items = case.attachments.order_by("created_at", "id")
        return Response(s.AttachmentSerializer(items, many=True).data)

    @extend_schema(
        operation_id="cases_attachments_create",
        summary="上传附件（multipart/form-data，字段 file，最大 10 MB）",
        parameters=[NUMBER, IDEMPOTENCY],
        request={"multipart/form-data": s.AttachmentInput},
        responses={201: s.AttachmentSerializer, **errors(400, 401, 404, 409, 415, 422, 429)},
        tags=["cases"],
    )
    def post(self, request: Request, number: str) -> Response:
        return idempotency.run(request, lambda: self.create(request, number))

    def create(self, request: Request, number: str) -> Response:
        case = visible_case(request, number)
        serializer = s.AttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_UPLOAD:
            raise InvalidInput(_("文件过大（最大 10 MB）。"))
        item = actions.add_attachment(
            case, data=upload.read(), filename=upload.name, by=cast(User, request.user)
        )
        return Response(s.AttachmentSerializer(item).data, status=201)


class AttachmentDownloadView(APIView):
    @extend_schema(
        operation_id="cases_attachments_download",
        summary="下载附件",
        parameters=[NUMBER, OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **READ_ERRORS,
        },
        tags=["cases"],
    )
    def get(self, request: Request, number: str, pk: int) -> FileResponse:
        case = visible_case(request, number)
        item = case.attachments.filter(pk=pk).first()
        if item is None:
            raise Http404
        # Images were re-encoded on upload and may show inline; documents always download.
        response = FileResponse(
            item.file.open("rb"),
            as_attachment=item.kind != "image",
            filename=item.original_name,
            content_type=item.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CategoryListView(APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="事件类别（启用中）",
        responses={200: s.CategorySerializer(many=True), **errors(401, 429)},
        tags=["reference"],
    )
    def get(self, request: Request) -> Response:
        categories = Category.objects.filter(is_active=True).select_related("parent")
        return Response(s.CategorySerializer(categories, many=True).data)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


GEOJSON_FEATURE: dict[str, Any] = {
    "type": "object",
    "required": ["type", "properties", "geometry"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "properties": {"type": "object", "additionalProperties": True},
        "geometry": {"type": "object", "nullable": True, "additionalProperties": True},
    },
}
GEOJSON_COLLECTION: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": GEOJSON_FEATURE},
    },
}


def check_format(request: Request) -> None:
    """An empty ``?format=`` would quietly mean JSON; say so instead (other unknown formats
    are refused by DRF's content negotiation with a 404)."""
    fmt = request.query_params.get("format")
    if fmt is not None and fmt not in ("json", "geojson"):
        raise ApiError(400, "invalid_input", _("format 须为 json 或 geojson。"), {"format": [fmt]})


def feature(region: Region) -> dict[str, Any]:
    properties = dict(s.RegionSerializer(region).data)
    return {"type": "Feature", "properties": properties, "geometry": region.boundary}


class RegionListView(APIView):
    """Regions in the caller's territory, as on the map pages (a department handler sees none)."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    @extend_schema(
        operation_id="regions_list",
        summary="区域（?format=geojson 得到含边界的 FeatureCollection）",
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
            OpenApiParameter("parent", OpenApiTypes.STR, description="上级区域代码"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "geojson"]),
        ],
        responses={
            (200, "application/json"): s.RegionSerializer(many=True),
            (200, "application/geo+json"): GEOJSON_COLLECTION,
            # 404: an unknown ?format= (DRF's content negotiation).
            **errors(400, 401, 404, 429),
        },
        tags=["reference"],
    )
    def get(self, request: Request) -> Response:
        check_format(request)
        regions = regions_visible_to(request.user).select_related("parent")
        level = request.query_params.get("level")
        if level is not None:
            if level not in Level.values:
                raise ApiError(
                    400,
                    "invalid_input",
                    _("未知的区域层级。"),
                    {"level": [", ".join(Level.values)]},
                )
            regions = regions.filter(level=level)
        parent = request.query_params.get("parent")
        if parent is not None:
            regions = regions.filter(parent__code=parent)
        if request.accepted_renderer.format == "geojson":
            return Response(
                {"type": "FeatureCollection", "features": [feature(r) for r in regions]}
            )
        return Response(s.RegionSerializer(regions.defer("boundary"), many=True).data)


class RegionDetailView(APIView):
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    @extend_schema(
        operation_id="regions_retrieve",
        summary="区域详情，含边界（GeoJSON 几何，WGS-84）",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "geojson"]),
        ],
        responses={
            (200, "application/json"): s.RegionDetailSerializer,
            (200, "application/geo+json"): GEOJSON_FEATURE,
            **errors(400, 401, 404, 429),
        },
        tags=["reference"],
    )
    def get(self, request: Request, code: str) -> Response:
        check_format(request)
        region = regions_visible_to(request.user).select_related("parent").filter(code=code).first()
        if region is None:
            raise Http404
        if request.accepted_renderer.format == "geojson":
            return Response(feature(region))
        return Response(s.RegionDetailSerializer(region).data)


class UnitListView(APIView):
    @extend_schema(
        operation_id="units_list",
        summary="单位（启用中）",
        responses={200: s.UnitSerializer(many=True), **errors(401, 429)},
        tags=["reference"],
    )
    def get(self, request: Request) -> Response:
        units = Unit.objects.filter(is_active=True).select_related("jurisdiction", "parent")
        return Response(s.UnitSerializer(units, many=True).data)


class CaseMeasuresView(APIView):
    @extend_schema(
        operation_id="cases_measures",
        summary="考核指标：一个月的即时处置率、按期办结率、化解层级、满意率、回访率、平均办理时长，"
        "单位排名和近六个月趋势（调用者辖区内）",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM，默认本月"),
            OpenApiParameter("region", OpenApiTypes.STR, description="区域编码，默认调用者的辖区"),
            OpenApiParameter("category", OpenApiTypes.STR, description="类别编码（大类含其小类）"),
            OpenApiParameter(
                "rank", OpenApiTypes.STR, enum=list(report.RANKINGS), description="排名依据"
            ),
        ],
        responses={200: s.CaseMeasuresOut, **errors(400, 401, 403, 404, 429)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        with _report_errors(request):
            built = report.build(
                cast(User, request.user),
                month=params.get("month"),
                region=params.get("region", ""),
                category=params.get("category", ""),
                ranking=params.get("rank"),
            )
        return Response(measures_data(built))


@contextmanager
def _report_errors(request: Request) -> Iterator[None]:
    """The report builders' errors in the API's format: bad input 400, no territory 403 (a
    region outside it is already a 404)."""
    try:
        yield
    except report.ReportError as exc:
        field = {exc.field: [request.query_params.get(exc.field, "")]}
        raise ApiError(400, "invalid_input", exc.message, field) from exc
    except PermissionDenied as exc:
        raise ApiError(403, "not_permitted", str(exc)) from exc


class ReplyReviewListView(APIView):
    @extend_schema(
        operation_id="cases_review",
        summary="答复评查：某月办结事件的答复质量（调用者辖区内），分数从低到高；"
        "分数只是提示，不是结论",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="办结月份 YYYY-MM，默认本月"),
            OpenApiParameter("region", OpenApiTypes.STR, description="区域编码，默认调用者的辖区"),
            OpenApiParameter("unit", OpenApiTypes.STR, description="办结单位编码"),
            OpenApiParameter(
                "missing",
                OpenApiTypes.STR,
                enum=[str(element) for element in Element],
                description="只看未写明该要素的答复",
            ),
            *PAGE_PARAMETERS,
        ],
        responses={200: s.ReplyReviewPageOut, **errors(400, 401, 403, 404, 429)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        missing = params.get("missing")
        with _report_errors(request):
            if missing == "":  # present but empty: the schema's enum allows no empty value
                raise report.ReportError(
                    "missing", _("要素应为 measures、result、basis 或 time_limit。")
                )
            choice, reviews = review.month_reviews(
                cast(User, request.user),
                month=params.get("month"),
                region=params.get("region", ""),
                unit=params.get("unit", ""),
                missing=missing or "",
            )
        totals = review.totals(reviews)
        paginator = StrictPagination()
        page = paginator.paginate_queryset(reviews, request, view=self) or []
        region = choice["region"]
        return Response(
            {
                "month": f"{choice['month']:%Y-%m}",
                "region": {"code": region.code, "name": region.name} if region else None,
                "count": totals["count"],
                "mean": totals["mean_value"],
                "weak": totals["weak"],
                "lacking": totals["lacking_by_key"],
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": [
                    {
                        "number": r.case.number,
                        "title": r.case.title,
                        "resolved_unit": r.case.resolved_unit.code
                        if r.case.resolved_unit
                        else None,
                        "resolved_at": r.resolved_at.isoformat(),
                        "days": r.days,
                        "overall": r.overall,
                        "relevance": r.relevance,
                        "completeness": r.completeness,
                        "timeliness": r.timeliness,
                        "missing": r.missing_keys,
                    }
                    for r in page
                ],
            }
        )


def _measures_data(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (
            asdict(value)
            if isinstance(value, Rate)
            else {tier: asdict(r) for tier, r in value.items()}
            if isinstance(value, dict)
            else value
        )
        for key, value in figures.items()
    }


def measures_data(built: report.Report) -> dict[str, Any]:
    """The report as the API shows it (``s.CaseMeasuresOut``)."""
    return {
        "month": built.month_text,
        "start": built.start.isoformat(),
        "end": built.end.isoformat(),
        "region": {"code": built.region.code, "name": built.region.name} if built.region else None,
        "category": {"code": built.category.code, "name": built.category.name}
        if built.category
        else None,
        "rank": built.ranking,
        "summary": _measures_data(built.summary),
        "units": [
            {
                "rank": row.rank,
                "unit": {"code": row.unit.code, "name": row.unit.name, "tier": row.unit.tier}
                if row.unit
                else None,
                "measures": _measures_data(row.measures),
            }
            for row in built.units
        ],
        "trend": [
            {"month": f"{month:%Y-%m}", "measures": _measures_data(figures)}
            for month, figures in built.trend
        ],
    }


@functools.cache
def _operations() -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The schema's info and one row per operation; generated once per process (~0.1 s)."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "body": ", ".join(body),
                    "responses": ", ".join(operation.get("responses", {})),
                }
            )
    return schema["info"], operations


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """A plain page listing every operation from the OpenAPI schema: no JavaScript, no CDN."""
    info, operations = _operations()
    return render(request, "api/docs.html", {"info": info, "operations": operations})
