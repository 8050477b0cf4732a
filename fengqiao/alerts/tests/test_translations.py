"""The alerts app's strings are in the site's English catalogue, translated and used by the pages.

The alerts app once had its own catalogue (fengqiao/alerts/locale); it was folded into the one
site catalogue (fengqiao/locale, docs/architecture.md rule 6). The site catalogue's completeness
is tested in core/tests/test_translations.py; here: no app catalogue comes back, and the alert
strings really are in the site one.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.test import Client

from fengqiao.conftest import Personas

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
