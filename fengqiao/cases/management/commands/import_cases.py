"""``fengqiao import_cases FILE``: import historical cases from CSV/XLSX, all or nothing."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.accounts.models import User
from fengqiao.cases.importer import MAX_FILE_BYTES, import_cases


class Command(BaseCommand):
    help = "从 CSV 或 Excel 导入历史事件；任何一行有错误都不导入任何内容。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查并报告将导入的内容，不写入"
        )
        parser.add_argument("--user", default=None, help="记为导入人的账号（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有用户名为 {options['user']} 的账号。")
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path}：文件超过 20 MB，请拆分后分批导入。")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}") from exc
        report = import_cases(data, path.name, by=user, dry_run=options["dry_run"])
        if not report.ok:
            problems = "\n".join(report.errors)
            raise CommandError(
                f"{path}：未导入任何内容，共 {len(report.errors)} 处错误。\n{problems}"
            )
        total = sum(report.would_create.values())
        if report.dry_run:
            self.stdout.write(f"试导入：文件无误，将新建 {total} 条事件（未写入）。")
        else:
            self.stdout.write(f"已导入：新建 {report.created} 条事件。")
        for key, count in report.would_create.items():
            self.stdout.write(f"  {key}：{count}")
        if report.possible_duplicates:
            self.stdout.write(
                f"提示：{len(report.possible_duplicates)} 对行可能重复（仍已按行导入）："
            )
            for note in report.possible_duplicates:
                self.stdout.write(f"  {note}")
