"""The alerts app's strings are in the site's English catalogue, translated and used by the pages.

The alerts app once had its own catalogue (fengqiao/alerts/locale); it was folded into the one
site catalogue (fengqiao/locale, docs/architecture.md rule 6). The site catalogue's completeness
is tested in core/tests/test_translations.py; here: no app catalogue comes back, and the alert
strings really are in the site one.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from fengqiao.accounts.models import Membership, Role
from fengqiao.alerts import detectors
from fengqiao.alerts.models import Alert, Detector, KeyPeriod
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas
from fengqiao.notifications.models import Channel, Notification

SH = ZoneInfo("Asia/Shanghai")

APP = Path(__file__).resolve().parents[1]
SITE_MO = APP.parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"

ALERT_STRINGS = {
    "当前没有未关闭的预警。": "No open alerts.",
    "立即运行规则研判": "Run the rule detectors now",
}


def test_the_alerts_app_has_no_catalogue_of_its_own() -> None:
    # makemessages would write alerts strings into an app locale dir if one existed,
    # splitting the English translation in two.
    assert not (APP / "locale").exists()


def test_the_site_catalogue_translates_the_alert_pages() -> None:
    with SITE_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert {m: compiled.gettext(m) for m in ALERT_STRINGS} == ALERT_STRINGS


@pytest.mark.django_db
def test_the_alert_list_speaks_english_when_chosen(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.district_leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/alerts/").content.decode()
    assert "No open alerts." in body and "Run the rule detectors now" in body


@pytest.mark.django_db
def test_a_detectors_alert_reads_in_the_readers_language(personas: Personas) -> None:
    """The detector writes its title and explanation in Chinese, the record; a reader who chose
    English sees them in English on the list, the page, the map and through the API."""
    with time_machine.travel(datetime(2025, 10, 3, 10, 0, tzinfo=SH), tick=False):
        KeyPeriod.objects.create(
            name="国庆", starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 7), daily_report=False
        )
        case = make_case(title="讨要工钱", category="dispute-neighbour", people_involved=40)
        with translation.override("en"):  # whatever language the worker runs in
            detectors.run_rules()
    alert = Alert.objects.get(detector=Detector.MASS_INCIDENT)
    assert alert.title == "群体性事件风险：讨要工钱"
    assert alert.explanation.startswith(f"事件 {case.number} 涉及 40 人（阈值 15 人）")
    assert alert.explanation.endswith("（重要节点“国庆”期间，预警阈值从严）")
    title = "Mass-incident risk: 讨要工钱"
    with translation.override("en"):
        assert alert.shown_title == title
        assert alert.shown_explanation.startswith(
            f"Case {case.number} involves 40 people (threshold 15)"
        )
        assert alert.shown_explanation.endswith(
            " (thresholds are stricter during the key period “国庆”)"
        )
    client = Client()
    client.force_login(personas.district_leader)
    assert alert.title in client.get("/alerts/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert title in client.get("/alerts/").content.decode()
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert title in page and "thresholds are stricter" in page and "群体性事件" not in page
    points = client.get("/alerts/map/data.geojson").json()["features"]
    assert [p["properties"]["title"] for p in points] == [title]
    api = client.get(f"/api/v1/alerts/{alert.pk}/").json()
    assert (api["title"], api["title_display"]) == (alert.title, title)
    assert api["explanation"] == alert.explanation
    assert "key period" in api["explanation_display"]
    # Its notice to the covering centre: sent in Chinese, read in the reader's language.
    notice = Notification.objects.filter(channel=Channel.INBOX, case=None).first()
    assert notice is not None and notice.unit is not None
    assert notice.subject.endswith("：群体性事件风险：讨要工钱")
    assert notice.link == f"/alerts/{alert.pk}/"
    desk = Membership.objects.filter(unit=notice.unit).exclude(role=Role.GRID_WORKER).first()
    assert desk is not None
    member = desk.user
    reader = Client()
    reader.force_login(member)
    reader.cookies["django_language"] = "en"
    inbox = reader.get("/notices/").content.decode()
    assert f"alert: {title}" in inbox and "群体性事件风险" not in inbox
