"""Keep what a user typed when their session expired before they pressed submit.

A grid worker may fill in a report for twenty minutes in the field, an operator may type a long
hotline record; if the session ran out
meanwhile, ``login_required`` would send them to the login page and the text would be lost.
``keep_post`` is a drop-in replacement for ``login_required`` on form views: a POST without a
signed-in user has its text fields saved in the session (under a key for the path), and the user
is sent to log in with ``next`` pointing back at the form. After login the form view calls
``restore(request)`` on its GET and uses the result as the form's initial data, once.

Files cannot be kept (they would have to be stored for a user who is not known yet), so the user
is told to choose them again. The CSRF check still runs before the view, so another site cannot
plant text in someone's form. Saved text expires after ``KEEP_FOR``, as it may be read by
whoever signs in next on that browser; it is limited in size, as the session is stored per
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

KEEP_FOR = 12 * 3600  # seconds
MAX_FIELDS = 40
MAX_CHARS = 20_000  # all values together
SKIPPED = frozenset({"csrfmiddlewaretoken"})
SESSION_PREFIX = "keep_post:"

View = Callable[..., HttpResponse]


def _session_key(path: str) -> str:
    return SESSION_PREFIX + path


def save(
    request: HttpRequest, path: str | None = None, extra: dict[str, str] | None = None
) -> bool:
    """Save the POST's text fields for ``path`` (default ``request.path``); False if there was
    nothing to keep. ``extra`` adds fields, e.g. which action form the text belongs to."""
    data: dict[str, list[str]] = {}
    used = 0
    for name, values in request.POST.lists():
        if name in SKIPPED or len(data) >= MAX_FIELDS:
            continue
        size = len(name) + sum(len(v) for v in values)
        if used + size > MAX_CHARS:
            continue  # keep the fields that fit rather than nothing
        data[name], used = list(values), used + size
    if not data:
        return False
    data.update({name: [value] for name, value in (extra or {}).items()})
    request.session[_session_key(path or request.path)] = {
        "saved_at": time.time(),
        "data": data,
        "had_files": bool(request.FILES),
    }
    return True


def restore(request: HttpRequest) -> dict[str, Any]:
    """The text kept for ``request.path`` as initial form data (then forgotten), or ``{}``.

    Adds a message saying the text was restored, and that files must be chosen again if the
    lost POST had any."""
    kept = request.session.pop(_session_key(request.path), None)
    if not isinstance(kept, dict) or time.time() - float(kept.get("saved_at", 0)) > KEEP_FOR:
        return {}
    data = kept.get("data") or {}
    messages.info(request, _("已填回登录过期前填写的内容，请核对后再提交。"))
    if kept.get("had_files"):
        messages.warning(request, _("照片等文件无法在登录过期后保留，请重新选择。"))
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


Back = Callable[[HttpRequest, dict[str, Any]], str]


@overload
def keep_post(view: View) -> View: ...


@overload
def keep_post(view: None = None, *, back: Back) -> Callable[[View], View]: ...


def keep_post(view: View | None = None, *, back: Back | None = None) -> Any:
    """``login_required`` that keeps a POST's text when the session has expired (see above).

    For a POST-only view (a case action), ``back(request, kwargs)`` names the page that shows
    the form: the text is kept for that page, which the user returns to after signing in, and
    the view's ``action`` argument is kept with it as ``_action``.
    """

    def decorate(inner: View) -> View:
        @wraps(inner)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return inner(request, *args, **kwargs)
            target = back(request, kwargs) if back else request.get_full_path()
            if request.method == "POST":
                extra = {"_action": str(kwargs["action"])} if "action" in kwargs else None
                if save(request, target if back else None, extra):
                    messages.info(
                        request, _("登录已过期。您填写的内容已保存，重新登录后会自动填回表单。")
                    )
            return redirect_to_login(target)

        return wrapped

    return decorate(view) if view is not None else decorate
