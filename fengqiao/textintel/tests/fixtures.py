"""Small labelled Chinese messages for the classifier tests (generated, three clear topics)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "城乡建设": (
        ["小区", "道路", "施工", "拆迁", "物业", "路灯", "下水道", "违章建筑"],
        ["占道施工", "围墙倒塌", "井盖缺失", "楼顶漏水", "房屋开裂", "道路坑洼"],
    ),
    "劳动和社会保障": (
        ["公司", "工地", "老板", "社保", "养老金", "工资", "合同", "工伤"],
        ["拖欠工资", "未缴社保", "辞退不补偿", "工伤不认定", "退休金未发", "加班费没给"],
    ),
    "教育文体": (
        ["学校", "老师", "学生", "幼儿园", "补课", "学籍", "考试", "图书馆"],
        ["乱收费", "违规补课", "入学难", "校车超载", "食堂卫生差", "学位不足"],
    ),
}


def messages(per_class: int, seed: int = 7) -> list[tuple[str, str]]:
    """``per_class`` messages of each topic as (text, label), shuffled with a fixed seed."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for label, (nouns, problems) in TOPICS.items():
        for _ in range(per_class):
            noun, other = rng.sample(nouns, 2)
            problem = rng.choice(problems)
            district = f"A{rng.randint(1, 9)}区"
            text = f"{district}{noun}{problem}\n我们{other}附近的{noun}{problem}，请尽快处理。"
            rows.append((text, label))
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, rows: list[list[str]], header: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def labelled_csv(path: Path, per_class: int = 20, seed: int = 7) -> Path:
    rows = [[str(i), text, label] for i, (text, label) in enumerate(messages(per_class, seed))]
    return write_csv(path, rows, ["id", "content", "category"])


# The three topics labelled with category codes of the seeded taxonomy, as retrain labels them.
CATEGORY_CODES = {
    "城乡建设": "hazard-construction",
    "劳动和社会保障": "dispute-wages",
    "教育文体": "request-other",
}
