"""Forms of the public pages: the search and filters of the case list (GET, no CSRF token)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import public_input
from .models import Prefecture, Situation


def _with_any(choices):
    return [("", _("any")), *choices]


class CaseFilterForm(forms.Form):
    """What a reader may narrow the published cases by. Invalid values are ignored, not fatal."""

    q = forms.CharField(
        label=_("Name or reference"),
        required=False,
        max_length=public_input.MAX_TEXT_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
        help_text=_("In any script: Latin, Cyrillic, Arabic or Chinese."),
    )
    situation = forms.ChoiceField(
        label=_("Situation"),
        required=False,
        choices=_with_any(Situation.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    prefecture = forms.ChoiceField(
        label=_("Hometown prefecture"),
        required=False,
        choices=_with_any(Prefecture.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.TypedChoiceField(
        label=_("Situation began in"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, years=(), **kwargs):
        """`years`: the years in which published cases' situations began, newest first."""
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _with_any((year, str(year)) for year in years)

    def filters(self) -> dict:
        """Lookups for the valid, non-empty filters; a bad value drops only its own filter."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        lookups = {
            "situation": data.get("situation"),
            "hometown_prefecture": data.get("prefecture"),
            "situation_date__year": data.get("year"),
        }
        return {lookup: value for lookup, value in lookups.items() if value}

    def query(self) -> str:
        """The search text, if any (and valid)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("q", "")

    @property
    def is_narrowed(self) -> bool:
        return bool(self.filters() or self.query())
