"""Database-backed fixed-window rate limits: counting, window rollover, pruning, concurrency."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test import RequestFactory

from fengqiao.core import ratelimit
from fengqiao.core.jobs import registered
from fengqiao.core.models import RateCounter

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)  # on an hour boundary


@pytest.mark.django_db
def test_hits_within_the_limit_pass_and_the_next_is_refused():
    assert [ratelimit.hit("k", 3, 3600, now=T0) for _ in range(5)] == [True] * 3 + [False] * 2
    # refused hits are not counted
    assert RateCounter.objects.get(key="k").count == 3


@pytest.mark.django_db
def test_keys_are_counted_separately():
    assert ratelimit.hit("a", 1, 60, now=T0)
    assert ratelimit.hit("b", 1, 60, now=T0)
    assert not ratelimit.hit("a", 1, 60, now=T0)


@pytest.mark.django_db
def test_a_new_window_starts_the_count_again():
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert ratelimit.hit("k", 2, 3600)
        assert ratelimit.hit("k", 2, 3600)
        assert not ratelimit.hit("k", 2, 3600)
        assert ratelimit.retry_after(3600) == 50 * 60
    with time_machine.travel(T0 + timedelta(minutes=59, seconds=59), tick=False):
        assert not ratelimit.hit("k", 2, 3600)
        assert ratelimit.retry_after(3600) == 1
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert ratelimit.hit("k", 2, 3600)
        row = RateCounter.objects.get(key="k")
        assert (row.count, row.window_start) == (1, T0 + timedelta(hours=1))
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db
def test_windows_are_aligned_to_the_clock_not_to_the_first_hit():
    assert ratelimit.hit("k", 1, 600, now=T0 + timedelta(minutes=9))
    # one minute later a new ten-minute window has begun
    assert ratelimit.hit("k", 1, 600, now=T0 + timedelta(minutes=10))


@pytest.mark.django_db
def test_zero_limit_refuses_and_bad_window_is_an_error():
    assert not ratelimit.hit("k", 0, 60)
    with pytest.raises(ValueError):
        ratelimit.hit("k", 1, 0)
    with pytest.raises(ValueError):
        ratelimit.hit("k", 1, 2 * 86400)


@pytest.mark.django_db
def test_prune_removes_only_ended_windows():
    ratelimit.hit("old", 5, 3600, now=T0)
    ratelimit.hit("new", 5, 3600, now=T0 + timedelta(hours=23))
    assert ratelimit.prune(now=T0 + timedelta(days=1, minutes=1)) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def test_prune_job_is_registered_with_the_worker():
    assert "core.prune_rate_counters" in [p.name for p in registered()]


def test_keys_hide_the_identifier_and_keep_the_scope():
    key = ratelimit.key("portal.report", "203.0.113.9")
    assert key.startswith("portal.report:") and "203.0.113.9" not in key
    assert len(key) <= 100  # RateCounter.key.max_length
    assert key == ratelimit.key("portal.report", "203.0.113.9")
    assert key != ratelimit.key("portal.track", "203.0.113.9")


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "unknown"),
    ],
)
def test_client_ip_comes_from_remote_addr_only(remote, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ratelimit.client_ip(request) == expected


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_pass_the_limit():
    """Twenty requests at once, in their own connections, against a limit of seven (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")

    def one_hit(_):
        try:
            return ratelimit.hit("race", 7, 3600, now=T0)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one_hit, range(20)))
    assert results.count(True) == 7
    assert RateCounter.objects.get(key="race").count == 7
