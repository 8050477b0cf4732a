"""A person's inbox (消息): the notices addressed to them and to the units they work in.

The notifications outbox writes two kinds of inbox entry: a unit's (``unit`` set), which the
unit's desk reads, and a person's own (``user`` set: the reporter of a case who has an account,
a grid worker reminded of an inspection). ``inbox_of`` is every lookup's starting point, so the
page, the navigation's count and the API see the same notices: the person's own entries and
those of the units they hold an active role in other than grid worker (网格员: a grid worker
belongs to the community centre but does not work its desk, and would otherwise be shown every
case the centre receives; for an API token, only its unit: ``active_memberships``). Another
unit's notice is never listed; no page or endpoint shows one notice by id. A unit's e-mails go
to the same people (``notifications.actions``).

What is new to a person is what was written after their ``InboxMark`` (see the model for why a
mark, not a flag per notice). Reading the page does not move it; "mark all as read" does
(``mark_seen``), up to the newest notice the person was shown, so that a notice written while
they read stays new.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import DateTimeField, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fengqiao.accounts.models import Role, User, active_memberships
from fengqiao.notifications.models import Channel, InboxMark, Notification

# Roles that do not read their unit's notices (see the module's docstring).
FIELD_ROLES = frozenset({Role.GRID_WORKER})
# The navigation shows at most this many, then "99+".
COUNT_SHOWN = 99
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def inbox_of(user: User) -> QuerySet[Notification]:
    """The inbox entries ``user`` may read, newest first."""
    unit_ids = sorted({m.unit_id for m in active_memberships(user) if m.role not in FIELD_ROLES})
    return (
        Notification.objects.filter(channel=Channel.INBOX)
        .filter(Q(user_id=user.pk) | Q(unit_id__in=unit_ids))
        .order_by("-created_at", "-id")
    )


def seen_at(user: User) -> datetime | None:
    """When ``user`` last marked their inbox read; None if never."""
    return InboxMark.objects.filter(user_id=user.pk).values_list("seen_at", flat=True).first()


def unread(user: User, since: datetime | None = None) -> QuerySet[Notification]:
    """The entries written after ``user``'s mark (pass it as ``since`` if already read)."""
    notices = inbox_of(user)
    mark = since if since is not None else seen_at(user)
    return notices if mark is None else notices.filter(created_at__gt=mark)


def unread_count(user: User) -> int:
    """How many entries are new to ``user``, counted up to ``COUNT_SHOWN`` + 1 at most: one
    query, the mark read inside it (the navigation of every page runs it)."""
    mark = InboxMark.objects.filter(user_id=user.pk).values("seen_at")[:1]
    # One bound on created_at (the epoch when there is no mark), so each inbox's index on
    # (unit or user, channel, created_at) serves the range; unordered, so the database stops
    # at the hundredth match instead of sorting them all.
    new = inbox_of(user).filter(
        created_at__gt=Coalesce(Subquery(mark), Value(EPOCH, output_field=DateTimeField()))
    )
    return len(new.order_by().values_list("id", flat=True)[: COUNT_SHOWN + 1])


def mark_seen(user: User, until: datetime | None = None) -> datetime:
    """Mark ``user``'s inbox read up to ``until`` (the newest notice they were shown; now if
    None; never later than now, never earlier than the mark already set). Returns the mark."""
    now = timezone.now()
    wanted = min(until, now) if until is not None else now
    mark, created = InboxMark.objects.get_or_create(user=user, defaults={"seen_at": wanted})
    if not created and wanted > mark.seen_at:
        InboxMark.objects.filter(pk=mark.pk, seen_at__lt=wanted).update(seen_at=wanted)
        mark.seen_at = wanted
    return mark.seen_at
