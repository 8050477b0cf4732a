import csv
from pathlib import Path

import pytest

from fengqiao.textintel import cli
from fengqiao.textintel.tests.fixtures import labelled_csv, messages, write_csv
from fengqiao.textintel.textio import TextIntelError


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli")
    data = labelled_csv(folder / "train.csv")
    model = folder / "model.fqm"
    cli.train_file(data, "content", "category", model)
    return data, model


def test_train_reports_counts_and_saves_the_model(tmp_path):
    data = labelled_csv(tmp_path / "train.csv", per_class=5)
    lines = cli.train_file(data, "content", "category", tmp_path / "m.fqm")
    assert lines[0].startswith("已训练：15 条，3 个类别")
    assert "  城乡建设：5" in lines
    assert (tmp_path / "m.fqm").exists()


def test_train_skips_blank_labels_and_says_so(tmp_path):
    rows = [[t, label] for t, label in messages(4)] + [["没有标签的留言", " "]]
    data = write_csv(tmp_path / "t.csv", rows, ["text", "label"])
    lines = cli.train_file(data, "text", "label", tmp_path / "m.fqm")
    assert "跳过 1 行（标签为空）。" in lines


def test_train_with_one_class_is_refused(tmp_path):
    data = write_csv(tmp_path / "t.csv", [["a", "城乡建设"], ["b", "城乡建设"]], ["t", "l"])
    with pytest.raises(TextIntelError, match="只有一个类别"):
        cli.train_file(data, "t", "l", tmp_path / "m.fqm")
    assert not (tmp_path / "m.fqm").exists()


def test_train_reports_truncated_long_texts(tmp_path):
    rows = [[t, label] for t, label in messages(4)] + [["长" * 100_000, "城乡建设"]]
    data = write_csv(tmp_path / "t.csv", rows, ["text", "label"])
    lines = cli.train_file(data, "text", "label", tmp_path / "m.fqm")
    assert "1 条文本超过 1200 字，只用了前 1200 字。" in lines


def test_predict_keeps_every_column_and_row_in_order(trained, tmp_path):
    _, model = trained
    rows = [["7", "学校老师违规补课", "x"], ["8", "工地老板拖欠工资", "y"], ["9", "", "z"]]
    data = write_csv(tmp_path / "in.csv", rows, ["id", "content", "note"])
    out = tmp_path / "out.csv"
    assert cli.predict_file(model, data, "content", out) == [f"已预测 3 行，结果写入 {out}"]
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["id", "content", "note", "predicted_label", "confidence"]
    assert [row[:3] for row in written[1:]] == rows
    assert [row[3] for row in written[1:3]] == ["教育文体", "劳动和社会保障"]
    assert all(0.0 <= float(row[4]) <= 1.0 for row in written[1:])


def test_predict_refuses_input_that_already_has_an_output_column(trained, tmp_path):
    _, model = trained
    data = write_csv(tmp_path / "in.csv", [["x", "y"]], ["content", "confidence"])
    with pytest.raises(TextIntelError, match="“confidence”的列"):
        cli.predict_file(model, data, "content", tmp_path / "out.csv")


def test_predict_with_missing_column_names_it(trained, tmp_path):
    _, model = trained
    data = write_csv(tmp_path / "in.csv", [["x"]], ["正文"])
    with pytest.raises(TextIntelError, match="没有名为“content”的列。文件中的列：正文"):
        cli.predict_file(model, data, "content", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_evaluate_prints_scores_per_class_and_confusion_matrix(trained, tmp_path):
    _, model = trained
    held_out = labelled_csv(tmp_path / "test.csv", per_class=10, seed=99)
    text = "\n".join(cli.evaluate_file(model, held_out, "content", "category"))
    assert "accuracy  " in text
    assert "macro-F1  " in text
    assert "劳动和社会保障" in text and "precision  recall  f1" in text
    assert "confusion matrix" in text


def test_evaluate_warns_about_labels_the_model_never_saw(trained, tmp_path):
    _, model = trained
    data = write_csv(tmp_path / "t.csv", [["路面塌陷", "交通运输"]], ["content", "category"])
    text = "\n".join(cli.evaluate_file(model, data, "content", "category"))
    assert "模型没有见过这些标签，相应行必然判错：交通运输" in text


def test_evaluate_figures_match_a_hand_count():
    truth = ["a", "a", "b", "b"]
    result = cli.evaluate(truth, ["a", "b", "b", "b"])
    assert result.accuracy == 0.75
    assert result.labels == ["a", "b"]
    assert result.precision == [1.0, pytest.approx(2 / 3)]
    assert result.recall == [0.5, 1.0]
    assert result.confusion == [[1, 1], [0, 2]]
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_evaluate_a_file_of_one_class_without_warnings(recwarn):
    result = cli.evaluate(["a", "a"], ["a", "a"])
    assert result.accuracy == 1.0 and result.confusion == [[2]]
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
