"""The worker's retrain of the category model (retraining.py, tasks.py)."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.core.jobs import registered
from fengqiao.textintel import classifier, retraining
from fengqiao.textintel.retraining import MIN_CLOSED_CASES, retrain_if_due
from fengqiao.textintel.tasks import retrain_category_model
from fengqiao.textintel.tests.fixtures import CATEGORY_CODES as CODES
from fengqiao.textintel.tests.fixtures import messages


def close_cases(count: int, *, codes: dict[str, str] = CODES) -> None:
    """``count`` closed cases on the fixture's topics (closed directly: the lifecycle is not
    what is tested here)."""
    rows = messages(per_class=count // 3 + 1)[:count]
    made = [
        make_case(category=codes[label], title=text.split("\n")[0], description=text)
        for text, label in rows
    ]
    Case.objects.filter(pk__in=[c.pk for c in made]).update(status=Status.CLOSED)


@pytest.fixture
def model_path(settings, tmp_path, personas):
    """Where the model goes (a folder that does not exist yet), with the test region tree."""
    settings.TEXTINTEL_MODEL = tmp_path / "textintel" / "category-model.bin"
    return settings.TEXTINTEL_MODEL


def test_first_model_is_trained_once_enough_cases_are_closed(model_path):
    close_cases(MIN_CLOSED_CASES)
    make_case(category="request-noise", title="未结案的事件不参与训练")
    result = retrain_category_model.call()
    assert result["trained"] is True and result["reason"] == "no usable model"
    assert (result["closed_cases"], result["categories"]) == (MIN_CLOSED_CASES, 3)
    model = classifier.load(model_path)  # the folder was created
    assert sorted(model.labels) == sorted(CODES.values()) and model.n_train == MIN_CLOSED_CASES
    assert classifier.suggest("学校老师违规补课乱收费", model_path).label == "request-other"


def test_too_few_closed_cases_train_nothing(model_path):
    close_cases(MIN_CLOSED_CASES - 1)
    result = retrain_if_due()
    assert result.trained is False and "only 49 closed cases" in result.reason
    assert not model_path.exists()


def test_closed_cases_of_one_category_train_nothing(model_path):
    close_cases(MIN_CLOSED_CASES, codes=dict.fromkeys(CODES, "dispute-wages"))
    result = retrain_if_due()
    assert result.trained is False and "one category" in result.reason
    assert not model_path.exists()


def test_a_fresh_model_is_kept_and_a_week_old_one_retrained(model_path):
    close_cases(MIN_CLOSED_CASES)
    assert retrain_if_due().trained
    trained_at = retraining.model_trained_at(model_path)
    assert trained_at is not None
    first = model_path.read_bytes()
    soon = retrain_if_due(now=trained_at + timedelta(days=6, hours=23))
    assert soon.trained is False and "not due" in soon.reason
    assert model_path.read_bytes() == first
    week = retrain_if_due(now=trained_at + timedelta(days=7))
    assert week.trained is True and week.reason == "model older than 7 days"


def test_an_unusable_model_file_is_replaced(model_path):
    close_cases(MIN_CLOSED_CASES)
    model_path.parent.mkdir(parents=True)
    model_path.write_bytes(b"FQTEXTINTEL\n{damaged")
    assert retraining.model_trained_at(model_path) is None
    assert retrain_if_due(now=timezone.now()).trained
    assert classifier.load(model_path).n_train == MIN_CLOSED_CASES


def test_a_failed_save_is_reported_not_raised(model_path, caplog):
    close_cases(MIN_CLOSED_CASES)
    model_path.mkdir(parents=True)  # a folder where the file should be: the rename fails
    result = retrain_if_due()
    assert result.trained is False and "training failed" in result.reason
    assert "无法写入模型文件" in caplog.text
    assert [p.name for p in model_path.parent.iterdir()] == [model_path.name]  # no temp file


def test_the_retrain_is_registered_with_the_worker():
    job = next(p for p in registered() if p.name == "textintel.retrain_category_model")
    assert job.every == retraining.CHECK_EVERY and job.task is retrain_category_model


def test_only_the_most_recent_closed_cases_are_learnt_from(model_path, monkeypatch):
    close_cases(MIN_CLOSED_CASES + 4)
    monkeypatch.setattr(retraining, "MAX_TRAINING_CASES", MIN_CLOSED_CASES)
    result = retrain_if_due()
    assert result.trained and result.closed_cases == MIN_CLOSED_CASES
    newest = Case.objects.filter(status=Status.CLOSED).order_by("-pk")[:MIN_CLOSED_CASES]
    texts, _labels = retraining.closed_case_examples(limit=MIN_CLOSED_CASES)
    assert texts == [f"{c.title}\n{c.description}" for c in reversed(newest)]


def test_temporary_files_of_a_killed_save_are_removed(model_path):
    folder = model_path.parent
    folder.mkdir(parents=True)
    old = folder / f".{model_path.name}.abc123.partial"
    fresh = folder / f".{model_path.name}.def456.partial"  # a save in progress
    other = folder / "notes.partial"
    for path in (old, fresh, other):
        path.write_bytes(b"half a model")
    now = timezone.now()
    stale = (now - retraining.STALE_PARTIAL - timedelta(minutes=1)).timestamp()
    os.utime(old, (stale, stale))
    os.utime(other, (stale, stale))
    assert retraining.remove_stale_partials(model_path, now) == [old]
    assert sorted(p.name for p in folder.iterdir()) == sorted([fresh.name, other.name])
