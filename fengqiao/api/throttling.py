"""Rate limits of the API, counted in the database through ``core.ratelimit``.

DRF's own throttles keep their counts in the Django cache, which here is per process; these
count in one table that every web worker shares. Rates come from settings
(``API_THROTTLE_USER`` per token or signed-in user, ``API_THROTTLE_ANON`` per client address
for requests without credentials), as "<count>/<s|min|h|day>".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from fengqiao.api.models import ApiToken
from fengqiao.core import ratelimit

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` → (120, 60): the count and the window in seconds."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError) as exc:
        raise ImproperlyConfigured(f"bad API throttle rate {rate!r}; use e.g. 120/min") from exc


class _DatabaseThrottle(BaseThrottle):
    scope = ""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def identity(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        identity = self.identity(request)
        if identity is None:
            return True
        limit, window = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[self.scope]))
        if ratelimit.hit(ratelimit.key(f"api-{self.scope}", identity), limit, window):
            return True
        self.retry_after = ratelimit.retry_after(window)
        return False

    def wait(self) -> float | None:
        return self.retry_after


class UserThrottle(_DatabaseThrottle):
    """Per token (each token its own budget) or per signed-in user."""

    scope = "user"

    def identity(self, request: Request) -> str | None:
        if isinstance(request.auth, ApiToken):
            return f"token:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return None


class AddressThrottle(_DatabaseThrottle):
    """Per client address, for requests without credentials (the schema and docs pages)."""

    scope = "anon"

    def identity(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return ratelimit.client_ip(request._request)
