"""The English translation is complete and the shipped .mo matches the .po."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


def po_entries():
    """(msgid, msgstr, block, context) for every singular entry of the .po file (no header)."""
    text = PO.read_text("utf-8")
    entries = []
    for block in text.split("\n\n"):
        if "msgid_plural" in block or "#~" in block:
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
            if msgid:
                context = re.search(r'^msgctxt "(.*)"', block, re.M)
                entries.append(
                    (
                        msgid.replace('\\"', '"'),
                        msgstr.replace('\\"', '"'),
                        block,
                        context.group(1) if context else None,
                    )
                )
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, _, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, block, _ in entries if "#, fuzzy" in block]
    assert untranslated == [] and fuzzy == []


def msgids(po: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every entry of a .po file, plural ones included (no header)."""
    found = set()
    for block in po.read_text("utf-8").split("\n\n"):
        if "#~" in block:
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            context = re.search(r'^msgctxt "(.*)"', block, re.M)
            if msgid:
                found.add((context.group(1) if context else None, msgid))
    return found


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext is not installed (make test installs it: scripts/ensure_gettext.sh)",
)
def test_catalogue_holds_every_string_of_the_source(tmp_path):
    """`make messages` on a copy of the source finds no string the catalogue lacks or no longer
    needs: UI text added without refreshing the catalogue would show in Chinese on English pages
    (the model's field names once did)."""
    copy = tmp_path / "fengqiao"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fengqiao.settings_test"}
    command = [sys.executable, str(PACKAGE.parent / "manage.py"), "makemessages", "-l", "en"]
    command += ["--no-location", "--ignore", "*/tests/*", "--ignore", "demo/data/*"]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    fresh = msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    shipped = msgids(PO)
    assert sorted(fresh - shipped) == [], "strings missing from the catalogue: run `make messages`"
    assert sorted(shipped - fresh) == [], "strings no longer used: run `make messages`"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        m
        for m, s, _, ctx in po_entries()
        if (catalogue.pgettext(ctx, m) if ctx else catalogue.gettext(m)) != s
    ]
    assert stale == [], "run `make messages` to recompile django.mo"


@pytest.mark.django_db
def test_choosing_english_switches_the_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert "Sign in" in body and "Password" in body and '<html lang="en">' in body
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_pages_are_chinese_even_for_an_english_browser(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body and '<html lang="zh-hans">' in body


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert "登录" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_action_buttons_follow_the_chosen_language(client, personas):
    # Module-level action labels must be lazy: an eager gettext froze them in Chinese at import.
    from fengqiao.cases.tests.factories import make_case

    case = make_case()
    client.force_login(personas.community_operator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Add attachment" in body and "添加附件" not in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "添加附件" in body


def test_short_dates_follow_the_language():
    """Lists show month and day as staff write them: 3月5日 in Chinese, March 5 in English."""
    from datetime import date

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ d|date:"MONTH_DAY_FORMAT" }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"d": date(2026, 3, 5)})) == "3月5日"
    with translation.override("en"):
        assert template.render(Context({"d": date(2026, 3, 5)})) == "March 5"


def test_punctuation_around_values_follows_the_language():
    """Full-width brackets and colons are Chinese text too: English pages get (x) and a: b."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from fengqiao.cases.measures import Rate

    rate = Rate(3, 4, 0.75)
    with translation.override("zh-hans"):
        assert render_to_string("hazards/_rate.html", {"rate": rate}).strip() == "75%（3/4）"
    with translation.override("en"):
        assert render_to_string("hazards/_rate.html", {"rate": rate}).strip() == "75% (3/4)"
