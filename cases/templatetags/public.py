"""Template tags of the public pages."""

import re
from datetime import UTC

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import format_html

from advocacy.languages import language_tag
from cases import public_input

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """This page in every language, as plain links.

    Links rather than Django's set_language form: a POST form carries a CSRF token, which
    would make every public page personal and so uncacheable, and needs a cookie besides.
    Built from the URL pattern the page matched, never from the path as sent: behind gunicorn
    "//evil.example/en/" is a path, and a link made of it would lead to another host. The query
    is the page's declared parameters only (cases/caching.py leaves just those in request.GET).
    """
    request = context.get("request")
    current = translation.get_language()
    match = getattr(request, "resolver_match", None)
    canonical = match is not None and isinstance(request.GET, public_input.CanonicalQuery)
    query = request.GET.urlencode() if canonical else ""
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = _same_page(match) or reverse("cases:home")
        if query:
            url = f"{url}?{query}"
        links.append(
            {
                "code": code,
                "tag": language_tag(code),
                "name": name,
                "url": url,
                # Search engines read hreflang alternates only as absolute URLs.
                "absolute_url": settings.SITE_URL + url,
                "current": code == current,
            }
        )
    return links


def _same_page(match) -> str:
    """The matched page's path in the active language; "" when it was no page of ours (a 404)."""
    if match is None or not match.view_name:
        return ""
    try:
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return ""


# A language tag as BCP 47 writes it (e.g. "en", "zh-Hans", "kk-Arab"); anything else is ignored.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@register.simple_tag
def lang_attr(code):
    """` lang="…"` for content written in `code`, when it differs from the page's language.

    Screen readers switch voice by it (WCAG 3.1.2): an English title on a Uyghur page must
    not be read with Uyghur sounds.
    """
    code = (code or "").strip()
    if not LANGUAGE_TAG.fullmatch(code):
        return ""
    if code.lower() == (translation.get_language() or "").lower():
        return ""
    return format_html(' lang="{}"', language_tag(code))


@register.filter
def machine_datetime(value):
    """A timestamp as HTML's datetime attribute takes it: UTC, to the minute (public timestamps
    are cut to the minute, and the attribute refuses microseconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") if value else ""


# The ideographic full stop, and the full-width exclamation and question marks, semicolon, colon.
CJK_SENTENCE_END = re.compile("(?<=[\u3002\uff01\uff1f\uff1b\uff1a])\\s+")


@register.filter(is_safe=True)
def join_sentences(text):
    """Sentences translated one by one are joined by a space in the template; Chinese puts none
    after its full stop."""
    return CJK_SENTENCE_END.sub("", text)
