"""Reply quality in case review (评查): each resolved case's outcome (办理结果, the reply its
reporter is given) scored against its report by ``textintel.replyquality``.

The score points a reviewer at replies worth reading (weakest first, and which element is
missing: measures, result, basis, time limit); it does not grade them (docs/textintel.md, "Reply
quality"). Relevance uses uniform bigram weights, so a case's score depends on its own texts
alone and is the same on its page, in the review list and in the export.

Cases handled on the spot (即时处置) are left out: their outcome is the grid worker's note, not a
reply to anyone. ``ensure_reviews`` keeps a ``ReplyReview`` per resolved case for the review list
to sort on, writing the missing or stale ones (a case resolved again after a reopening has a new
reply); ``score_case`` scores one case without writing, for its page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit, User
from fengqiao.accounts.scoping import scope_for
from fengqiao.cases.models import Case
from fengqiao.textintel import replyquality
from fengqiao.textintel.models import ReplyReview
from fengqiao.textintel.replyquality import Element, ReplyScore

ELEMENT_LABELS = {
    Element.MEASURES: _("措施"),
    Element.RESULT: _("结果"),
    Element.BASIS: _("依据"),
    Element.TIME_LIMIT: _("时限"),
}
# A reply scoring below this is marked for reading first: 20.5 % of the 2,816 official replies
# of annex4 score under it with these (uniform) weights, 37 % under 0.4 (docs/textintel.md).
WEAK = 0.3
BATCH = 500


def reviewable(prefix: str = "") -> Q:
    """Cases that have a reply to review (``prefix`` "case__" to ask it of their reviews)."""
    return Q(**{f"{prefix}resolved_at__isnull": False, f"{prefix}handled_on_spot": False}) & ~Q(
        **{f"{prefix}outcome": ""}
    )


def _message(case: Case) -> str:
    return f"{case.title}\n{case.description}"


def score_case(case: Case) -> ReplyScore | None:
    """The score of ``case``'s reply as it stands; None when it has none to review."""
    if case.resolved_at is None or case.handled_on_spot or not case.outcome.strip():
        return None
    # Bad imported times (resolved before reported): timeliness unknown rather than an error.
    dated = case.resolved_at >= case.submitted_at
    return replyquality.score(
        _message(case),
        case.outcome,
        asked=case.submitted_at if dated else None,
        replied=case.resolved_at if dated else None,
    )


def _review(case: Case) -> ReplyReview | None:
    scored = score_case(case)
    if scored is None or case.resolved_at is None:
        return None
    return ReplyReview(
        case=case,
        resolved_at=case.resolved_at,
        overall=scored.overall,
        relevance=scored.relevance,
        completeness=scored.completeness,
        timeliness=scored.timeliness,
        days=scored.days,
        missing=missing_field([str(element) for element in scored.missing]),
    )


