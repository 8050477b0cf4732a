"""``fengqiao demo``: load the demo district (regions, units, people) and print its logins."""

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
        summary = load_demo(password)
        levels = "，".join(f"{k} {v}" for k, v in summary.regions.items())
        self.stdout.write(f"演示辖区已载入：{levels}；单位 {summary.units}；账号 {summary.users}。")
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<20} {login.full_name:<6} {login.description}")
