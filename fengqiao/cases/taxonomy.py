"""The seeded category tree (大类/小类) and its default handling and deadline policy.

Deadlines are a reasonable starting point for a district, meant to be edited in the admin:
disputes get the 30 days the People's Mediation Law allows a mediation, hazards and emergencies
are counted in working hours, petitions follow the Regulations on Letters and Visits (accept
within 15 days, conclude within 60).
"""

from __future__ import annotations

from typing import Any

# (code, name, description, overrides) per group; groups carry the kind and defaults.
TAXONOMY: list[dict[str, Any]] = [
    {
        "code": "dispute",
        "name": "矛盾纠纷",
        "kind": "dispute",
        "defaults": {"resolve_within": 30, "priority": "normal"},
        "children": [
            ("dispute-family", "婚姻家庭", "夫妻、赡养、抚养、继承等家庭矛盾", {}),
            ("dispute-neighbour", "邻里纠纷", "相邻通行、噪音、漏水、宅基地边界等邻里矛盾", {}),
            ("dispute-property", "物业纠纷", "业主与物业公司之间的收费、服务、维修矛盾", {}),
            (
                "dispute-wages",
                "劳资/欠薪",
                "拖欠工资、劳动报酬、工伤赔偿等",
                {"priority": "high", "default_tier": "street", "resolve_within": 15},
            ),
            (
                "dispute-land",
                "土地山林",
                "土地承包、山林权属、用水用地纠纷",
                {"default_tier": "street"},
            ),
            (
                "dispute-expropriation",
                "征地拆迁",
                "征地补偿、房屋拆迁安置引发的矛盾",
                {"priority": "high", "default_tier": "street"},
            ),
            ("dispute-medical", "医疗纠纷", "就医过程中的医患矛盾", {"default_tier": "street"}),
            (
                "dispute-traffic",
                "交通事故",
                "交通事故赔偿纠纷",
                {"default_unit_kind": "police", "default_tier": "street"},
            ),
            ("dispute-consumer", "消费纠纷", "商品质量、服务收费等消费矛盾", {}),
            ("dispute-debt", "合同债务", "借款、合同履行、经济往来纠纷", {}),
            ("dispute-other", "其他纠纷", "以上没有列出的矛盾纠纷", {}),
        ],
    },
    {
        "code": "hazard",
        "name": "风险隐患",
        "kind": "hazard",
        "defaults": {
            "accept_within": 4,
            "accept_unit": "hours",
            "resolve_within": 10,
            "priority": "high",
        },
        "children": [
            (
                "hazard-fire",
                "消防安全",
                "堵塞消防通道、私拉电线、电动车楼道充电等",
                {"resolve_within": 5},
            ),
            ("hazard-production", "安全生产", "企业、作坊、工地的生产安全隐患", {}),
            ("hazard-road", "道路交通", "道路破损、缺失标志、积水等交通安全隐患", {}),
            ("hazard-construction", "建筑施工", "工地围挡、高空坠物、违规施工等隐患", {}),
            ("hazard-housing", "危房", "房屋开裂、倾斜等危险房屋", {"default_tier": "street"}),
            (
                "hazard-geological",
                "地质灾害",
                "滑坡、崩塌、地面塌陷等",
                {
                    "priority": "urgent",
                    "accept_within": 1,
                    "resolve_within": 24,
                    "resolve_unit": "hours",
                    "default_tier": "street",
                },
            ),
            (
                "hazard-public-order",
                "治安隐患",
                "可能危害公共安全、社会治安的情况",
                {"default_unit_kind": "police", "default_tier": "street"},
            ),
            ("hazard-food-drug", "食品药品", "过期、无证经营食品药品等", {}),
        ],
    },
    {
        "code": "request",
        "name": "诉求投诉",
        "kind": "request",
        "defaults": {"resolve_within": 10, "priority": "normal"},
        "children": [
            ("request-environment", "市容环境", "垃圾堆放、占道经营、乱贴乱画等", {}),
            (
                "request-construction",
                "施工扰民/项目建设环境",
                "施工噪音扬尘扰民，或阻挠、干扰项目建设（项目建设环境“即时清淤”）",
                {"default_tier": "street"},
            ),
            ("request-facilities", "公共设施", "路灯、井盖、健身器材等公共设施损坏", {}),
            ("request-noise", "噪声扰民", "生活、商业噪声扰民", {}),
            ("request-other", "其他诉求", "以上没有列出的意见建议和投诉", {}),
        ],
    },
    {
        "code": "petition",
        "name": "信访",
        "kind": "petition",
        "defaults": {"accept_within": 15, "resolve_within": 60, "default_tier": "street"},
        "children": [("petition-general", "信访事项", "来信、来访反映的信访事项", {})],
    },
    {
        "code": "emergency",
        "name": "突发事件",
        "kind": "emergency",
        "defaults": {
            "accept_within": 1,
            "accept_unit": "hours",
            "resolve_within": 24,
            "resolve_unit": "hours",
            "priority": "urgent",
            "default_tier": "street",
        },
        "children": [("emergency-general", "突发事件", "正在发生、需要立即处置的突发情况", {})],
    },
]


def seed(category_model: Any) -> int:
    """Create the tree if its codes are missing (never overwrites admin edits); returns count."""
    created = 0
    for order, group in enumerate(TAXONOMY):
        parent, made = category_model.objects.get_or_create(
            code=group["code"],
            defaults={"name": group["name"], "kind": group["kind"], "sort_order": order * 100},
        )
        created += made
        for index, (code, name, description, overrides) in enumerate(group["children"]):
            fields = {
                "name": name,
                "kind": group["kind"],
                "parent": parent,
                "description": description,
                "sort_order": order * 100 + index + 1,
                **group["defaults"],
                **overrides,
            }
            _, made = category_model.objects.get_or_create(code=code, defaults=fields)
            created += made
    return created
