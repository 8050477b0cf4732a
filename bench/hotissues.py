"""Hot issues (热点问题) of the Teddy Cup 2020 附件3 messages against a competing team's top 5.

Run from the repository root::

    python bench/hotissues.py [--data ../shared/data/teddy2020] [--top 10] [--json]

It reads ``annex3_hot_issue_messages.csv``, finds the hot issues with the default settings of
:mod:`fengqiao.textintel.hotissues`, prints the top ``--top`` as a markdown table, and for each of
the competing team's five issues (``annex3_syu_top5_hot_issues.csv`` and ``..._members.csv``)
the best-matching of our issues by Jaccard similarity of the member sets, that Jaccard, and the
share of their members that are in our issue (recall). Their answer is a third party's, not
ground truth. A missing, empty or non-UTF-8 file gets a one-line error and exit status 2.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import csv
import json
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from fengqiao.textintel.hotissues import (
    HotIssue,
    InputError,
    find_hot_issues,
    load_messages_csv,
    member_overlap,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "teddy2020"


def read_theirs(folder: Path) -> tuple[list[dict[str, str]], dict[str, set[Hashable]]]:
    """Their top issues and the message ids of each; InputError on a bad file."""
    out = []
    for name in ("annex3_syu_top5_hot_issues.csv", "annex3_syu_top5_hot_issue_members.csv"):
        path = folder / name
        try:
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 (save the file as UTF-8)") from None
        if not rows:
            raise InputError(f"{path}: no rows after the header")
        out.append(rows)
    issues, members = out
    names = ("annex3_syu_top5_hot_issues.csv", "annex3_syu_top5_hot_issue_members.csv")
    for column, rows, name in zip(("description", "message_id"), out, names, strict=True):
        if column not in rows[0] or "issue_id" not in rows[0]:
            raise InputError(f"{folder / name}: missing column issue_id or {column}")
    sets: dict[str, set[Hashable]] = {}
    for row in members:
        sets.setdefault(row["issue_id"], set()).add(row["message_id"])
    return issues, sets


def as_row(rank: int, issue: HotIssue) -> dict[str, Any]:
    span = ""
    if issue.first and issue.last:
        span = f"{issue.first:%Y-%m-%d} 至 {issue.last:%Y-%m-%d}"
    return {
        "rank": rank,
        "name": issue.name,
        "heat": issue.heat,
        "messages": issue.messages,
        "reporters": issue.reporters,
        "likes": issue.likes,
        "weeks": issue.active_weeks,
        "places": issue.places,
        "time_range": span,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.top < 1:
        parser.error("--top must be at least 1")
    try:
        messages = load_messages_csv(args.data / "annex3_hot_issue_messages.csv")
        their_issues, their_members = read_theirs(args.data)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    began, began_cpu = time.perf_counter(), time.process_time()
    issues = find_hot_issues(messages, top=max(args.top, 50))
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    ours = [as_row(i, issue) for i, issue in enumerate(issues[: args.top], 1)]
    compared = []
    for (key, best, jaccard, recall), theirs in zip(
        member_overlap(issues, their_members), their_issues, strict=False
    ):
        compared.append(
            {
                "their_rank": theirs.get("rank", key),
                "their_issue": theirs["description"],
                "their_members": len(their_members[key]),
                "our_rank": None if best is None else best + 1,
                "our_issue": "" if best is None else issues[best].name,
                "our_members": 0 if best is None else issues[best].messages,
                "jaccard": jaccard,
                "recall": recall,
            }
        )
    result = {
        "messages": len(messages),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "top": ours,
        "compared": compared,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(messages)} messages, {seconds:.1f} s ({cpu:.1f} s CPU)\n")
    print("| # | issue | heat | messages | reporters | likes | weeks | places | time range |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in ours:
        print("| " + " | ".join(str(v) for v in r.values()) + " |")
    print("\n| their # | their issue | members | our best match (# among top 50) | ours |"
          " Jaccard | recall of theirs |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for c in compared:
        match = "—" if c["our_rank"] is None else f"{c['our_issue']} (#{c['our_rank']})"
        print(f"| {c['their_rank']} | {c['their_issue']} | {c['their_members']} | {match} |"
              f" {c['our_members']} | {c['jaccard']} | {c['recall']} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
