"""Template tags of the public pages."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

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
