"""Idempotency-Key (幂等键) on POST: a retried request gets the first response, unrepeated.

The first request with a key claims it by inserting an ``IdempotencyRecord`` in its own
transaction; the unique (owner, key) constraint makes a concurrent second request fail to
insert, and it is told the first is still running (409). A finished success is stored and
replayed with the same status and body; an error is not stored (nothing was written), so the
retry simply runs again. The same key with a different method, path or body is refused (422).
Keys belong to the caller (token or user) and expire after 24 hours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from fengqiao.api.errors import ApiError
from fengqiao.api.models import ApiToken, IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def owner_of(request: Request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"


def fingerprint(request: Request) -> str:
    """sha256 over method, path and body; a multipart body is hashed part by part."""
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    if request.content_type.startswith("multipart/"):
        # Reading .body would hold the whole upload in memory twice; hash the parsed parts.
        data = cast(MultiValueDict[str, Any], request.data)
        for name in sorted(data.keys()):
            for value in data.getlist(name):
                digest.update(f"\n{name}=".encode())
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode())
    else:
        digest.update(hashlib.sha256(request.body).digest())
    return digest.hexdigest()


def submission_key(request: Request) -> str:
    """For case creation: intake's own idempotency key, derived from the caller's key and the
    request, so that a key reused after it expired with a different report files a new case."""
    key = request.headers.get(HEADER, "")
    if not key:
        return ""
    text = f"api\n{owner_of(request)}\n{key}\n{fingerprint(request)}"
    return hashlib.sha256(text.encode()).hexdigest()


def _claim(owner: str, key: str, print_: str, now: datetime) -> IdempotencyRecord | None:
    """Insert the record; None if this request claimed the key, else the existing record."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                owner=owner, key=key, fingerprint=print_, created_at=now
            )
        return None
    except IntegrityError:
        return IdempotencyRecord.objects.filter(owner=owner, key=key).first()


def run(request: Request, perform: Callable[[], Response]) -> Response:
    """Run ``perform`` once per Idempotency-Key; without the header, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return perform()
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(400, "invalid_input", _("Idempotency-Key 须为 1 到 200 个可打印字符。"))
    owner, print_, now = owner_of(request), fingerprint(request), timezone.now()
    existing = _claim(owner, key, print_, now)
    if existing is not None and existing.created_at < now - IDEMPOTENCY_TTL:
        existing.delete()  # expired but not yet pruned: the key is free again
        existing = _claim(owner, key, print_, now)
    if existing is not None:
        return _replay(existing, print_)
    try:
        response = perform()
    except BaseException:
        IdempotencyRecord.objects.filter(owner=owner, key=key).delete()
        raise
    if 200 <= response.status_code < 300:
        IdempotencyRecord.objects.filter(owner=owner, key=key).update(
            status_code=response.status_code, response_body=response.data
        )
    else:
        IdempotencyRecord.objects.filter(owner=owner, key=key).delete()
    return response


def _replay(record: IdempotencyRecord, print_: str) -> Response:
    if record.fingerprint != print_:
        raise ApiError(
            422, "idempotency_mismatch", _("该 Idempotency-Key 已用于另一个不同的请求。")
        )
    if record.status_code is None:
        raise ApiError(
            409,
            "idempotency_in_progress",
            _("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def prune(now: datetime | None = None) -> int:
    """Delete records older than ``IDEMPOTENCY_TTL``; returns how many."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _counts = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return int(deleted)
