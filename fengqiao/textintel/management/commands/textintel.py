"""``fengqiao textintel train|predict|evaluate|retrain``: the category-suggestion tool.

The arguments are fixed: scripts outside the project call them exactly so. The work is done by
fengqiao/textintel/cli.py (no Django); this command only parses, queries closed cases for
``retrain`` and turns :class:`TextIntelError` into ``CommandError``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.textintel import cli
from fengqiao.textintel.retraining import closed_case_examples
from fengqiao.textintel.textio import TextIntelError


class Command(BaseCommand):
    help = "类别建议：用已标注的 CSV 或已结案事件训练分类器，预测并评估。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{train,predict,...}")
        train = sub.add_parser("train", help="用已标注的 CSV 训练模型")
        train.add_argument("--input", type=Path, required=True)
        train.add_argument("--text-column", required=True)
        train.add_argument("--label-column", required=True)
        train.add_argument("--model", type=Path, required=True)
        predict = sub.add_parser("predict", help="为 CSV 的每一行给出建议类别和置信度")
        predict.add_argument("--model", type=Path, required=True)
        predict.add_argument("--input", type=Path, required=True)
        predict.add_argument("--text-column", required=True)
        predict.add_argument("--output", type=Path, required=True)
        evaluate = sub.add_parser("evaluate", help="在已标注的 CSV 上评估模型")
        evaluate.add_argument("--model", type=Path, required=True)
        evaluate.add_argument("--input", type=Path, required=True)
        evaluate.add_argument("--text-column", required=True)
        evaluate.add_argument("--label-column", required=True)
        retrain = sub.add_parser("retrain", help="用已结案事件（标题+描述 → 类别）重新训练")
        retrain.add_argument("--model", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "train":
                lines = cli.train_file(
                    options["input"],
                    options["text_column"],
                    options["label_column"],
                    options["model"],
                )
            elif action == "predict":
                lines = cli.predict_file(
                    options["model"], options["input"], options["text_column"], options["output"]
                )
            elif action == "evaluate":
                lines = cli.evaluate_file(
                    options["model"],
                    options["input"],
                    options["text_column"],
                    options["label_column"],
                )
            else:
                texts, labels = closed_case_examples()
                if not texts:
                    raise CommandError("没有已结案的事件，无法训练。")
                lines = cli.train_and_save(texts, labels, options["model"])
        except TextIntelError as exc:
            raise CommandError(str(exc)) from None
        for line in lines:
            self.stdout.write(line)
