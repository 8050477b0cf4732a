"""Alert thresholds set in the admin (预警阈值): how they combine; the detectors use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from fengqiao.accounts.models import User
from fengqiao.alerts import detectors
from fengqiao.alerts.models import Alert, Detector, Level, Thresholds
from fengqiao.alerts.thresholds import Configured, thresholds
from fengqiao.cases.choices import DeadlineState
from fengqiao.cases.models import Case, Category
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_most_specific_setting_wins() -> None:
    configured = {
        None: {"mass_people": 20, "repeat_count": 4},
        "dispute-wages": {"mass_people_red": 40},
    }
    wages = thresholds("dispute-wages", configured=configured)
    # Built-in for wages (10) beats the district row (20); the wages row sets red; the district
    # row's repeat count reaches every category.
    assert (wages.mass_people, wages.mass_people_red, wages.repeat_count) == (10, 40, 4)
    neighbour = thresholds("dispute-neighbour", configured=configured)
    assert (neighbour.mass_people, neighbour.mass_people_red) == (20, 100)
    assert thresholds(None, configured=configured).mass_people == 20
    assert (
        thresholds("dispute-wages", configured={"dispute-wages": {"mass_people": 5}}).mass_people
        == 5
    )


def test_rows_set_apart_never_leave_red_below_orange() -> None:
    crossed = thresholds("dispute-neighbour", configured={None: {"mass_people_red": 20}})
    assert (crossed.mass_people, crossed.mass_people_red) == (30, 31)


def test_a_key_period_never_rounds_red_onto_orange() -> None:
    configured: Configured = {None: {"mass_people": 31, "mass_people_red": 32}}
    halved = thresholds("dispute-neighbour", 0.5, configured)
    assert (halved.mass_people, halved.mass_people_red) == (16, 17)
    for multiplier in (0.05, 0.1, 0.3, 0.5, 0.7, 0.99):
        for orange in range(2, 80):
            t = thresholds(
                None, multiplier, {None: {"mass_people": orange, "mass_people_red": orange + 1}}
            )
            assert t.mass_people_red > t.mass_people, (multiplier, orange)


def test_a_key_period_still_multiplies_the_configured_values() -> None:
    strict = thresholds("dispute-neighbour", 0.5, {"dispute-neighbour": {"repeat_count": 6}})
    assert (strict.repeat_count, strict.repeat_days) == (3, 60)


def test_a_category_row_changes_what_the_detectors_raise(personas: Personas, clock: Any) -> None:
    case = make_case(title="邻里纠纷", category="dispute-neighbour", people_involved=8)
    detectors.run_rules()
    assert not Alert.objects.filter(detector=Detector.MASS_INCIDENT).exists()
    Thresholds.objects.create(
        category=Category.objects.get(code="dispute-neighbour"), mass_people=6, mass_people_red=8
    )
    detectors.run_rules()
    alert = Alert.objects.get(detector=Detector.MASS_INCIDENT)
    assert alert.level == Level.RED and list(alert.evidence.all()) == [case]
    assert "阈值 6 人" in alert.explanation


def test_the_district_row_sets_the_overdue_count(personas: Personas, clock: Any) -> None:
    cases = [make_case(title=f"超期{i}") for i in range(2)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        deadline_state=DeadlineState.OVERDUE, due_at=NOW - timedelta(days=2)
    )
    detectors.run_rules()
    assert not Alert.objects.filter(detector=Detector.OVERDUE).exists()
    Thresholds.objects.create(overdue_cases=2)
    detectors.run_rules()
    assert Alert.objects.get(detector=Detector.OVERDUE).evidence.count() == 2


@pytest.mark.django_db
def test_red_must_be_above_orange_and_counts_positive(personas: Personas) -> None:
    row = Thresholds(mass_people=20, mass_people_red=20)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "红色预警人数须大于橙色预警人数（20）。" in error.value.message_dict["mass_people_red"]
    with pytest.raises(ValidationError) as error:
        Thresholds(repeat_days=0).full_clean()
    assert "repeat_days" in error.value.message_dict


@pytest.mark.django_db
def test_one_row_for_the_district_and_one_per_category(personas: Personas) -> None:
    Thresholds.objects.create(escalations=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thresholds.objects.create(escalations=4)
    wages = Category.objects.get(code="dispute-wages")
    Thresholds.objects.create(category=wages, mass_people=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thresholds.objects.create(category=wages, mass_people=14)
    assert Thresholds.objects.count() == 2


@pytest.mark.django_db
def test_set_in_the_admin(client: Any, personas: Personas) -> None:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    add = reverse("admin:alerts_thresholds_add")
    assert "留空则沿用默认值（30）" in client.get(add).content.decode()
    response = client.post(add, {"category": "", "mass_people": "25", "mass_people_red": "10"})
    assert response.status_code == 200  # the form again, with the error
    assert "红色预警人数须大于橙色预警人数（25）。" in response.content.decode()
    assert not Thresholds.objects.exists()
    response = client.post(add, {"category": "", "mass_people": "25", "mass_people_red": "60"})
    assert response.status_code == 302
    row = Thresholds.objects.get()
    assert row.values() == {"mass_people": 25, "mass_people_red": 60}
    listing = client.get(reverse("admin:alerts_thresholds_changelist")).content.decode()
    assert "全辖区默认" in listing
