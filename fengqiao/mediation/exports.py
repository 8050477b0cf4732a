"""Export of a dispute's parties (当事人名单) as CSV: masked unless the caller has established
that the user may reveal them (``permissions.may_reveal``, with a reason); the view audits."""

from __future__ import annotations

from fengqiao.cases.models import Case
from fengqiao.lib.masking import mask_id_number, mask_name, mask_phone
from fengqiao.lib.tabular import write_csv

HEADER = ["事件编号", "角色", "类型", "姓名/名称", "联系电话", "身份证号/统一社会信用代码", "地址"]


def parties_csv(case: Case, *, unmasked: bool) -> bytes:
    rows = []
    for p in case.parties.order_by("pk"):
        name, phone, number = p.name, p.phone, p.id_number
        if not unmasked:
            name, phone, number = mask_name(name), mask_phone(phone), mask_id_number(number)
        rows.append(
            [
                case.number,
                p.get_role_display(),
                p.get_party_type_display(),
                name,
                phone,
                number,
                p.address,
            ]
        )
    return write_csv(rows, HEADER)