def ensure_reviews(cases: QuerySet[Case]) -> int:
    """Score the reviewable ``cases`` that have no review or a stale one; returns how many were
    written. Two readers writing the same case at once both write the same figures (an upsert
    on the case)."""
    stale = list(
        cases.filter(reviewable())
        .filter(Q(reply_review__isnull=True) | ~Q(reply_review__resolved_at=F("resolved_at")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )  # usually empty: the worker keeps them scored
    written = 0
    fields = ("title", "description", "outcome", "handled_on_spot", "submitted_at", "resolved_at")
    for first in range(0, len(stale), BATCH):
        chunk = Case.objects.filter(pk__in=stale[first : first + BATCH]).only(*fields)
        written += _write([review for case in chunk if (review := _review(case)) is not None])
    return written


def _write(batch: list[ReplyReview]) -> int:
    if batch:
        ReplyReview.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=[
                "resolved_at",
                "overall",
                "relevance",
                "completeness",
                "timeliness",
                "days",
                "missing",
            ],
        )
    return len(batch)


def shown(scored: ReplyScore | ReplyReview) -> dict[str, Any]:
    """A score as pages show it: the parts in points out of 100, the missing elements named, and
    whether it is weak (below ``WEAK``)."""

    def points(value: float | None) -> int | None:
        return None if value is None else round(value * 100)

    keys = (
        [str(element) for element in scored.missing]
        if isinstance(scored, ReplyScore)
        else scored.missing_keys
    )
    return {
        "overall": points(scored.overall),
        "relevance": points(scored.relevance),
        "completeness": points(scored.completeness),
        "timeliness": points(scored.timeliness),
        "days": scored.days,
        "missing": missing_labels(keys),
        # "措施、依据" in Chinese, "measures, basis" in English
        "missing_text": str(_("、")).join(missing_labels(keys)),
        "weak": scored.overall < WEAK,
    }


def missing_field(keys: list[str]) -> str:
    """``ReplyReview.missing`` for these element keys: ",basis,time_limit," ("" for none)."""
    return f",{','.join(keys)}," if keys else ""


def lacking(element: Element) -> Q:
    """Reviews whose reply lacks ``element``."""
    return Q(missing__contains=f",{element},")


def missing_labels(keys: list[str]) -> list[str]:
    """The missing elements' names in the reader's language."""
    known = {str(element) for element in Element}
    return [str(ELEMENT_LABELS[Element(key)]) for key in keys if key in known]


def month_reviews(
    user: User, *, month: str | None, region: str = "", unit: str = "", missing: str = ""
) -> tuple[dict[str, Any], QuerySet[ReplyReview]]:
    """The reviews of the replies resolved in ``month`` (YYYY-MM; this month when empty) that
    ``user`` may see, in ``region`` (code; their widest region when empty), by ``unit`` (code of
    the resolving unit) and lacking ``missing`` (an element key), weakest first, with the choice
    made; scores the month's replies that have none first. Raises ``report.ReportError`` for bad
    input, Http404 for a region outside the territory, PermissionDenied without territory."""
    from fengqiao.cases import report

    first = report.month_of(month)
    chosen_region = report.region_for(user, region.strip())
    start, end = report.month_period(first)
    chosen_unit = None
    if unit:
        chosen_unit = Unit.objects.filter(code=unit).first()
        if chosen_unit is None:
            raise report.ReportError("unit", gettext_now("找不到单位 %(c)s。") % {"c": unit})
    if missing and missing not in {str(e) for e in Element}:
        raise report.ReportError(
            "missing", gettext_now("要素应为 measures、result、basis 或 time_limit。")
        )

    def chosen(prefix: str) -> Q:
        """The choice as a condition on cases (``prefix`` "") or on their reviews ("case__")."""
        q = Q(**{f"{prefix}resolved_at__gte": start, f"{prefix}resolved_at__lt": end})
        if chosen_region is not None:
            q &= Q(**{f"{prefix}region_path__startswith": chosen_region.path})
        if chosen_unit is not None:
            q &= Q(**{f"{prefix}resolved_unit": chosen_unit})
        return q

    ensure_reviews(Case.objects.visible_to(user).filter(chosen("")))
    # Read as a plain join from the month's cases (found by the index on resolved_at) to their
    # reviews, scoped as Case.objects.visible_to scopes cases.
    visible = scope_for(user).q(region_path="case__region_path", unit="case__current_unit")
    reviews = ReplyReview.objects.filter(
        chosen("case__"),
        visible,
        reviewable("case__"),
        resolved_at=F("case__resolved_at"),
    )
    if missing:
        reviews = reviews.filter(lacking(Element(missing)))
    choice = {"month": first, "region": chosen_region, "unit": chosen_unit, "missing": missing}
    ordered = reviews.select_related("case", "case__resolved_unit").order_by(
        "overall", "case__resolved_at", "pk"
    )
    return choice, ordered


def totals(reviews: QuerySet[ReplyReview]) -> dict[str, Any]:
    """How many replies, their mean score in points, how many are weak and how many lack each
    element (``lacking``: (label, count) in ``ELEMENT_LABELS`` order): one aggregate query."""
    row = reviews.aggregate(
        count=Count("pk"),
        mean=Avg("overall"),
        weak=Count("pk", filter=Q(overall__lt=WEAK)),
        **{str(e): Count("pk", filter=lacking(e)) for e in Element},
    )
    return {
        "count": row["count"],
        "mean": None if row["mean"] is None else round(row["mean"] * 100),
        "mean_value": row["mean"],
        "weak": row["weak"],
        "lacking": [(label, row[str(e)]) for e, label in ELEMENT_LABELS.items()],
        "lacking_by_key": {str(e): row[str(e)] for e in Element},
    }
