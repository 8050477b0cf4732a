import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fengqiao.textintel import classifier
from fengqiao.textintel.classifier import MAGIC, TextClassifier, load, normalise, save, train
from fengqiao.textintel.tests.fixtures import messages
from fengqiao.textintel.textio import TextIntelError

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    rows = messages(per_class=20)
    return train([t for t, _ in rows], [label for _, label in rows])


def test_predicts_the_topic_of_unseen_messages(model):
    held_out = messages(per_class=10, seed=99)
    predicted = [p.label for p in model.predict([t for t, _ in held_out])]
    right = sum(p == label for p, (_, label) in zip(predicted, held_out, strict=True))
    assert right / len(held_out) >= 0.9


def test_confidence_is_a_probability_and_higher_for_clear_texts(model):
    clear, vague = model.predict(["学校老师违规补课乱收费，学生家长反映", "请处理一下"])
    assert clear.label == "教育文体"
    assert 0.0 <= vague.confidence <= 1.0
    assert clear.confidence > vague.confidence
    probs = model.probabilities(["小区道路施工占道"])
    assert probs.shape == (1, 3)
    assert np.isclose(probs.sum(), 1.0)


def test_labels_are_sorted_and_counted(model):
    assert model.labels == sorted(model.labels)
    assert model.class_counts == {"劳动和社会保障": 20, "城乡建设": 20, "教育文体": 20}


def test_a_single_class_cannot_be_trained():
    with pytest.raises(TextIntelError, match="只有一个类别（“城乡建设”，3 行）"):
        train(["a", "b", "c"], ["城乡建设"] * 3)


def test_texts_that_are_all_blank_cannot_be_trained():
    with pytest.raises(TextIntelError, match="文本列全部为空"):
        train(["", "  ", "\n"], ["a", "b", "a"])


def test_two_classes_and_one_example_each_still_train():
    model = train(["拖欠工资", "道路坑洼"], ["劳动和社会保障", "城乡建设"])
    assert model.temperature == 1.0
    assert model.predict(["老板拖欠工资"])[0].label == "劳动和社会保障"


def test_long_texts_are_truncated_to_the_documented_limit(model):
    assert len(normalise("长" * 100_000)) == classifier.MAX_TEXT_CHARS
    head = "学校老师违规补课乱收费"
    padded = head + "的" * 100_000
    assert model.predict([padded])[0].label == "教育文体"


def test_normalise_folds_full_width_and_case_and_whitespace():
    assert normalise("Ａ３区　ＡＢＣ\n\n路灯") == "a3区 abc 路灯"


def test_empty_input_predicts_nothing(model):
    assert model.predict([]) == []


def test_model_round_trips_through_a_file(model, tmp_path):
    path = tmp_path / "m.fqm"
    save(model, path)
    loaded = load(path)
    text = ["工地老板拖欠农民工工资"]
    assert loaded.predict(text) == model.predict(text)
    header = json.loads(path.read_bytes()[len(MAGIC) :].split(b"\n", 1)[0])
    assert header["labels"] == model.labels
    assert header["format_version"] == classifier.FORMAT_VERSION
    assert "sklearn_version" in header and "fengqiao_version" in header


def rewrite_header(path: Path, **changes: object) -> None:
    data = path.read_bytes()
    header_line, payload = data[len(MAGIC) :].split(b"\n", 1)
    header = json.loads(header_line) | changes
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)


def test_model_from_another_format_version_is_refused(model, tmp_path):
    path = tmp_path / "m.fqm"
    save(model, path)
    rewrite_header(path, format_version=99, fengqiao_version="9.9")
    with pytest.raises(TextIntelError, match=r"格式版本为 99.*Fengqiao 9\.9.*重新训练"):
        load(path)


def test_model_from_another_scikit_learn_is_refused(model, tmp_path):
    path = tmp_path / "m.fqm"
    save(model, path)
    rewrite_header(path, sklearn_version="0.1")
    with pytest.raises(TextIntelError, match=r"scikit-learn 0\.1 训练"):
        load(path)


def test_truncated_model_file_is_refused(model, tmp_path):
    path = tmp_path / "m.fqm"
    save(model, path)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(TextIntelError, match="已损坏或被截断"):
        load(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "不是 Fengqiao 文本分类模型文件"),
        (b"PK\x03\x04 a zip file", "不是 Fengqiao 文本分类模型文件"),
        (MAGIC + b"{not json\n", "文件头已损坏"),
        (MAGIC + b'{"format": "other"}\n', "文件头已损坏"),
    ],
)
def test_files_that_are_not_models_are_refused(tmp_path, data, message):
    path = tmp_path / "m.fqm"
    path.write_bytes(data)
    with pytest.raises(TextIntelError, match=message):
        load(path)


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(TextIntelError, match="无法读取模型文件"):
        load(tmp_path / "absent.fqm")


