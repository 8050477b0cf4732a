"""REST endpoints for the inbox under /api/v1/notices/, in the style of the case API (docs/api.md).

The notices are those of ``inbox.inbox_of`` (for a token: the service account's own and its
unit's), newest first; ``subject_display`` and ``body_display`` are in the request's language,
``subject`` and ``body`` as sent, in the site's. ``POST seen/`` marks the inbox read.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.accounts.models import User
from fengqiao.api import idempotency
from fengqiao.api.errors import ApiError
from fengqiao.api.pagination import PAGE_PARAMETERS, StrictPagination
from fengqiao.api.serializers import StrictSerializer
from fengqiao.api.views import IDEMPOTENCY, errors
from fengqiao.notifications import inbox
from fengqiao.notifications.models import Notification


class NoticeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="收件单位编码；本人的消息为 null"
    )
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    subject_display = serializers.CharField(source="shown_subject", help_text="按请求的语言")
    body_display = serializers.CharField(source="shown_body", help_text="按请求的语言")
    case = serializers.CharField(
        source="case.number", allow_null=True, default=None, help_text="相关事件编号"
    )
    link = serializers.CharField(help_text="可打开的页面（站内路径），没有则为空")
    new = serializers.SerializerMethodField(help_text="是否在上次标为已读之后")

    class Meta:
        model = Notification
        fields = [
            "id",
            "created_at",
            "unit",
            "unit_name",
            "subject",
            "subject_display",
            "body",
            "body_display",
            "case",
            "link",
            "new",
        ]

    def get_new(self, notice: Notification) -> bool:
        mark = self.context["mark"]
        return mark is None or notice.created_at > mark


class SeenInput(StrictSerializer):
    until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="标为已读至此时间（通常是看到的最新一条消息的时间）；省略为现在",
    )


class NoticePagination(StrictPagination):
    """The inbox's pages (see ``api.pagination``)."""


PAGE = inline_serializer(
    "NoticePage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": NoticeSerializer(many=True),
    },
)
NEW = OpenApiParameter(
    "new", {"type": "string", "enum": ["true", "false"]}, description="true：只列未读的消息"
)


class NoticeListView(APIView):
    @extend_schema(
        operation_id="notices_list",
        summary="消息（本人的和所在单位的，最新的在前）",
        parameters=[NEW, *PAGE_PARAMETERS],
        responses={200: PAGE, **errors(400, 401, 404, 429)},
        tags=["notices"],
    )
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        values = request.query_params.getlist("new")
        if len(values) > 1 or (values and values[0] not in ("true", "false")):
            raise ApiError(400, "invalid_input", _("new 只能是 true 或 false。"), {"new": values})
        mark = inbox.seen_at(user)
        notices = inbox.unread(user, mark) if values == ["true"] else inbox.inbox_of(user)
        notices = notices.select_related("unit", "case").defer("address")
        paginator = NoticePagination()
        page = paginator.paginate_queryset(notices, request, view=self)
        data = NoticeSerializer(page, many=True, context={"mark": mark}).data
        return paginator.get_paginated_response(data)


class SeenView(APIView):
    @extend_schema(
        operation_id="notices_seen",
        summary="全部标为已读（至 until，省略为现在）",
        parameters=[IDEMPOTENCY],
        request=SeenInput,
        responses={
            200: inline_serializer(
                "NoticesSeen",
                {"seen_at": serializers.DateTimeField(), "unread": serializers.IntegerField()},
            ),
            **errors(400, 401, 409, 422, 429),
        },
        tags=["notices"],
    )
    def post(self, request: Request) -> Response:
        return idempotency.run(request, lambda: self.perform(request))

    def perform(self, request: Request) -> Response:
        user = cast(User, request.user)
        serializer = SeenInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        seen = inbox.mark_seen(user, serializer.validated_data["until"])
        return Response(
            {
                "seen_at": serializers.DateTimeField().to_representation(seen),
                "unread": inbox.unread(user, seen).count(),
            }
        )
