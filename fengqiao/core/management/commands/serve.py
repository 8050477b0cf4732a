"""``fengqiao serve``: the web server (gunicorn) and, with ``--with-worker``, the worker beside it.

Both are child processes; a Ctrl+C or SIGTERM stops both, and if either dies the other is stopped
too, so a half-running installation never goes unnoticed.

gunicorn runs gthread workers (keep-alive, which its default sync workers lack), by default one
process per core (at least two) with four threads each (it used to be two sync workers: two
requests at a time on any machine). On two cores 2 x 4 served API creates and reads as fast as
4 x 1 or faster, with half the memory and twice the requests in progress, so a slow export does
not hold up a process (docs/benchmarks.md, "API under gunicorn").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

DEFAULT_THREADS = 4


def default_workers(cores: int | None) -> int:
    """One gunicorn process per core (at least 2, at most 16); ``os.cpu_count()`` may be None."""
    return min(16, max(2, cores or 1))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stopped(child: subprocess.Popen[bytes], *, timeout: float) -> bool:
    """Wait for a child told to stop; kill it if it does not within ``timeout`` (the worker
    finishes the task in hand, and the weekly model retrain can take minutes: its model file
    is replaced atomically, so killing it loses only that run). False if it had to be killed."""
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return False
    return True


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn），可同时启动后台任务进程。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None, help="gunicorn 进程数（默认：每核 1 个，2–16）"
        )
        parser.add_argument(
            "--threads", type=int, default=DEFAULT_THREADS, help="每个进程的线程数（默认 4）"
        )
        parser.add_argument("--with-worker", action="store_true", help="同时运行 fengqiao worker")

    def handle(self, *args: Any, **options: Any) -> None:
        port, workers, threads = options["port"], options["workers"], options["threads"]
        if workers is None:
            workers = default_workers(os.cpu_count())
        if not 1 <= port <= 65535:
            raise CommandError(f"端口必须在 1–65535 之间：{port}")
        if not 1 <= workers <= 64:
            raise CommandError(f"--workers 必须在 1–64 之间：{workers}")
        if not 1 <= threads <= 64:
            raise CommandError(f"--threads 必须在 1–64 之间：{threads}")
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "fengqiao.wsgi:application",
            "--bind",
            f"{options['host']}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "5",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        signal.signal(signal.SIGTERM, _interrupt)
        children = [subprocess.Popen(web)]  # noqa: S603 - fixed argv, no shell
        if options["with_worker"]:
            worker = [sys.executable, "-m", "fengqiao.cli", "worker"]
            children.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(f"Fengqiao 已启动：http://{options['host']}:{port}/")
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            killed = {child.pid for child in children if not _stopped(child, timeout=30)}
            for pid in killed:
                self.stderr.write(f"子进程 {pid} 未在 30 秒内停止，已强制结束。")
        codes = [child.returncode for child in children if child.pid not in killed]
        if any(code not in (0, -signal.SIGTERM, None) for code in codes):
            raise CommandError(f"子进程异常退出：{codes}")
