"""Mediation documents as PDF (调解文书): the application (人民调解申请书), the record of each
session (人民调解笔录) and the agreement (人民调解协议书), in the layout of the Ministry of
Justice's model forms: title, number, the parties' particulars, the body, signature lines.

The Chinese font is a TrueType collection from a Debian package (fonts-wqy-zenhei, or
fonts-arphic-uming), embedded as a subset so the PDF shows the same everywhere; nothing is
downloaded. ``MEDIATION_FONT`` in the environment may name another TrueType (.ttf/.ttc) file.
Documents carry the parties' full particulars: the views let only those who may reveal them
download one, and audit each download.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from fengqiao.cases.models import Party
from fengqiao.lib.identity import birth_date
from fengqiao.mediation.models import Mediation, Session

FONT_NAME = "FengqiaoCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
INSTALL_HINT = "apt-get install fonts-wqy-zenhei"


class DocumentError(Exception):
    """The document cannot be made (no usable Chinese font); the message says how to fix it."""


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the Chinese font once and return its name; DocumentError when none is found."""
    configured = os.environ.get("MEDIATION_FONT", "")
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            try:
                font = TTFont(FONT_NAME, str(path), subfontIndex=0)
            except Exception as exc:  # reportlab raises bare TTFError/ValueError variants
                raise DocumentError(
                    f"调解文书字体 {path} 无法使用（需 TrueType 字体，非 CFF/OTF）：{exc}"
                ) from exc
            pdfmetrics.registerFont(font)
            return FONT_NAME
    raise DocumentError(
        "找不到生成调解文书所需的中文字体（"
        + "、".join(candidates)
        + f"）。请安装：{INSTALL_HINT}，或用 MEDIATION_FONT 指定 TrueType 字体文件。"
    )


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    base = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=0
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=4
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT, spaceAfter=8),
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=24),
        "heading": ParagraphStyle("heading", parent=base, spaceBefore=8),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text: str, style: ParagraphStyle) -> list[Flowable]:
    return [Paragraph(_escape(line), style) for line in text.splitlines() if line.strip()]


def _cn_date(value: date | datetime | None) -> str:
    if value is None:
        return "    年  月  日"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日{value.hour:02d}时{value.minute:02d}分"
    return f"{value.year}年{value.month}月{value.day}日"


def _sex_and_age(party: Party, today: date) -> str:
    born = birth_date(party.id_number or "")
    if born is None:
        return ""
    sex = "男" if int(party.id_number[16]) % 2 else "女"
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{sex}，{age}岁，"


def _party_lines(parties: Iterable[Party], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    today = timezone.localdate()
    out: list[Flowable] = []
    for p in parties:
        if p.party_type == Party.Type.PERSON:
            text = (
                f"{p.get_role_display()}：{p.name}，{_sex_and_age(p, today)}"
                f"身份证号码：{p.id_number or '—'}，住址：{p.address or '—'}，"
                f"联系电话：{p.phone or '—'}。"
            )
        else:
            text = (
                f"{p.get_role_display()}：{p.name}，统一社会信用代码：{p.id_number or '—'}，"
                f"住所：{p.address or '—'}，联系电话：{p.phone or '—'}。"
            )
        out.append(Paragraph(_escape(text), s["body"]))
    return out


def _signatures(rows: list[list[str]], s: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(_escape(c), s["body"]) for c in row] for row in rows],
        colWidths=[85 * mm, 85 * mm],
    )
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return table


def _pdf(title: str, story: list[Flowable], mediation: Mediation) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{title} {mediation.number}",
        author=mediation.org.unit.name,
        creator="Fengqiao",
    )
    doc.build(story)
    return buffer.getvalue()


def _parties(mediation: Mediation) -> list[Party]:
    order: dict[str, int] = {Party.Role.APPLICANT: 0, Party.Role.RESPONDENT: 1, Party.Role.THIRD: 2}
    return sorted(mediation.case.parties.all(), key=lambda p: (order.get(p.role, 9), p.pk))


