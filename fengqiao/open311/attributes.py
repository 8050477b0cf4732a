"""Service attributes (GeoReport v2 service definitions): how they are shown and answered."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fengqiao.open311.models import ServiceAttribute, ServiceMapping

ANSWER = re.compile(r"^attribute\[(?P<code>[^\]]+)\](?P<many>\[\])?$")
# The attribute whose answer also sets the case's 涉及人数, when a service defines it.
PEOPLE_INVOLVED = "people_involved"
MAX_ANSWER = 500


class AttributeInputError(ValueError):
    """An answer that does not fit its attribute; the message is for the client."""


@dataclass(frozen=True)
class Answers:
    lines: list[str]  # "问题：回答" lines for the case description
    people_involved: int | None


def definition(attribute: ServiceAttribute) -> dict[str, Any]:
    """One attribute as the spec lists it, field by field."""
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in attribute.values]
        if attribute.is_list
        else [],
    }


def _raw_answers(post: QueryDict) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for name in post:
        match = ANSWER.match(name)
        if match:
            raw.setdefault(match["code"], []).extend(v.strip() for v in post.getlist(name))
    return {code: [v for v in values if v] for code, values in raw.items()}


def _answer(attribute: ServiceAttribute, values: list[str]) -> str:
    """The answer as staff read it; raises AttributeInputError naming the attribute."""
    name = f"attribute[{attribute.code}]"
    Datatype = ServiceAttribute.Datatype
    if attribute.datatype != Datatype.MULTI and len(values) > 1:
        raise AttributeInputError(_("%(n)s 只能有一个值。") % {"n": name})
    if any(len(v) > MAX_ANSWER for v in values):
        raise AttributeInputError(_("%(n)s 过长（至多 %(m)d 字）。") % {"n": name, "m": MAX_ANSWER})
    if attribute.is_list:
        keys = attribute.keys()
        unknown = [v for v in values if v not in keys]
        if unknown:
            raise AttributeInputError(
                _("%(n)s 的取值 %(v)s 不在选项中（可选：%(k)s）。")
                % {"n": name, "v": "、".join(unknown), "k": "、".join(keys)}
            )
        return "、".join(keys[v] for v in values)
    (value,) = values
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise AttributeInputError(_("%(n)s 须为数字。") % {"n": name})
    elif attribute.datatype == Datatype.DATETIME and parse_datetime(value) is None:
        raise AttributeInputError(
            _("%(n)s 须为 W3C 日期时间，例如 2026-11-29T10:00:00+08:00。") % {"n": name}
        )
    return value


def read_answers(service: ServiceMapping, post: QueryDict) -> Answers:
    """Check the ``attribute[...]`` fields of a POST against the service's definition."""
    attributes = {a.code: a for a in service.attributes.all()}
    raw = _raw_answers(post)
    unknown = sorted(set(raw) - set(attributes))
    if unknown:
        raise AttributeInputError(
            _("服务 %(s)s 没有属性：%(c)s。") % {"s": service.service_code, "c": "、".join(unknown)}
        )
    lines: list[str] = []
    people: int | None = None
    for attribute in attributes.values():
        values = raw.get(attribute.code, [])
        if not values:
            if attribute.required:
                raise AttributeInputError(
                    _("缺少必填属性 attribute[%(c)s]（%(d)s）。")
                    % {"c": attribute.code, "d": attribute.description}
                )
            continue
        answer = _answer(attribute, values)
        lines.append(f"{attribute.description}：{answer}")
        if attribute.code == PEOPLE_INVOLVED and attribute.datatype == "number":
            number = float(answer)
            if not number.is_integer():
                raise AttributeInputError(_("attribute[people_involved] 须为整数。"))
            people = int(number)
    return Answers(lines=lines, people_involved=people)
