"""System notes (系统说明): text the software writes, kept in one language, shown in the reader's.

A note a person types is stored and shown as typed. A note the software writes ("超期未办结，系统
自动上报", "移送某单位（司法确认）：理由", an alert's title and explanation) is a ``SystemNote``: a
translatable message and its values. It is stored twice on its record: as text in the site's
language (``settings.LANGUAGE_CODE``) in the text column, whatever language the person who acted
had chosen, so that search, exports and the record read the same for everyone; and as the
message and its values in the record's ``data`` (``data["note_template"]`` on timeline events),
so that a page or API response renders it in the reader's language (``shown``).

Values (``Value``) are plain text or numbers (names, a reason someone typed, counts), shown as
they are; translatable labels (``word``, ``words``: a choice's display), translated when shown;
or other notes (``nested``, ``listed``: a sentence added to another). The message ids are the
Chinese source strings (Chinese is the source language of the catalogue), so a note written
today and a translation added later still meet. If the message or its values no longer fit
(a later version changed the message), the stored text is shown instead.

Notices (通知: inbox, e-mail, SMS) are sent once, so their text is in the site's language whoever
acts (``in_site_language``, ``site_language``); an inbox entry also keeps its subject's and body's
templates and is shown in its reader's language, like a note (``notifications.models``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

KEY = "note_template"

# Plain text or a number, shown as is; {"msgid": ...}, translated when shown; {"msgids": [...]},
# each translated and joined with the language's list separator (、 in Chinese); or
# {"note": {"msgid": ..., "params": ...}}, a note within the note (a sentence added to another);
# or {"notes": [...]}, several, joined like ``msgids``.
Value = str | int | float | dict[str, Any]
LIST_SEPARATOR = gettext_noop("、")


def word(label: str | Promise) -> dict[str, str]:
    """A translatable value (a choice's label, a lazy string): its message id, in the source
    language, so that it is translated when the note is shown."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"msgid": str(label)}


def words(labels: list[str | Promise]) -> dict[str, list[str]]:
    """Several translatable values shown as a list (风险因素: 多次纠纷、涉及人数多)."""
    return {"msgids": [word(label)["msgid"] for label in labels]}


def render_value(value: Value) -> str | int | float:
    """One value of a note, in the active language."""
    if not isinstance(value, dict):
        return value
    if "msgids" in value:
        return gettext(LIST_SEPARATOR).join(_translated(m) for m in value["msgids"])
    if "note" in value:
        return SystemNote(value["note"]["msgid"], value["note"]["params"]).text()
    if "notes" in value:
        parts = (SystemNote(n["msgid"], n["params"]).text() for n in value["notes"])
        return gettext(LIST_SEPARATOR).join(parts)
    return _translated(value["msgid"])


def _translated(msgid: str) -> str:
    # gettext("") is the catalogue's header, not an empty string.
    return gettext(msgid) if msgid else msgid


def nested(note: SystemNote | str) -> Value:
    """A note as a value of another (an empty string stays empty)."""
    return {"note": note.as_data()} if isinstance(note, SystemNote) else note


def listed(items: list[SystemNote]) -> Value:
    """Several notes as one value, joined with the language's list separator."""
    return {"notes": [item.as_data() for item in items]}


@dataclass(frozen=True)
class SystemNote:
    """A note the software writes: a message id (mark it with ``gettext_noop``) and its values."""

    msgid: str
    params: Mapping[str, Value] = field(default_factory=dict)

    def text(self) -> str:
        """The note in the active language."""
        values = {name: render_value(value) for name, value in self.params.items()}
        message = _translated(self.msgid)
        return message % values if values else message

    def stored_text(self) -> str:
        """The note in the site's language, as kept in the ``note`` column."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.text()

    def as_data(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": dict(self.params)}


def system_note(msgid: str, **params: Value) -> SystemNote:
    """``SystemNote(msgid, params)``, the values as keyword arguments."""
    return SystemNote(msgid, params)


def joined(*parts: str | SystemNote, separator: str = "\n") -> SystemNote:
    """Texts and notes one after another (a notice's body: a case's title, then what happened),
    each shown in the reader's language if it is a note. The separator is not translated, and
    the message, only placeholders and the separator, needs no entry in the catalogue."""
    msgid = separator.replace("%", "%%").join(f"%(p{i})s" for i in range(len(parts)))
    return SystemNote(msgid, {f"p{i}": nested(part) for i, part in enumerate(parts)})


def label_note(label: str | Promise) -> SystemNote:
    """A note that is only a translatable label (a choice's display, such as 黄牌督办)."""
    return SystemNote(word(label)["msgid"])


@contextmanager
def site_language() -> Iterator[None]:
    """Write a notice (通知) in the site's language inside this block (see ``in_site_language``)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_site_language(note: str | SystemNote) -> str:
    """A notice's text (通知) in the site's language, whoever acts and in whatever language:
    notifications are written once, for e-mail, SMS and every reader of a unit's inbox."""
    return note.stored_text() if isinstance(note, SystemNote) else note


def stored(
    note: str | SystemNote, data: Mapping[str, Any] | None, key: str = KEY
) -> tuple[str, dict[str, Any]]:
    """The text column and the ``data`` of a record for a note of either kind (``key``: where in
    ``data`` the template goes; a typed note removes an earlier one)."""
    data = dict(data or {})
    if isinstance(note, SystemNote):
        data[key] = note.as_data()
        return note.stored_text(), data
    data.pop(key, None)
    return note, data


def recalled(note: str, data: Mapping[str, Any] | None, key: str = KEY) -> str | SystemNote:
    """A record's note as written: its ``SystemNote`` if ``data`` keeps one, else the text (to
    quote a note in another, such as an alert's title in a notice)."""
    template = (data or {}).get(key)
    if isinstance(template, dict):
        msgid, params = template.get("msgid"), template.get("params") or {}
        if isinstance(msgid, str) and isinstance(params, dict):
            return SystemNote(msgid, params)
    return note


def shown(note: str, data: Mapping[str, Any] | None, key: str = KEY) -> str:
    """A note in the active language: a system note rendered, any other as stored."""
    written = recalled(note, data, key)
    if not isinstance(written, SystemNote):
        return note
    try:
        return written.text()
    except (KeyError, TypeError, ValueError, AttributeError):
        return note


class ShownNote:
    """For an event model with ``note`` and ``data``: ``shown_note``, the note to show."""

    note: str
    data: Any

    @property
    def shown_note(self) -> str:
        return shown(self.note, self.data)
