"""``fengqiao worker``: runs queued tasks and enqueues periodic jobs when they are due.

Safe to run as several copies: tasks are claimed with row locks by django-tasks' database
backend and periodic jobs with a conditional UPDATE (``core.jobs``).
"""

from __future__ import annotations

import os
import signal
import socket
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from fengqiao.core.jobs import enqueue_due_jobs


class Command(BaseCommand):
    help = "运行后台任务：执行队列中的任务，并按时排入定时任务。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=2.0, help="空闲时轮询间隔（秒）")
        parser.add_argument("--once", action="store_true", help="排入到期任务、执行完队列后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if not 0.1 <= interval <= 3600:
            raise CommandError("--interval 必须在 0.1 到 3600 秒之间")
        self.running = True
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._loop(interval, once=options["once"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _loop(self, interval: float, *, once: bool) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
        self.stdout.write(f"fengqiao worker {worker_id} started")
        while self.running:
            enqueue_due_jobs()
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
            ).run()
            close_old_connections()
            if once:
                break
            time.sleep(interval)
        self.stdout.write("fengqiao worker stopped")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # Finish the task in hand, then leave the loop: no task is abandoned half-run.
        self.running = False