def test_library_imports_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import fengqiao.textintel.classifier, fengqiao.textintel.cli, "
        "fengqiao.textintel.riskphrases, fengqiao.textintel.replyquality; "
        "from django.conf import settings; assert not settings.configured"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO)


def test_suggest_returns_the_label_and_reloads_a_replaced_model(model, tmp_path):
    path = tmp_path / "m.fqm"
    assert classifier.suggest("学校乱收费", path) is None  # no model yet
    save(model, path)
    suggestion = classifier.suggest("学校老师违规补课乱收费", path)
    assert suggestion is not None and suggestion.label == "教育文体"
    other = train(["拖欠工资", "道路坑洼"], ["劳动和社会保障", "城乡建设"])
    save(other, path)
    os.utime(path, (1, 1))  # a different modification time, whatever the clock's resolution
    assert classifier.suggest("老板拖欠工资", path).label == "劳动和社会保障"
    assert classifier.suggest("学校老师违规补课乱收费", path).label != "教育文体"


def test_suggest_gives_none_for_a_broken_model(tmp_path, caplog):
    path = tmp_path / "m.fqm"
    path.write_bytes(b"broken")
    assert classifier.suggest("学校乱收费", path) is None
    assert "category suggestion disabled" in caplog.text


def test_fast_transform_equals_scikit_learn_transform(model):
    texts = classifier.prepare(
        [t for t, _ in messages(per_class=5, seed=3)]
        + ["", "x", "完全没见过的字词　ＡＢ", "😀 emoji 𠀀"]
    )
    fast = classifier.fast_transform(model.vectorizer.body, model.vectorizer.body_keys, texts)
    slow = model.vectorizer.body.transform(texts)
    assert fast.shape == slow.shape
    assert np.allclose(fast.toarray(), slow.toarray(), atol=1e-6)


def test_real_citizen_messages_are_classified_well(shared_data):
    """A third of the Teddy Cup messages for training, another third for scoring (fast)."""
    import csv

    from sklearn.metrics import f1_score

    path = shared_data / "teddy2020" / "annex2_train.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent (the Teddy Cup data is not shipped)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    train_rows, test_rows = rows[0::3], rows[1::3]
    model = train([r["text"] for r in train_rows], [r["label_l1"] for r in train_rows])
    predicted = [p.label for p in model.predict([r["text"] for r in test_rows])]
    truth = [r["label_l1"] for r in test_rows]
    assert len(model.labels) == 7
    # A third of the data scores lower than the full model; its figures are in docs/benchmarks.md.
    assert f1_score(truth, predicted, average="macro") > 0.8


def test_saving_into_a_missing_folder_is_a_clear_error(model, tmp_path):
    with pytest.raises(TextIntelError, match="无法写入模型文件"):
        save(model, tmp_path / "absent" / "m.fqm")


def test_settings_without_the_fast_path_or_the_prefix_still_work():
    rows = messages(per_class=8)
    settings = classifier.Settings(ngram_max=3, prefix_weight=0.0)
    model = train([t for t, _ in rows], [label for _, label in rows], settings)
    assert model.predict(["学校老师违规补课乱收费"])[0].label == "教育文体"


def test_save_replaces_the_model_only_once_the_new_file_is_complete(model, tmp_path, monkeypatch):
    path = tmp_path / "m.fqm"
    save(train(["拖欠工资", "道路坑洼"], ["劳动和社会保障", "城乡建设"]), path)
    seen: dict[str, object] = {}
    real_replace = os.replace

    def replace(source, target):
        # At the moment of the rename the old model is still whole, the new one complete.
        seen["old_labels"] = load(Path(target)).labels
        seen["new_labels"] = load(Path(source)).labels
        seen["same_folder"] = Path(source).parent == Path(target).parent
        real_replace(source, target)

    monkeypatch.setattr("fengqiao.textintel.classifier.os.replace", replace)
    save(model, path)
    assert seen == {
        "old_labels": ["劳动和社会保障", "城乡建设"],
        "new_labels": model.labels,
        "same_folder": True,
    }
    assert load(path).labels == model.labels
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.fqm"]  # no temporary file left


def test_a_failed_save_keeps_the_old_model_and_leaves_no_partial_file(model, tmp_path, monkeypatch):
    path = tmp_path / "m.fqm"
    save(model, path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("fengqiao.textintel.classifier.os.fsync", disk_full)
    with pytest.raises(TextIntelError, match=r"无法写入模型文件.*No space left"):
        save(train(["拖欠工资", "道路坑洼"], ["劳动和社会保障", "城乡建设"]), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.fqm"]


def test_saved_model_is_readable_by_the_web_servers_account(model, tmp_path):
    path = tmp_path / "m.fqm"
    save(model, path)
    assert path.stat().st_mode & 0o644 == 0o644
