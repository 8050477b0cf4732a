"""``fengqiao export_cases``: export cases to CSV/XLSX, filtered like the workbench list.

A command runs as an administrator, so it sees every case; contacts are always masked.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.cases.exporter import export_cases
from fengqiao.cases.filtersets import filter_cases
from fengqiao.cases.models import Case

# Command option -> CaseFilterSet parameter.
FILTERS = {
    "status": "status",
    "region": "region",
    "category": "category",
    "submitted_after": "submitted_after",
    "submitted_before": "submitted_before",
    "q": "q",
}


class Command(BaseCommand):
    help = "导出事件为 CSV 或 Excel（联系人、联系电话已脱敏）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "-o", "--output", type=Path, default=None, help="输出文件；省略时 CSV 写到标准输出"
        )
        parser.add_argument(
            "--status", nargs="+", action="extend", default=None, help="状态，可填多个"
        )
        parser.add_argument("--region", help="区域代码，含其下级")
        parser.add_argument("--category", help="类别编码；大类含其小类")
        parser.add_argument("--submitted-after", help="上报日期起（YYYY-MM-DD，含当天）")
        parser.add_argument("--submitted-before", help="上报日期止（YYYY-MM-DD，含当天）")
        parser.add_argument("--q", help="在编号、标题、描述、地址中查找")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, output = options["format"], options["output"]
        if output is None and fmt == "xlsx":
            raise CommandError("导出 xlsx 时请用 -o 指定输出文件。")
        params = {key: options[option] for option, key in FILTERS.items() if options[option]}
        try:
            cases = filter_cases(params, Case.objects.all())
        except ValueError as exc:
            raise CommandError(f"筛选条件有误：{exc}") from exc
        data = export_cases(cases, fmt)
        if output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from exc
        self.stdout.write(f"已导出 {cases.count()} 条事件到 {output}。")
