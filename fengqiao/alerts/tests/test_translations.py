"""The alerts app's English catalogue is complete, compiled, and used by the pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

from fengqiao.conftest import Personas

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"


def entries() -> list[tuple[str, str, str]]:
    """(msgid, msgstr, block) of every singular entry; plural entries give their first form."""
    found = []
    for block in (CATALOGUE / "django.po").read_text("utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            mid = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
            if mid:
                found.append(
                    (
                        mid,
                        "".join(re.findall(r'"(.*)"', msgstr.group(1))).replace('\\"', '"'),
                        block,
                    )
                )
    return found


def test_every_alerts_string_is_translated_and_none_is_fuzzy() -> None:
    found = entries()
    assert len(found) > 100
    assert [m for m, s, _ in found if not s] == []
    assert [m for m, _, b in found if "#, fuzzy" in b] == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    singular = [(m, s) for m, s, b in entries() if "msgid_plural" not in b]
    assert [m for m, s in singular if compiled.gettext(m) != s] == []


@pytest.mark.django_db
def test_the_alert_list_speaks_english_when_chosen(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.district_leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/alerts/").content.decode()
    assert "No open alerts." in body and "Run the rule detectors now" in body
