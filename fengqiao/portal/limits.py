"""Abuse limits of the resident pages: how often one client may report, look up and give feedback.

Counted per client address (``core.ratelimit.client_ip``: REMOTE_ADDR only; see there for
running behind a proxy) or per tracking code, in the database so every web worker shares them.
Many residents on a mobile network share one public address (carrier-grade NAT), so the limits
are generous for one person and meant to stop scripts, not neighbours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fengqiao.core import ratelimit

# A request body larger than this is refused before it is read: three photos of at most 10 MB
# each, plus the text fields and the multipart framing.
MAX_REQUEST_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


# Reports (every POST of the report form) per client address.
REPORT = Limit("portal.report", 10, 3600)
# Look-ups by tracking code (the track form, status pages, feedback posts) per client address.
TRACK = Limit("portal.track", 60, 600)
# Ratings and "not resolved" per tracking code, whoever sends them.
FEEDBACK = Limit("portal.feedback", 5, 3600)


def exceeded(request: HttpRequest, limit: Limit, identifier: str) -> HttpResponse | None:
    """Count one use; None while within the limit, else the 429 page with Retry-After."""
    if ratelimit.hit(ratelimit.key(limit.scope, identifier), limit.count, limit.seconds):
        return None
    wait = ratelimit.retry_after(limit.seconds)
    response = render(
        request, "portal/limited.html", {"minutes": max(1, math.ceil(wait / 60))}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def per_client(request: HttpRequest, limit: Limit) -> HttpResponse | None:
    return exceeded(request, limit, ratelimit.client_ip(request))
