"""Template tags of the public pages."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """This page in every language, as plain links.

    Links rather than Django's set_language form: a POST form carries a CSRF token, which
    would make every public page personal and so uncacheable, and needs a cookie besides.
    """
    request = context.get("request")
    current = translation.get_language()
    path = request.get_full_path() if request else ""
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:  # not a page of ours (e.g. a 404): go home
            with translation.override(code):
                url = reverse("cases:home")
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links
