"""System notes (系统说明): timeline notes the software writes, shown in the reader's language.

A note a person types is stored and shown as typed. A note the software writes ("超期未办结，系统
自动上报", "移送某单位（司法确认）：理由") is made from a translatable message and values. It is
stored twice on the event: as text in the site's language (``settings.LANGUAGE_CODE``), in the
``note`` column, whatever language the person who acted had chosen, so that search, exports and
the record read the same for everyone; and as the message and its values under
``data["note_template"]``, so that a page or API response renders it in the reader's language.

Values are either plain text (names, a reason someone typed), shown as they are, or a ``word``:
a translatable label (a choice's display), translated when shown. The message ids are the
Chinese source strings (Chinese is the source language of the catalogue), so a note written
today and a translation added later still meet. If the message or its values no longer fit
(a later version changed the message), the stored text is shown instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

KEY = "note_template"

# Plain text; {"msgid": ...}, translated when shown; or {"msgids": [...]}, each translated and
# joined with the language's list separator (、 in Chinese).
Value = str | dict[str, Any]
LIST_SEPARATOR = gettext_noop("、")


def word(label: str | Promise) -> dict[str, str]:
    """A translatable value (a choice's label, a lazy string): its message id, in the source
    language, so that it is translated when the note is shown."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"msgid": str(label)}


def words(labels: list[str | Promise]) -> dict[str, list[str]]:
    """Several translatable values shown as a list (风险因素: 多次纠纷、涉及人数多)."""
    return {"msgids": [word(label)["msgid"] for label in labels]}


def _rendered(value: Value) -> str:
    if isinstance(value, str):
        return value
    if "msgids" in value:
        return gettext(LIST_SEPARATOR).join(gettext(m) for m in value["msgids"])
    return gettext(value["msgid"])


@dataclass(frozen=True)
class SystemNote:
    """A note the software writes: a message id (mark it with ``gettext_noop``) and its values."""

    msgid: str
    params: Mapping[str, Value] = field(default_factory=dict)

    def text(self) -> str:
        """The note in the active language."""
        values = {name: _rendered(value) for name, value in self.params.items()}
        message = gettext(self.msgid)
        return message % values if values else message

    def stored_text(self) -> str:
        """The note in the site's language, as kept in the ``note`` column."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.text()

    def as_data(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": dict(self.params)}


def system_note(msgid: str, **params: Value) -> SystemNote:
    return SystemNote(msgid, params)


def stored(note: str | SystemNote, data: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The ``note`` column and the ``data`` of an event for a note of either kind."""
    data = dict(data or {})
    if isinstance(note, SystemNote):
        data[KEY] = note.as_data()
        return note.stored_text(), data
    return note, data


def shown(note: str, data: Mapping[str, Any] | None) -> str:
    """An event's note in the active language: a system note rendered, any other as stored."""
    template = (data or {}).get(KEY)
    if not isinstance(template, dict):
        return note
    msgid, params = template.get("msgid"), template.get("params") or {}
    if not isinstance(msgid, str) or not isinstance(params, dict):
        return note
    try:
        return SystemNote(msgid, params).text()
    except (KeyError, TypeError, ValueError):
        return note


class ShownNote:
    """For an event model with ``note`` and ``data``: ``shown_note``, the note to show."""

    note: str
    data: Any

    @property
    def shown_note(self) -> str:
        return shown(self.note, self.data)
