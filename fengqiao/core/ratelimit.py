"""Rate limits (限流) for the public pages, counted in the database; no Redis or third party.

A fixed-window counter per key: a key (for example "reports from this IP address") may be hit
``limit`` times per window of ``window_seconds``; windows are aligned to the Unix epoch, so every
web worker agrees on where a window starts. The counter is one ``RateCounter`` row per key, moved
forward with conditional UPDATEs, so several gunicorn workers (or servers) share one count and
none of them can push it past the limit: on PostgreSQL a concurrent UPDATE waits for the row lock
and re-checks its condition; SQLite serialises writers.

A fixed window lets a client spend up to twice the limit across a window boundary; that is
accepted here in exchange for one row and one UPDATE per request. Windows may be at most a day
long, because ``prune`` removes rows whose window started more than a day ago.

Keys hold an HMAC of the identifier (an IP address, a tracking code), not the identifier, so the
table does not become a log of who visited; ``key()`` builds them.

Client addresses: use ``client_ip(request)``, which reads ``REMOTE_ADDR`` only. Behind a reverse
proxy, configure the proxy and the app server to put the real client address there (for
gunicorn, ``--forwarded-allow-ips`` with the proxy's address and a proxy that *sets*, not
appends to, the forwarded header). X-Forwarded-For is never read here: any client can send one.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from fengqiao.core.models import RateCounter

MAX_WINDOW = timedelta(days=1)
_KEY_SALT = "fengqiao.core.ratelimit"


def window_start(now: datetime, window_seconds: int) -> datetime:
    """The start of the window holding ``now``: epoch-aligned, whole seconds, in UTC."""
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % window_seconds, tz=UTC)


def retry_after(window_seconds: int, now: datetime | None = None) -> int:
    """Whole seconds until the current window ends (at least 1): the Retry-After value."""
    now = now or timezone.now()
    end = window_start(now, window_seconds) + timedelta(seconds=window_seconds)
    return max(1, int((end - now).total_seconds() + 0.999))


def key(scope: str, identifier: str) -> str:
    """A counter key: the scope in clear (for operators) and an HMAC of the identifier."""
    digest = salted_hmac(_KEY_SALT, f"{scope}\x00{identifier}", algorithm="sha256").hexdigest()
    return f"{scope}:{digest[:40]}"


def client_ip(request: HttpRequest) -> str:
    """The client's address from REMOTE_ADDR; an IPv6 client counts by its /64 network.

    One IPv6 subscriber is normally given a whole /64, so counting single addresses would let
    them rotate through billions of them.
    """
    raw = request.META.get("REMOTE_ADDR", "") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _count_in_window(key: str, start: datetime, limit: int) -> bool:
    """The common case of ``hit``: one more use in the current window, below the limit.

    The same UPDATE as ``current.update(count=F("count") + 1)`` below, written out because it
    runs on every API request and the ORM took several times longer to build it than the
    database to run it."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE core_ratecounter SET "count" = "count" + 1'
            ' WHERE "key" = %s AND "window_start" = %s AND "count" < %s',
            [key, connection.ops.adapt_datetimefield_value(start), limit],
        )
        return bool(cursor.rowcount)


def hit(key: str, limit: int, window_seconds: int, *, now: datetime | None = None) -> bool:
    """Count one use of ``key``; True if it is within ``limit`` uses in the current window.

    A refused hit is not counted. Costs one UPDATE in the common case; at most four queries
    when a window starts or the limit is reached.
    """
    if not 0 < window_seconds <= MAX_WINDOW.total_seconds():
        raise ValueError(f"window_seconds must be between 1 and {MAX_WINDOW.total_seconds():.0f}")
    if limit <= 0:
        return False
    start = window_start(now or timezone.now(), window_seconds)
    if _count_in_window(key, start, limit):
        return True
    rows = RateCounter.objects.filter(key=key)
    current = rows.filter(window_start=start, count__lt=limit)
    # A row left from an earlier window starts over. "Any other window", not "an earlier one",
    # so that a worker whose clock runs behind can never lock a client out.
    if rows.exclude(window_start=start).update(window_start=start, count=1):
        return True
    try:
        with transaction.atomic():
            RateCounter.objects.create(key=key, window_start=start, count=1)
        return True
    except IntegrityError:
        pass  # the row exists: at the limit, or created or restarted by a concurrent request
    return bool(current.update(count=F("count") + 1))


def prune(now: datetime | None = None) -> int:
    """Delete counters of windows that have certainly ended; returns how many."""
    cutoff = (now or timezone.now()) - MAX_WINDOW
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return int(deleted)
