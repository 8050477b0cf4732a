"""The README's curl example runs as written against a live server on the demo district."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fengqiao.cases.models import Case
from fengqiao.demo.loader import load_demo

README = Path(__file__).resolve().parents[3] / "README.md"


def curl_block() -> str:
    text = README.read_text("utf-8")
    match = re.search(r"<!-- curl:[^>]*-->\s*```sh\n(.*?)```", text, re.S)
    assert match, "the README lost its curl block"
    return match.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.django_db(transaction=True)
def test_readme_curl_files_and_follows_a_case(live_server: Any) -> None:
    load_demo("fengqiao-demo", cases=False)
    script = curl_block().replace("http://127.0.0.1:8000", live_server.url)
    assert script != curl_block(), "the block no longer names the demo's address"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    number, detail, timeline, public = done.stdout.splitlines()
    case = Case.objects.get(number=number)
    assert case.channel == "api" and case.category.code == "request-noise"
    assert json.loads(detail)["number"] == number
    assert json.loads(timeline)[0]["action"] == "submit"
    (request,) = json.loads(public)
    assert request["service_request_id"] == number and request["status"] == "open"
