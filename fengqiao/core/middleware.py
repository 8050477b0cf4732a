"""Chinese first: the interface is Simplified Chinese unless the user chose another language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from fengqiao.core import generation


class ChosenLanguageMiddleware:
    """Activate the language from the language cookie (set by ``/i18n/setlang/``), else Chinese.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a staff computer
    with an English browser would get English pages nobody asked for. Here only an explicit
    choice changes the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ReferenceDataMiddleware:
    """Check the reference-data stamp once per request (``core.generation.pinned``), however
    many per-process copies (routing, categories, tokens, recipients) the request uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with generation.pinned():
            return self.get_response(request)
