"""The inbox page (消息): a person's notices and their units', newest first (``inbox``)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import User
from fengqiao.notifications import inbox

PAGE_SIZE = 50


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    """消息: every notice the person may read; ``?new=1`` only those new to them."""
    user = cast(User, request.user)
    mark = inbox.seen_at(user)
    only_new = request.GET.get("new") == "1"
    notices = inbox.unread(user, mark) if only_new else inbox.inbox_of(user)
    notices = notices.select_related("unit", "case").defer("address")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    newest = page.object_list[0].created_at if page.number == 1 and page.object_list else None
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "mark": mark,
            "only_new": only_new,
            "query": "new=1" if only_new else "",
            "newest": newest,
        },
    )


@login_required
@require_POST
def mark_seen(request: HttpRequest) -> HttpResponse:
    """全部标为已读: up to the newest notice the page showed (``until``), or now."""
    raw = request.POST.get("until", "")
    try:
        until = parse_datetime(raw) if raw else None
    except ValueError:  # well-formed but not a date (month 13)
        until = None
    if raw and (until is None or is_naive(until)):
        messages.error(request, _("已读时间格式有误，请刷新页面后重试。"))
        return redirect("notifications:inbox")
    inbox.mark_seen(cast(User, request.user), until)
    messages.success(request, _("已全部标为已读。"))
    return redirect("notifications:inbox")
