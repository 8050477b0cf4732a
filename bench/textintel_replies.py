"""Reply quality on the Teddy Cup 2020 replies (annex4) against two teams' annotations.

The annotations are binary (1 = adequate) and not official: ``rollbear_completeness`` and
``rollbear_interpretability`` on 100 replies, ``syu_interpretability`` on all 2,816. Our scores
are continuous, so agreement is given as ROC AUC (the chance that a reply labelled 1 scores
higher than one labelled 0; 0.5 is chance) and Spearman's rho, plus Cohen's kappa for a
decision fixed in advance ("adequate" = completeness ≥ 0.5), and the two teams' own kappa where
both labelled, for scale.

    .venv/bin/python bench/textintel_replies.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from fengqiao.textintel import replyquality

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "teddy2020"
ADEQUATE_COMPLETENESS = 0.5
LABELS = ("rollbear_completeness", "rollbear_interpretability", "syu_interpretability")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def when(text: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def agreement(scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    rho = spearmanr(scores, labels).statistic
    return {"auc": round(float(roc_auc_score(labels, scores)), 3), "spearman": round(float(rho), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    replies_file = args.data / "annex4_messages_with_replies.csv"
    if not replies_file.exists():
        print(f"skipped: {replies_file} is absent (the Teddy Cup data is not shipped).")
        return 0
    rows = read(replies_file)
    notes = {
        row["message_id"]: row
        for row in read(args.data / "annex4_third_party_reply_annotations.csv")
    }
    idf = replyquality.fit_idf(
        [f"{row['title']}\n{row['detail']}" for row in rows] + [row["reply"] for row in rows]
    )
    scored: list[replyquality.ReplyScore] = []
    bad_dates = 0
    for row in rows:
        asked, replied = when(row["created_at"]), when(row["replied_at"])
        if asked and replied and replied < asked:
            bad_dates += 1
            asked = replied = None
        scored.append(
            replyquality.score(
                f"{row['title']}\n{row['detail']}", row["reply"], asked, replied, idf
            )
        )
    parts = {
        "overall": np.asarray([s.overall for s in scored]),
        "completeness": np.asarray([s.completeness for s in scored]),
        "relevance": np.asarray([s.relevance for s in scored]),
        "substance": np.asarray([s.substance for s in scored]),
        "cues_only": np.asarray(
            [
                sum(replyquality.ELEMENT_WEIGHTS[e] for e, on in s.elements.items() if on)
                for s in scored
            ]
        ),
        "reply_length": np.asarray([len(row["reply"]) for row in rows], dtype=float),
        "timeliness": np.asarray(
            [np.nan if s.timeliness is None else s.timeliness for s in scored]
        ),
    }
    adequate = (parts["completeness"] >= ADEQUATE_COMPLETENESS).astype(int)
    result: dict[str, object] = {
        "replies": len(rows),
        "replies_dated_before_message": bad_dates,
        "mean": {
            name: round(float(np.nanmean(v)), 3)
            for name, v in parts.items()
            if name != "reply_length"
        },
        "element_share": {
            element.value: round(float(np.mean([s.elements[element] for s in scored])), 3)
            for element in replyquality.Element
        },
        "median_days": round(
            float(np.nanmedian([np.nan if s.days is None else s.days for s in scored])), 1
        ),
    }
    for label in LABELS:
        index = [
            i for i, row in enumerate(rows) if notes.get(row["message_id"], {}).get(label, "") != ""
        ]
        y = np.asarray([int(notes[rows[i]["message_id"]][label]) for i in index])
        entry: dict[str, object] = {"n": len(index), "share_labelled_1": round(float(y.mean()), 3)}
        for name in ("overall", "completeness", "relevance", "cues_only", "reply_length"):
            entry[name] = agreement(parts[name][index], y)
        entry["kappa_adequate"] = round(float(cohen_kappa_score(y, adequate[index])), 3)
        result[label] = entry
    both = [
        row
        for row in notes.values()
        if row["rollbear_interpretability"] != "" and row["syu_interpretability"] != ""
    ]
    result["kappa_between_teams_interpretability"] = {
        "n": len(both),
        "kappa": round(
            float(
                cohen_kappa_score(
                    [int(r["rollbear_interpretability"]) for r in both],
                    [int(r["syu_interpretability"]) for r in both],
                )
            ),
            3,
        ),
    }
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
