"""The README's shell walkthrough runs as written on the demo district."""

import contextlib
import io
import re
from pathlib import Path

import pytest

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.demo.loader import load_demo

README = Path(__file__).resolve().parents[3] / "README.md"


def walkthrough_code():
    text = README.read_text("utf-8")
    match = re.search(r"<!-- walkthrough:[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert match, "the README lost its walkthrough block"
    return match.group(1)


@pytest.mark.django_db
def test_readme_walkthrough_follows_a_case_to_its_follow_up_visit():
    load_demo("fengqiao-demo", cases=False)
    before = set(Case.objects.values_list("pk", flat=True))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(walkthrough_code(), str(README), "exec"), {})  # noqa: S102 - our own README
    case = Case.objects.exclude(pk__in=before).get()
    assert case.status == Status.CLOSED and case.followed_up_at is not None
    printed = output.getvalue()
    assert "待受理" in printed and "回访" in printed and "核查结案" in printed
