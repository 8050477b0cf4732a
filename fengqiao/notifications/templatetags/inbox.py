"""``{% unread_notices as n %}``: how many notices are new to the signed-in person (消息数)."""

from __future__ import annotations

from typing import Any

from django import template

from fengqiao.notifications import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context: dict[str, Any]) -> str:
    """ "" for nobody signed in or nothing new; else the count, "99+" beyond ``COUNT_SHOWN``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = inbox.unread_count(user)
    if count == 0:
        return ""
    return f"{inbox.COUNT_SHOWN}+" if count > inbox.COUNT_SHOWN else str(count)
