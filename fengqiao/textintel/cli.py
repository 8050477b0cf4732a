"""The ``textintel`` subcommands as plain functions (no Django): train, predict, evaluate.

``fengqiao textintel ...`` (fengqiao/textintel/management/commands/textintel.py) parses the
arguments and calls these; each returns the lines to print and raises
:class:`~fengqiao.textintel.textio.TextIntelError` for anything the user must fix.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from fengqiao.textintel import classifier
from fengqiao.textintel.textio import Table, TextIntelError, read_table, write_table

OUTPUT_COLUMNS = ("predicted_label", "confidence")


def labelled_rows(table: Table, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """The texts and labels of rows whose label is not blank (blank labels are skipped)."""
    texts = table.column(text_column)
    labels = [label.strip() for label in table.column(label_column)]
    keep = [i for i, label in enumerate(labels) if label]
    if not keep:
        raise TextIntelError(f"{table.path}：“{label_column}”列全部为空，没有可用的标签。")
    return [texts[i] for i in keep], [labels[i] for i in keep]


def train_file(
    input_path: Path, text_column: str, label_column: str, model_path: Path
) -> list[str]:
    table = read_table(input_path, required=(text_column, label_column))
    texts, labels = labelled_rows(table, text_column, label_column)
    return train_and_save(texts, labels, model_path, skipped=len(table.rows) - len(texts))


def train_and_save(
    texts: Sequence[str], labels: Sequence[str], model_path: Path, skipped: int = 0
) -> list[str]:
    """Train, save and describe the model (shared by ``train`` and ``retrain``)."""
    model, seconds = classifier.timed_train(texts, labels)
    classifier.save(model, model_path)
    lines = [f"已训练：{len(texts)} 条，{len(model.labels)} 个类别，用时 {seconds:.1f} 秒。"]
    if skipped:
        lines.append(f"跳过 {skipped} 行（标签为空）。")
    long_texts = sum(len(text) > model.settings.max_text_chars for text in texts)
    if long_texts:
        lines.append(
            f"{long_texts} 条文本超过 {model.settings.max_text_chars} 字，只用了前 "
            f"{model.settings.max_text_chars} 字。"
        )
    lines.extend(f"  {label}：{count}" for label, count in model.class_counts.items())
    lines.append(f"模型已保存到 {model_path}")
    return lines


def predict_file(
    model_path: Path, input_path: Path, text_column: str, output_path: Path
) -> list[str]:
    """Write every input column plus ``predicted_label`` and ``confidence``, row for row."""
    model = classifier.load(model_path)
    table = read_table(input_path, required=(text_column,))
    clash = [name for name in OUTPUT_COLUMNS if name in table.columns]
    if clash:
        raise TextIntelError(
            f"{input_path}：已有名为“{'、'.join(clash)}”的列，会与输出列重名；请先改名。"
        )
    predictions = model.predict(table.column(text_column))
    write_table(
        output_path,
        [*table.columns, *OUTPUT_COLUMNS],
        (
            [*row, p.label, f"{p.confidence:.4f}"]
            for row, p in zip(table.rows, predictions, strict=True)
        ),
    )
    return [f"已预测 {len(predictions)} 行，结果写入 {output_path}"]


@dataclass(frozen=True)
class Evaluation:
    """Scores of a model on labelled texts (labels unknown to the model count as errors)."""

    labels: list[str]
    accuracy: float
    macro_f1: float
    precision: list[float]
    recall: list[float]
    f1: list[float]
    support: list[int]
    confusion: list[list[int]]


def evaluate(truth: Sequence[str], predicted: Sequence[str]) -> Evaluation:
    labels = sorted(set(truth) | set(predicted))
    # Macro-F1 over the classes present in the truth, as the competition scores it.
    present = sorted(set(truth))
    with warnings.catch_warnings():
        # A file of one class is legitimate to score; scikit-learn warns about its shape.
        warnings.simplefilter("ignore", UserWarning)
        precision, recall, f1, support = precision_recall_fscore_support(
            truth, predicted, labels=labels, zero_division=0.0
        )
        macro_f1 = f1_score(truth, predicted, labels=present, average="macro", zero_division=0.0)
        confusion = confusion_matrix(truth, predicted, labels=labels)
    return Evaluation(
        labels=labels,
        accuracy=float(np.mean(np.asarray(truth) == np.asarray(predicted))),
        macro_f1=float(macro_f1),
        precision=[float(v) for v in precision],
        recall=[float(v) for v in recall],
        f1=[float(v) for v in f1],
        support=[int(v) for v in support],
        confusion=confusion.tolist(),
    )


def evaluate_file(
    model_path: Path, input_path: Path, text_column: str, label_column: str
) -> list[str]:
    model = classifier.load(model_path)
    table = read_table(input_path, required=(text_column, label_column))
    texts, truth = labelled_rows(table, text_column, label_column)
    predicted = [p.label for p in model.predict(texts)]
    unknown = sorted(set(truth) - set(model.labels))
    lines = format_evaluation(evaluate(truth, predicted))
    if unknown:
        lines.append(f"注意：模型没有见过这些标签，相应行必然判错：{'、'.join(unknown)}")
    return lines


def format_evaluation(result: Evaluation) -> list[str]:
    width = max(8, *(_width(label) for label in result.labels))
    lines = [
        f"accuracy  {result.accuracy:.4f}",
        f"macro-F1  {result.macro_f1:.4f}",
        "",
        f"{_pad('label', width)}  precision  recall  f1      support",
    ]
    for i, label in enumerate(result.labels):
        lines.append(
            f"{_pad(label, width)}  {result.precision[i]:.4f}     {result.recall[i]:.4f}  "
            f"{result.f1[i]:.4f}  {result.support[i]}"
        )
    lines += ["", "confusion matrix (rows: true label, columns: predicted, same order):"]
    codes = [f"[{i}]" for i in range(len(result.labels))]
    lines.append(_pad("", width + 5) + " ".join(f"{c:>5}" for c in codes))
    for i, label in enumerate(result.labels):
        counts = " ".join(f"{n:>5}" for n in result.confusion[i])
        lines.append(f"{_pad(label, width)} {codes[i]:>4}{counts}")
    return lines


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))
