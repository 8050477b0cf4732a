"""Per-process copies of reference data, reloaded when it changes (参考数据缓存).

Routing a new case, checking an API token and finding a unit's e-mail recipients read the same
small tables on every request (units, memberships, users, regions, categories, routing rules,
tokens), and those tables change a few times a day. ``Memo`` keeps what a loader built from them
and asks the database one question per use: has the stamp changed? The stamp is the one row of
``core.Generation``; triggers (migration ``core.0004``) give it a fresh random value on every
write to those tables, in the writer's transaction, whoever writes (the admin, a bulk
``update()``, a command, raw SQL, another process). So the very next request in every worker
sees a change once it commits, as if there were no copy.

Why a random value and not a counter: a counter goes back when a transaction rolls back, and a
copy loaded inside that transaction (which sees its own uncommitted writes) would be labelled
with a number that a later, different change reaches again. A random value is never reused.

Why the stamp is read before loading: a change that commits between the two leaves a copy
newer than its label, which is reloaded at the next use; the other order could label old data
with the new stamp.

Within one web request the stamp is read once (``pinned``, entered by
``core.middleware.ReferenceDataMiddleware``): a create used it four times, a database round
trip each. A model saved or deleted through the ORM during the request (the admin) unpins it,
so the same request sees its own change; a bulk ``update()`` inside a request is seen from the
next request on.

Values handed out are shared by every thread of the process: treat them as read-only.
Costs: one single-row primary-key SELECT per request (or per ``Memo.get`` outside requests),
and a reload of the loader's query after each change. Where the row is missing (a test
database that was flushed), nothing is kept and every call loads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")

_MISSING = object()


# Inside ``pinned``: a list holding the stamp once read (empty until then); else None.
_pin: ContextVar[list[str | None] | None] = ContextVar("fengqiao_generation_pin", default=None)

# The tables whose writes move the stamp (the triggers of migration core.0004), as model labels.
REFERENCE_MODELS = (
    "accounts.User",
    "accounts.Unit",
    "accounts.Membership",
    "regions.Region",
    "cases.Category",
    "cases.RoutingRule",
    "api.ApiToken",
)


def current() -> str | None:
    """The reference-data stamp as this connection sees it, or None if the row is missing."""
    pin = _pin.get()
    if pin:
        return pin[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM core_generation WHERE id = 1")
        row = cursor.fetchone()
    stamp = None if row is None else str(row[0])
    if pin is not None:
        pin.append(stamp)
    return stamp


@contextmanager
def pinned() -> Iterator[None]:
    """Read the stamp at most once inside this block (one web request)."""
    token = _pin.set([])
    try:
        yield
    finally:
        _pin.reset(token)


def unpin(**_: object) -> None:
    """Forget the stamp read in this block: the next use reads it again (a ``post_save`` and
    ``post_delete`` receiver of the reference models, connected in ``core.apps``)."""
    pin = _pin.get()
    if pin:
        pin.clear()


class Memo(Generic[T]):
    """What ``load()`` returns, kept while the reference-data stamp stays the same."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._value: object = _MISSING

    def get(self) -> T:
        stamp = current()
        if stamp is not None:
            with self._lock:
                if stamp == self._stamp and self._value is not _MISSING:
                    return self._value  # type: ignore[return-value]
        value = self._load()
        if stamp is not None:
            with self._lock:
                self._stamp, self._value = stamp, value
        return value
