"""Fields the relatives' forms share: a choice with an honest default, a year, a month."""

from django import forms
from django.core import validators
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

MONTH_CHOICES = [("", _("month not known")), *MONTHS.items()]


class DefaultedChoiceField(forms.ChoiceField):
    """A choice with an honest default ("not known"): left empty, it means the default.

    Not required, so that it carries no required mark: only what a relative must give is marked.
    """

    def __init__(self, *, default, **kwargs):
        super().__init__(required=False, initial=default, **kwargs)
        self.default = default

    def clean(self, value):
        return super().clean(value) or self.default

    def has_changed(self, initial, data):
        return super().has_changed(initial, data or self.default)


FIRST_YEAR = 1900


def this_year() -> int:
    return timezone.localdate().year


class YearField(forms.IntegerField):
    """A year from FIRST_YEAR to this one, where "this one" is read each time a form is used:
    a worker running over New Year must accept the new year without a restart."""

    def __init__(self, **kwargs):
        widget = forms.NumberInput(attrs={"inputmode": "numeric"})
        super().__init__(min_value=FIRST_YEAR, required=False, widget=widget, **kwargs)
        self.validators.append(validators.MaxValueValidator(this_year))

    def __deepcopy__(self, memo):
        """Each form gets its own copy of the field: its page names the year of that day."""
        field = super().__deepcopy__(memo)
        field.widget.attrs["max"] = str(this_year())
        return field
