"""Queueing and delivering notifications (通知).

``queue_*`` functions only add outbox rows, inside the caller's transaction, and arrange for the
worker to deliver them once that transaction commits; a rolled-back change sends nothing.
``deliver_pending`` sends what is due, with exponential back-off and a final failure state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import Membership, Unit, User
from fengqiao.core import notes
from fengqiao.core.generation import Memo
from fengqiao.core.notes import SystemNote
from fengqiao.notifications.inbox import FIELD_ROLES
from fengqiao.notifications.models import BODY_KEY, SUBJECT_KEY, Channel, Notification, State
from fengqiao.notifications.sms import sms_provider

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _schedule_delivery() -> None:
    from fengqiao.notifications.tasks import deliver_notifications

    transaction.on_commit(lambda: deliver_notifications.enqueue())


def _load_member_emails() -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    members = (
        Membership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(role__in=FIELD_ROLES)  # not the unit's desk (notifications.inbox)
        .values_list("unit_id", "user_id", "user__email")
        .order_by("unit_id", "user_id")
        .distinct()
    )
    for unit_id, user_id, address in members:
        found.setdefault(unit_id, []).append((user_id, address))
    return found


# Each unit's active members with an e-mail address, per process, reloaded when memberships or
# users change (core.generation): queuing a unit's notices runs no query for them.
_member_emails = Memo(_load_member_emails)


# A notice's subject or body: text as it is, or a note the software writes (core.notes), which
# is sent in the site's language and shown in an inbox in the reader's.
Text = str | SystemNote
SUBJECT_LENGTH, BODY_LENGTH = 200, 2000


def written(subject: Text, body: Text, *, link: str = "") -> tuple[str, str, dict[str, Any]]:
    """A notice's subject and body in the site's language (cut to the columns' lengths), and its
    ``data``: their templates and ``link``, a page of the site for the reader to open."""
    subject_text, data = notes.stored(subject, None, SUBJECT_KEY)
    body_text, data = notes.stored(body, data, BODY_KEY)
    if link:
        data["link"] = link
    return subject_text[:SUBJECT_LENGTH], body_text[:BODY_LENGTH], data


def inbox_row(
    unit_id: int,
    subject: Text,
    body: Text,
    *,
    case_id: int | None,
    now: datetime,
    link: str = "",
) -> Notification:
    """The unit's inbox entry (站内消息): visible to every member at once, nothing to deliver."""
    return _inbox_entry(subject, body, unit_id=unit_id, case_id=case_id, now=now, link=link)


def user_inbox_row(
    user_id: int,
    subject: Text,
    body: Text,
    *,
    case_id: int | None,
    now: datetime,
    link: str = "",
) -> Notification:
    """A person's own inbox entry (站内消息)."""
    return _inbox_entry(subject, body, user_id=user_id, case_id=case_id, now=now, link=link)


def _inbox_entry(
    subject: Text,
    body: Text,
    *,
    unit_id: int | None = None,
    user_id: int | None = None,
    case_id: int | None,
    now: datetime,
    link: str,
) -> Notification:
    subject_text, body_text, data = written(subject, body, link=link)
    return Notification(
        channel=Channel.INBOX,
        unit_id=unit_id,
        user_id=user_id,
        subject=subject_text,
        body=body_text,
        data=data,
        case_id=case_id,
        state=State.SENT,
        created_at=now,
        sent_at=now,
    )


def email_rows(
    unit_id: int,
    subject: Text,
    body: Text,
    *,
    case_id: int | None,
    now: datetime,
) -> list[Notification]:
    """An e-mail to each member of the unit with an address (in the site's language)."""
    subject_text, body_text, _ = written(subject, body)
    return [
        Notification(
            channel=Channel.EMAIL,
            user_id=user_id,
            address=address,
            subject=subject_text,
            body=body_text,
            case_id=case_id,
            created_at=now,
            next_attempt_at=now,
        )
        for user_id, address in _member_emails.get().get(unit_id, ())
    ]


def unit_rows(
    unit_id: int,
    subject: Text,
    body: Text,
    *,
    case_id: int | None,
    now: datetime,
    link: str = "",
) -> list[Notification]:
    """Outbox rows for a unit: its inbox entry and an e-mail to each member with an address
    (the entry's texts, already in the site's language)."""
    inbox = inbox_row(unit_id, subject, body, case_id=case_id, now=now, link=link)
    return [inbox, *email_rows(unit_id, inbox.subject, inbox.body, case_id=case_id, now=now)]


def queue_for_unit(
    unit: Unit, subject: Text, body: Text, *, case_id: int | None = None, link: str = ""
) -> None:
    rows = unit_rows(unit.pk, subject, body, case_id=case_id, now=timezone.now(), link=link)
    Notification.objects.bulk_create(rows)
    if len(rows) > 1:
        _schedule_delivery()


def queue_for_user(
    user: User, subject: Text, body: Text, *, case_id: int | None = None, link: str = ""
) -> None:
    now = timezone.now()
    inbox = user_inbox_row(user.pk, subject, body, case_id=case_id, now=now, link=link)
    rows = [inbox]
    if user.email:
        rows.append(
            Notification(
                channel=Channel.EMAIL,
                user=user,
                address=user.email,
                subject=inbox.subject,
                body=inbox.body,
                case_id=case_id,
                created_at=now,
                next_attempt_at=now,
            )
        )
    Notification.objects.bulk_create(rows)
    if len(rows) > 1:
        _schedule_delivery()


def queue_sms(phone: str, text: Text, *, case_id: int | None = None) -> None:
    """An SMS, in the site's language (an SMS is never shown on a page)."""
    now = timezone.now()
    body = notes.in_site_language(text)
    Notification.objects.create(
        channel=Channel.SMS,
        address=phone,
        subject=body[:SUBJECT_LENGTH],
        body=body[:BODY_LENGTH],
        case_id=case_id,
        created_at=now,
        next_attempt_at=now,
    )
    _schedule_delivery()


def bulk_queue(rows: Iterable[Notification]) -> None:
    rows = list(rows)
    Notification.objects.bulk_create(rows, batch_size=1000)
    if any(row.state == State.PENDING for row in rows):
        _schedule_delivery()


def _send(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.address],
            fail_silently=False,
        )
    elif notification.channel == Channel.SMS:
        sms_provider().send(notification.address, notification.body)


def deliver_pending(limit: int = 200, now: datetime | None = None) -> int:
    """Send up to ``limit`` due notifications; returns how many were sent.

    Each row is claimed in its own short transaction with ``SKIP LOCKED`` (PostgreSQL) so two
    workers never send the same message; SQLite serialises writers instead.
    """
    now = now or timezone.now()
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(state=State.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if row is None:
                break
            row.attempts += 1
            try:
                _send(row)
            except Exception as exc:  # any provider failure is recorded, never lost
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.state = State.FAILED
                    logger.warning("notification %s failed for good: %s", row.pk, row.last_error)
                else:
                    row.next_attempt_at = now + timedelta(minutes=2**row.attempts)
            else:
                row.state, row.sent_at = State.SENT, now
                sent += 1
            row.save(
                update_fields=["attempts", "last_error", "state", "next_attempt_at", "sent_at"]
            )
    return sent
