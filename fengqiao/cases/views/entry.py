"""Hotline and walk-in entry by staff (热线、来访登记), with the duplicate hint and the category
suggestion (类别建议, fengqiao/textintel/suggestions.py)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from fengqiao.accounts.models import User
from fengqiao.cases import actions
from fengqiao.cases.errors import CaseError
from fengqiao.cases.forms import NewCaseForm
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case
from fengqiao.cases.similar import similar_open_cases
from fengqiao.core.keep_post import keep_post, restore
from fengqiao.core.notes import system_note
from fengqiao.textintel.actions import record_suggestion
from fengqiao.textintel.suggestions import CategoryHint, shown_suggestion, suggest_category

FIELD_OF_ERROR = {
    "位置": None,
    "标题": "title",
    "描述": "description",
    "电话": "reporter_phone",
    "类别": "category",
    "发生时间": "occurred_at",
    "人数": "people_involved",
}


def _field_for(message: str) -> str | None:
    return next((field for key, field in FIELD_OF_ERROR.items() if key in message), None)


@keep_post
def new_case(request: HttpRequest) -> HttpResponse:
    """Register a report taken by phone or at the counter; warn first about likely duplicates."""
    user = cast(User, request.user)
    form = NewCaseForm(request.POST or None, initial=restore(request) or None)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = similar_open_cases(
            Case.objects.visible_to(user),
            text=f"{data['title']}{data['description']}",
            category=data["category"],
            lon=data["lon"],
            lat=data["lat"],
            region=data["region"],
        )
        # "合并到此事件": the report repeats a case on the list; register it and merge it there.
        merge_into = next(
            (s.case for s in similar if s.case.number == request.POST.get("merge_into")), None
        )
        if not similar or data["confirm_new"] or merge_into is not None:
            # Predicted before the transaction, so the write lock is not held for it.
            hint = shown_suggestion(request.POST, data["title"], data["description"])
            try:
                with transaction.atomic():
                    case = _submit(user, data, hint)
                    if merge_into is not None:
                        actions.merge(
                            case,
                            into=merge_into,
                            by=user,
                            note=system_note(gettext_noop("登记时核实为重复反映")),
                        )
            except CaseError as exc:
                form.add_error(_field_for(exc.message), exc.message)
            else:
                if merge_into is not None:
                    messages.success(
                        request,
                        _("已登记事件 %(n)s，并合并到 %(into)s。")
                        % {"n": case.number, "into": merge_into.number},
                    )
                    return redirect("cases:detail", number=merge_into.number)
                messages.success(request, _("已登记事件 %(n)s。") % {"n": case.number})
                return redirect("cases:detail", number=case.number)
    return render(
        request,
        "cases/new.html",
        {"form": form, "similar": similar, "suggestion": _suggestion_for(form)},
        status=400 if request.method == "POST" else 200,
    )


def _submit(user: User, data: dict[str, Any], hint: CategoryHint | None) -> Case:
    """Create the case and, when a suggestion was on screen, record it in the same transaction."""
    case = submit(
        category=data["category"],
        title=data["title"],
        description=data["description"],
        occurred_at=data["occurred_at"],
        channel=data["channel"],
        by=user,
        lon=data["lon"],
        lat=data["lat"],
        region=data["region"],
        address=data["address"],
        people_involved=data["people_involved"],
        anonymous=data["anonymous"],
        reporter_name=data["reporter_name"],
        reporter_phone=data["reporter_phone"],
        submission_key=data["submission_key"],
    )
    if hint is not None:
        record_suggestion(case, hint, by=user)
    return case


def _suggestion_for(form: NewCaseForm) -> CategoryHint | None:
    """The suggestion for the text on the page, shown without JavaScript too (after a
    round-trip, or text restored after a login)."""
    source = form.data if form.is_bound else form.initial
    return suggest_category(str(source.get("title") or ""), str(source.get("description") or ""))


@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion snippet the entry page asks for while staff type (htmx, POST because the
    description may be long). For whoever may open the entry page: signed-in users; otherwise
    403 rather than a login redirect, whose page htmx would paste into the form."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    hint = suggest_category(request.POST.get("title", ""), request.POST.get("description", ""))
    return render(request, "cases/_category_suggestion.html", {"suggestion": hint})
