"""Page-number pagination shared by every list of the API: 50 a page, ``page_size`` up to 200.

A ``page_size`` that is not a whole number from 1 to 200 is a 400 (DRF would quietly use the
default), so is an empty or non-numeric ``page`` (DRF would serve page 1 for an empty one), and
a ``page`` past the end or 0 is DRF's 404, so a caller's mistake is visible.
List views declare ``PAGE_PARAMETERS`` and the 404 in their schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from fengqiao.api.errors import ApiError

MAX_PAGE_SIZE = 200

PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
]


class StrictPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        raw = values[-1]
        if len(values) > 1 or not raw.isdecimal() or not 1 <= int(raw) <= self.max_page_size:
            raise ApiError(
                400,
                "invalid_input",
                _("每页条数须为 1 到 %(max)d 之间的整数。") % {"max": self.max_page_size},
                {"page_size": [raw]},
            )
        return int(raw)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        values = request.query_params.getlist(self.page_query_param)
        if values and (len(values) > 1 or not values[-1].isdecimal()):
            raise ApiError(400, "invalid_input", _("页码须为正整数。"), {"page": values[-1:]})
        return super().get_page_number(request, paginator)
