"""Turning a valid resident report into a case with its photos, all or nothing.

The case and its attachments are created in one transaction: if a photo is refused after the
case was created, the case goes too. Photos were already checked by the form, so that is rare;
``add_attachment`` checks again, as it is the single place that stores files.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases import actions
from fengqiao.cases.choices import Channel
from fengqiao.cases.errors import CaseError
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Attachment, Case
from fengqiao.portal.forms import Photo, ReportForm


class PhotoRefused(Exception):
    """A photo was refused while the case was being created; nothing was kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_report(form: ReportForm) -> Case:
    """Create the case of a valid report (``channel="resident"``, no account) and attach its
    photos. A form sent again with the same submission key returns the case created the first
    time, photos not attached twice. Raises ``CaseError`` (from intake) or ``PhotoRefused``."""
    data = form.cleaned_data
    key = data["submission_key"]
    if key:
        existing = Case.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            case = submit(
                category=form.chosen_category(),
                title=data["title"],
                description=data["description"],
                occurred_at=timezone.now(),
                channel=Channel.RESIDENT,
                by=None,
                lon=data["lon"],
                lat=data["lat"],
                region=data["community"] if data["lon"] is None else None,
                address=data["address"],
                anonymous=bool(data["anonymous"]),
                reporter_name=data["contact_name"],
                reporter_phone=data["contact_phone"],
                submission_key=key,
            )
            # A concurrent copy of this form (a double click) may have created the case while
            # this request waited; it attached the photos, so this one must not.
            if not case.attachments.exists():
                stored = _attach(case, data["photos"])
                actions.notify_reporter(
                    case,
                    _("已收到，查询码 %(code)s，请凭此码查询办理进度。")
                    % {"code": case.tracking_code},
                )
    except BaseException:
        # Rows roll back with the transaction; files are outside it.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return case


def _attach(case: Case, photos: list[Photo]) -> list[Attachment]:
    stored: list[Attachment] = []
    try:
        for photo in photos:
            stored.append(
                actions.add_attachment(case, data=photo.data, filename=photo.name, by=None)
            )
    except CaseError as exc:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise PhotoRefused(exc.message) from exc
    return stored
