"""Retraining the category model from closed cases (按已结案事件重新训练).

The worker checks every :data:`CHECK_EVERY` and trains when the deployment has no usable model
yet (no file, or one that cannot be loaded, e.g. after a scikit-learn upgrade) or when the model
is :data:`RETRAIN_AFTER` old, provided there are at least :data:`MIN_CLOSED_CASES` closed cases
in at least two categories. The texts are the titles and descriptions of the most recent
:data:`MAX_TRAINING_CASES` closed cases, the labels their category codes (``fengqiao textintel
retrain`` does the same by hand, from every closed case). The file is replaced
atomically (``classifier.save``), so the intake page never reads half a model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.textintel import classifier
from fengqiao.textintel.textio import TextIntelError

# Fewer closed cases than this give a model that is mostly noise (a handful per category); the
# suggestion then stays off rather than suggesting badly.
MIN_CLOSED_CASES = 50
RETRAIN_AFTER = timedelta(days=7)
CHECK_EVERY = timedelta(minutes=15)
# The most recent closed cases only: categories and wording drift, and training time and memory
# grow with the examples (about 4 s of CPU per 1,000 cases here), so a big district's weekly
# retrain stays within minutes.
MAX_TRAINING_CASES = 30_000
# A save's temporary file older than this was left by a worker killed while saving.
STALE_PARTIAL = timedelta(hours=1)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrainOutcome:
    trained: bool
    reason: str  # why it trained or not, in English for the worker's log
    closed_cases: int | None = None
    categories: int | None = None
    seconds: float | None = None


def closed_case_examples(limit: int | None = None) -> tuple[list[str], list[str]]:
    """Title + description and category code of every closed case, or of the ``limit`` most
    recently entered ones (one query, streamed).

    Rejected and merged cases are not closed, so they are left out: their category was never
    confirmed by handling."""
    texts: list[str] = []
    labels: list[str] = []
    closed = Case.objects.filter(status=Status.CLOSED)
    if limit is not None:
        closed = closed.filter(pk__in=closed.order_by("-pk").values("pk")[:limit])
    rows = closed.order_by("pk").values_list("title", "description", "category__code")
    for title, description, code in rows.iterator(chunk_size=2000):
        texts.append(f"{title}\n{description}")
        labels.append(code)
    return texts, labels


def model_trained_at(path: Path) -> datetime | None:
    """When the model in ``path`` was trained; None if there is no usable model file.

    Reads the header only (the checksum included), never unpickles."""
    try:
        header, _payload = classifier.read_header(path)
        trained_at = datetime.fromisoformat(str(header["trained_at"]))
    except (TextIntelError, KeyError, ValueError):
        return None
    return trained_at if trained_at.tzinfo else trained_at.replace(tzinfo=UTC)


def remove_stale_partials(path: Path, now: datetime) -> list[Path]:
    """Delete temporary files of saves of ``path`` that a killed process left behind (a save
    in progress right now is younger than :data:`STALE_PARTIAL` and is kept)."""
    removed = []
    for partial in path.parent.glob(f".{path.name}.*.partial"):
        try:
            modified = datetime.fromtimestamp(partial.stat().st_mtime, tz=UTC)
            if now - modified > STALE_PARTIAL:
                partial.unlink()
                removed.append(partial)
        except OSError:
            continue  # removed meanwhile, or not ours to remove: not worth failing for
    return removed


def retrain_if_due(model_path: Path | None = None, now: datetime | None = None) -> RetrainOutcome:
    """Train and save a new model if none is usable or the current one is old; see the module.

    Cost: reading the model file's header; when due, one count, one streamed query over the
    closed cases and the training (seconds for thousands of cases, about a minute for 20,000).
    """
    path = Path(settings.TEXTINTEL_MODEL) if model_path is None else model_path
    now = now or timezone.now()
    trained_at = model_trained_at(path)
    if trained_at is not None and now - trained_at < RETRAIN_AFTER:
        return RetrainOutcome(False, f"model trained {trained_at:%Y-%m-%d %H:%M}, not due")
    why = "no usable model" if trained_at is None else f"model older than {RETRAIN_AFTER.days} days"
    closed = Case.objects.filter(status=Status.CLOSED).count()
    if closed < MIN_CLOSED_CASES:
        return RetrainOutcome(False, f"{why}, but only {closed} closed cases", closed_cases=closed)
    texts, labels = closed_case_examples(limit=MAX_TRAINING_CASES)
    categories = len(set(labels))
    if categories < 2:
        return RetrainOutcome(
            False, f"{why}, but closed cases are in one category", len(texts), categories
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(path, now)
        model, seconds = classifier.timed_train(texts, labels)
        classifier.save(model, path)
    except (OSError, TextIntelError) as exc:
        logger.error("category model not retrained: %s", exc)
        return RetrainOutcome(False, f"{why}, training failed: {exc}", len(texts), categories)
    logger.info(
        "category model retrained (%s): %d closed cases, %d categories, %.1f s, saved to %s",
        why,
        len(texts),
        categories,
        seconds,
        path,
    )
    return RetrainOutcome(True, why, len(texts), categories, round(seconds, 1))
