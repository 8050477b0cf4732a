"""The API's one error format, and how domain errors map onto HTTP statuses.

Every error response is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``: ``code``
is stable for programs, ``message`` is Chinese for people, ``fields`` (possibly empty) names
each invalid field with its messages.

======================  ======  =====================================================
code                    status  when
======================  ======  =====================================================
invalid_input           400     a field is missing or malformed; unknown fields
malformed_request       400     the body is not valid JSON (or multipart)
not_authenticated       401     no credentials, a wrong or revoked token
not_permitted           403     the case is visible but the user holds no role for it
not_found               404     no such thing, or out of the caller's scope
method_not_allowed      405     wrong HTTP method
not_allowed             409     the action does not apply in the case's current status
idempotency_in_progress 409     the first request with this Idempotency-Key still runs
payload_too_large       413     a body over the size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB
                                of JSON; attachments have their own 10 MB limit)
unsupported_media_type  415     a body that is not JSON (or multipart for attachments)
idempotency_mismatch    422     the Idempotency-Key was used for a different request
throttled               429     over the rate limit; see the Retry-After header
======================  ======  =====================================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fengqiao.cases.errors import CaseError, InvalidInput, NotAllowed, NotPermitted


class ApiError(exceptions.APIException):
    """An error with an explicit status, code and message."""

    def __init__(
        self, status_code: int, code: str, message: str, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code, self.code, self.message = status_code, code, message
        self.fields = fields or {}


CASE_ERRORS: dict[type[CaseError], tuple[int, str]] = {
    InvalidInput: (status.HTTP_400_BAD_REQUEST, "invalid_input"),
    NotAllowed: (status.HTTP_409_CONFLICT, "not_allowed"),
    NotPermitted: (status.HTTP_403_FORBIDDEN, "not_permitted"),
}

CODES: list[tuple[type[Exception], str]] = [
    (exceptions.ValidationError, "invalid_input"),
    (exceptions.ParseError, "malformed_request"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.PermissionDenied, "not_permitted"),
    (exceptions.NotFound, "not_found"),
    (Http404, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def from_case_error(exc: CaseError) -> ApiError:
    for cls, (status_code, code) in CASE_ERRORS.items():
        if isinstance(exc, cls):
            return ApiError(status_code, code, exc.message)
    return ApiError(status.HTTP_400_BAD_REQUEST, "invalid_input", exc.message)


def body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (statuses, WWW-Authenticate, Retry-After), then our body format."""
    if isinstance(exc, CaseError):
        exc = from_case_error(exc)
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # Django raises these while reading the body; left alone they become its plain HTML 400.
        exc = ApiError(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            "payload_too_large",
            _("请求数据过大：JSON 请求体不得超过 %(mb).1f MB。")
            % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = body(exc.code, exc.message, exc.fields)
        return response
    code = next((c for cls, c in CODES if isinstance(exc, cls)), "error")
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        code = "not_authenticated"
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = body(code, _("请求数据有误，请检查各字段。"), fields)
    elif isinstance(exc, Http404):
        response.data = body(code, _("找不到该资源，或您无权查看。"))
    else:
        response.data = body(code, str(getattr(exc, "detail", "")))
    return response