def agreement_pdf(mediation: Mediation) -> bytes:
    """人民调解协议书. Only for a mediation concluded with an agreement."""
    if mediation.outcome != "agreement":
        raise DocumentError("只有调解成功的调解才有调解协议书。")
    s = _styles()
    org = mediation.org.unit.name
    story: list[Flowable] = [
        Paragraph("人民调解协议书", s["title"]),
        Paragraph(_escape(f"编号：{mediation.number}"), s["number"]),
        *_party_lines(_parties(mediation), s),
        Paragraph("纠纷主要事实、争议事项：", s["heading"]),
        *_lines(mediation.facts, s["indent"]),
        Paragraph(
            "经本委员会调解，双方当事人在平等协商、互谅互让的基础上自愿达成如下协议：",
            s["heading"],
        ),
        *_lines(mediation.terms, s["indent"]),
        Paragraph("履行方式、时限：", s["heading"]),
        Paragraph(
            _escape(
                f"{mediation.performance_method or '按上述协议履行'}，"
                f"于{_cn_date(mediation.performance_due)}前履行完毕。"
            ),
            s["indent"],
        ),
        Paragraph(
            "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起"
            "生效。本协议一式三份，当事人各持一份，人民调解委员会留存一份。当事人可以自本协议生效"
            "之日起三十日内共同向人民法院申请司法确认。",
            s["indent"],
        ),
        Spacer(1, 8 * mm),
    ]
    names = [p.name for p in _parties(mediation)]
    sign_rows = [[f"当事人（签名盖章或按指印）：{n}", ""] for n in names]
    mediators = "、".join(str(u) for u in mediation.mediators.all())
    sign_rows.append([f"人民调解员（签名）：{mediators}", ""])
    sign_rows.append(["记录人（签名）：", f"{org}（盖章）"])
    sign_rows.append(
        [
            "",
            _cn_date(
                timezone.localdate(mediation.concluded_at) if mediation.concluded_at else None
            ),
        ]
    )
    story.append(KeepTogether([_signatures(sign_rows, s)]))
    return _pdf("人民调解协议书", story, mediation)


def application_pdf(mediation: Mediation) -> bytes:
    """人民调解申请书: the applicant's request, as received."""
    s = _styles()
    parties = _parties(mediation)
    applicants = [p for p in parties if p.role == Party.Role.APPLICANT]
    story: list[Flowable] = [
        Paragraph("人民调解申请书", s["title"]),
        Paragraph(_escape(f"编号：{mediation.number}"), s["number"]),
        *_party_lines(parties, s),
        Paragraph("申请事项：", s["heading"]),
        *_lines(mediation.request, s["indent"]),
        Paragraph("事实和理由：", s["heading"]),
        *_lines(mediation.facts, s["indent"]),
        Paragraph("此致", s["heading"]),
        Paragraph(_escape(mediation.org.unit.name), s["body"]),
        Spacer(1, 10 * mm),
        Paragraph(
            _escape("申请人（签名盖章或按指印）：" + "、".join(p.name for p in applicants)),
            s["right"],
        ),
        Paragraph(_escape(_cn_date(timezone.localdate(mediation.applied_at))), s["right"]),
    ]
    return _pdf("人民调解申请书", story, mediation)


def record_pdf(mediation: Mediation, session: Session) -> bytes:
    """人民调解笔录 of one session."""
    if session.mediation_id != mediation.pk:
        raise DocumentError("该笔录不属于此调解。")
    s = _styles()
    mediators = "、".join(str(u) for u in mediation.mediators.all())
    story: list[Flowable] = [
        Paragraph("人民调解笔录", s["title"]),
        Paragraph(_escape(f"编号：{mediation.number}"), s["number"]),
        Paragraph(_escape(f"时间：{_cn_date(session.held_at)}"), s["body"]),
        Paragraph(_escape(f"地点：{session.place}"), s["body"]),
        Paragraph(_escape(f"人民调解员：{mediators}"), s["body"]),
        Paragraph(_escape(f"记录人：{session.recorded_by or ''}"), s["body"]),
        Paragraph(_escape(f"参加人员：{session.attendees}"), s["body"]),
        Paragraph("当事人基本情况：", s["heading"]),
        *_party_lines(_parties(mediation), s),
        Paragraph("调解情况：", s["heading"]),
        *_lines(session.summary, s["indent"]),
    ]
    if session.next_steps:
        story += [Paragraph("下一步安排：", s["heading"]), *_lines(session.next_steps, s["indent"])]
    story += [
        Spacer(1, 10 * mm),
        _signatures(
            [
                ["当事人（签名）：", "人民调解员（签名）："],
                ["记录人（签名）：", _cn_date(timezone.localdate(session.held_at))],
            ],
            s,
        ),
    ]
    return _pdf("人民调解笔录", story, mediation)
