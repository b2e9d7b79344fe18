"""The dossier's labels, printed in the office's language and then in English."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import override

from .. import dossier
from ..evidence_models import FileEvent
from .moderation import language_name

register = template.Library()


def _texts(value) -> tuple[str, str | None]:
    """`value` (a lazy translation, or a text computed when printed) in the office's language,
    and in English when that differs."""
    office = settings.DOSSIER_LANGUAGE
    with override(office):
        first = str(value)
    if office == "en":
        return first, None
    with override("en"):
        english = str(value)
    return first, (english if english != first else None)


@register.filter
def both(value):
    """A label or a short text: the office's wording, then the English in a span of its own."""
    first, english = _texts(value)
    if english is None:
        return format_html("{}", first)
    return format_html('{} <span class="en" lang="en" dir="ltr">{}</span>', first, english)


@register.filter
def both_paragraphs(value):
    """A longer text: a paragraph in the office's language, then one in English."""
    first, english = _texts(value)
    if english is None:
        return format_html("<p>{}</p>", first)
    return format_html('<p>{}</p><p class="en" lang="en" dir="ltr">{}</p>', first, english)


@register.filter
def choice(obj, field_name):
    """The label of a field's choice, still lazy, so that `both` prints it in two languages."""
    value = getattr(obj, field_name)
    return dict(obj._meta.get_field(field_name).flatchoices).get(value, value)


@register.filter
def fuzzy(obj, field_name):
    """A date at its precision (the `<field>_precision` beside it), printed when shown."""
    return dossier.fuzzy_date(getattr(obj, field_name), getattr(obj, f"{field_name}_precision"))


@register.filter
def file_action(action):
    """A step of a file's trail by its code, still lazy, for `both`."""
    return FileEvent.Action(action).label


@register.filter
def photo_url(photo):
    """The only kind of URL the dossier's fetcher answers (cases/dossier.py)."""
    return dossier.photo_url(photo)


@register.filter
def language(code):
    """A language's name, in the office's language and in English."""
    return dossier.in_language(language_name, code)
