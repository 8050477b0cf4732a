"""The ``textintel`` management command: argument wiring, clear errors and retrain."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.textintel.classifier import load
from fengqiao.textintel.tests.fixtures import labelled_csv


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("textintel", *args, stdout=out)
    return out.getvalue()


def test_train_predict_and_evaluate_from_the_command_line(tmp_path):
    data = labelled_csv(tmp_path / "t.csv", per_class=6)
    model = str(tmp_path / "m.fqm")
    out = run(
        "train",
        "--input",
        str(data),
        "--text-column",
        "content",
        "--label-column",
        "category",
        "--model",
        model,
    )
    assert "已训练：18 条，3 个类别" in out
    out = run(
        "predict",
        "--model",
        model,
        "--input",
        str(data),
        "--text-column",
        "content",
        "--output",
        str(tmp_path / "p.csv"),
    )
    assert "已预测 18 行" in out
    out = run(
        "evaluate",
        "--model",
        model,
        "--input",
        str(data),
        "--text-column",
        "content",
        "--label-column",
        "category",
    )
    assert "macro-F1" in out


def test_bad_input_becomes_a_command_error_not_a_traceback(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="文件为空"):
        run(
            "train",
            "--input",
            str(empty),
            "--text-column",
            "t",
            "--label-column",
            "l",
            "--model",
            str(tmp_path / "m.fqm"),
        )
    broken = tmp_path / "broken.fqm"
    broken.write_bytes(b"garbage")
    with pytest.raises(CommandError, match="不是 Fengqiao 文本分类模型文件"):
        run(
            "predict",
            "--model",
            str(broken),
            "--input",
            str(empty),
            "--text-column",
            "t",
            "--output",
            str(tmp_path / "o.csv"),
        )


def test_missing_required_option_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError, match="--label-column"):
        run("train", "--input", "x.csv", "--text-column", "t", "--model", "m")


@pytest.mark.django_db
def test_retrain_learns_from_closed_cases_only(tmp_path, personas):
    texts = {
        "dispute-neighbour": ["楼上漏水影响楼下", "邻居装修噪音扰民", "邻居堆放杂物占用楼道"],
        "hazard-fire": ["楼道电动车充电火灾隐患", "消防通道被堵塞", "违规使用明火"],
    }
    for code, titles in texts.items():
        for title in titles:
            case = make_case(category=code, title=title, description=title)
            Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    make_case(category="dispute-neighbour", title="未结案的事件", description="不应参与训练")
    model_path = tmp_path / "m.fqm"
    out = run("retrain", "--model", str(model_path))
    assert "已训练：6 条，2 个类别" in out
    model = load(model_path)
    assert model.labels == ["dispute-neighbour", "hazard-fire"]
    assert model.predict(["楼道里电动车充电"])[0].label == "hazard-fire"


@pytest.mark.django_db
def test_retrain_without_closed_cases_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="没有已结案的事件"):
        run("retrain", "--model", str(tmp_path / "m.fqm"))
    assert not Path(tmp_path / "m.fqm").exists()
