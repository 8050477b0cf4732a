"""The outbox: nothing is sent for a rolled-back change; delivery retries, then gives up."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from fengqiao.notifications import actions
from fengqiao.notifications.models import Channel, Notification, State

pytestmark = pytest.mark.django_db


class BrokenSms:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


class RecordingSms:
    sent: list[tuple[str, str]] = []

    def send(self, phone, text):
        RecordingSms.sent.append((phone, text))


def test_rolled_back_change_leaves_no_notification(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.queue_for_unit(personas.units["community"], "s", "b")
        raise RuntimeError
    assert Notification.objects.count() == 0


def test_email_is_delivered_through_djangos_backend(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    personas.street_operator.email = "street@example.org"
    personas.street_operator.save()
    actions.queue_for_unit(personas.units["street"], "FQ-1 新交办事件", "请签收")
    assert actions.deliver_pending() == 1
    assert mail.outbox[0].to == ["street@example.org"] and "新交办" in mail.outbox[0].subject
    assert Notification.objects.get(channel=Channel.EMAIL).state == State.SENT
    assert actions.deliver_pending() == 0


def test_sms_goes_through_the_configured_provider(db, settings):
    settings.SMS_PROVIDER = "fengqiao.notifications.tests.test_delivery.RecordingSms"
    RecordingSms.sent.clear()
    actions.queue_sms("13812345678", "您反映的事件已办结")
    actions.deliver_pending()
    assert RecordingSms.sent == [("13812345678", "您反映的事件已办结")]


def test_failures_are_retried_with_backoff_then_recorded(db, settings):
    settings.SMS_PROVIDER = "fengqiao.notifications.tests.test_delivery.BrokenSms"
    actions.queue_sms("13812345678", "x")
    now = timezone.now()
    for attempt in range(1, actions.MAX_ATTEMPTS + 1):
        assert actions.deliver_pending(now=now) == 0
        row = Notification.objects.get()
        assert row.attempts == attempt and "gateway down" in row.last_error
        if row.state == State.PENDING:
            assert row.next_attempt_at == now + timedelta(minutes=2**attempt)
            now = row.next_attempt_at
    assert row.state == State.FAILED


def test_inbox_rows_need_no_delivery(personas):
    actions.queue_for_unit(personas.units["community"], "s", "b")
    row = Notification.objects.get()
    assert row.channel == Channel.INBOX and row.state == State.SENT


def test_a_member_who_joins_or_leaves_changes_the_next_notice(personas):
    """The recipients come from the process's copy; joining, leaving or changing an address
    shows in the very next notice."""
    from fengqiao.accounts.models import Membership, Role

    def addresses():
        Notification.objects.all().delete()
        actions.queue_for_unit(personas.units["street"], "s", "b")
        return sorted(n.address for n in Notification.objects.filter(channel=Channel.EMAIL))

    assert addresses() == []
    personas.street_operator.email = "street@example.org"
    personas.street_operator.save()
    assert addresses() == ["street@example.org"]
    personas.outsider.email = "new@example.org"
    personas.outsider.save()
    joined = Membership.objects.create(
        user=personas.outsider, unit=personas.units["street"], role=Role.OPERATOR
    )
    assert addresses() == ["new@example.org", "street@example.org"]
    Membership.objects.filter(pk=joined.pk).delete()
    assert addresses() == ["street@example.org"]
