"""``fengqiao demo``: load the demo district (regions, units, people, cases); print its logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fengqiao.demo.loader import load_demo
from fengqiao.regions.models import Region

DEFAULT_PASSWORD = "fengqiao-demo"  # noqa: S105 - demo logins only; printed for the user


class Command(BaseCommand):
    help = "载入演示辖区（云龙示范区，边界为合成数据）及各角色的演示账号。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reset", action="store_true", help="先清空数据库中的全部数据")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="所有演示账号的密码")
        parser.add_argument(
            "--no-cases", action="store_true", help="不生成演示事件（只载入辖区和账号）"
        )
        parser.add_argument(
            "--years",
            type=int,
            default=2,
            choices=range(1, 6),
            help="生成多少年的演示事件（默认 2）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str = options["password"]
        if len(password) < 8 or password.isspace():
            raise CommandError("--password 至少 8 个字符")
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif Region.objects.exists():
            raise CommandError(
                "数据库中已有区划数据：演示数据只能载入空数据库。使用 --reset 清空后重新载入。"
            )
        summary = load_demo(password, cases=not options["no_cases"], days=365 * options["years"])
        levels = "，".join(f"{k} {v}" for k, v in summary.regions.items())
        self.stdout.write(f"演示辖区已载入：{levels}；单位 {summary.units}；账号 {summary.users}。")
        if summary.cases is not None:
            cases = summary.cases
            self.stdout.write(
                f"演示事件 {cases.cases} 件（办理中 {cases.open} 件），流转记录 {cases.events} 条，"
                f"督办 {cases.supervisions} 次；用时 {cases.seconds:.1f} 秒。"
            )
            for hot_spot in cases.hot_spots:
                self.stdout.write(f"  热点：{hot_spot}")
            if summary.alerts:
                alerts = "，".join(f"{k} {v}" for k, v in sorted(summary.alerts.items()))
                self.stdout.write(f"研判预警 {sum(summary.alerts.values())} 条：{alerts}。")
            if summary.notices:
                self.stdout.write(f"办理中事件的站内消息 {summary.notices} 条（各单位“消息”页）。")
        if summary.prevention is not None:
            p = summary.prevention
            self.stdout.write(
                f"风险防范：重点场所 {p.places} 个，排查计划 {p.plans} 个（任务 {p.tasks} 项），"
                f"隐患 {p.hazards} 项，平安志愿者 {p.volunteers} 名。"
            )
        if summary.disputes:
            self.stdout.write(
                f"多元化解演示纠纷 {summary.disputes} 件（各阶段各一）：调解员 xuelin_tiaojie，"
                "人民法庭 fating_faguan。"
            )
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<20} {login.full_name:<6} {login.description}")
