"""The site's languages that Django does not ship (settings.EXTRA_LANG_INFO), made known to Django.

Django knows a language's name and direction from `django.conf.locale.LANG_INFO`, and decides
right to left from the part of the code before the first hyphen: for kk-arab that is kk, which
is Cyrillic and left to right. So a code listed whole in LANGUAGES_BIDI is right to left too.

Django's language codes are lowercase (the URLs say /kk-arab/), and its templates, the admin's
too, write them so into `<html lang>`; `LanguageTagMiddleware` spells them as BCP 47 does there.
"""

import functools

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import trans_real


def register() -> None:
    """Add our languages to Django's table and teach get_language_bidi their direction.

    Django has no setting or hook for the direction of a language with a script subtag, so
    this replaces trans_real.get_language_bidi, which django.utils.translation and the
    {% get_current_language_bidi %} tag call. tests/test_library_internals.py fails when
    Django stops calling it, or starts deciding from the whole code (then this can go).
    """
    LANG_INFO.update(settings.EXTRA_LANG_INFO)
    trans_real.get_language_bidi = _language_bidi(trans_real.get_language_bidi)


def _language_bidi(djangos):
    @functools.wraps(djangos)
    def get_language_bidi() -> bool:
        """Right to left for a code listed whole in LANGUAGES_BIDI, else as Django decides."""
        return translation.get_language() in settings.LANGUAGES_BIDI or djangos()

    return get_language_bidi


def formatted_lazily(message, values: dict):
    """A lazily translated message with %-placeholders and their values, translated when shown
    (in the reader's language), where `_("...") % values` would translate it once, at import."""
    return lazy(lambda: str(message) % values, str)()


def language_tag(code: str) -> str:
    """The BCP 47 spelling of a language code, for lang attributes: kk-arab is kk-Arab."""
    language, _, rest = code.partition("-")
    if len(rest) == 4:
        return f"{language}-{rest.title()}"
    return code


def asks_for(request, language: str) -> bool:
    """Whether the language cookie or the browser's Accept-Language names `language`."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == language:
        return True
    header = request.headers.get("accept-language", "")
    tags = (part.split(";")[0].strip().lower() for part in header.split(","))
    return any(tag == language or tag.startswith(f"{language}-") for tag in tags)


# The <html> element opens a page, within its first few hundred bytes.
_HEAD_BYTES = 512


class LanguageTagMiddleware:
    """Write a page's `<html lang>` as BCP 47 spells it: kk-Arab, zh-Hans.

    Sits outside LocaleMiddleware, whose Content-Language header names the page's language.
    Only the letters' case changes, so the length of the page stays as it was.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        code = response.headers.get("Content-Language", "")
        tag = language_tag(code)
        if tag != code and not response.streaming and _is_html(response):
            head = response.content[:_HEAD_BYTES]
            wrong, right = f'<html lang="{code}"'.encode(), f'<html lang="{tag}"'.encode()
            response.content = head.replace(wrong, right, 1) + response.content[_HEAD_BYTES:]
        return response


def _is_html(response: HttpResponse) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html")
