"""What the report form asks for the UN Working Group (WGEID): only what a relative may know,
in plain words, all optional. The answers are stored as WgeidAnswers and prefill the case."""

import calendar
import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dates import Precision
from .form_fields import MONTH_CHOICES, DefaultedChoiceField, YearField
from .wgeid_models import Answer, DisappearanceKind, Responsible

# Characters no one types: control characters (tab and newlines aside), lone surrogates,
# private use and unassigned code points. They would end up in a letter to the UN.
_REFUSED = {"Cc", "Cs", "Co", "Cn"}
_WHITESPACE = {"\t", "\n", "\r"}


def no_control_characters(value: str) -> None:
    if any(ch not in _WHITESPACE and unicodedata.category(ch) in _REFUSED for ch in value):
        raise ValidationError(
            _("This text holds characters that cannot be stored. Please type it again."),
            code="control_characters",
        )


def text(label, *, max_length, help_text="", lines=0, **attrs):
    """An optional text: one line, or a box of `lines` lines."""
    widget = forms.Textarea(attrs={"rows": lines}) if lines else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=widget,
        validators=[no_control_characters],
    )


def answer(label, help_text, choices):
    return DefaultedChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        default=Answer.UNKNOWN,
        widget=forms.RadioSelect,
    )


YES_NO_NOT_SURE = [
    (Answer.YES, pgettext_lazy("answer to a request for consent", "Yes")),
    (Answer.NO, pgettext_lazy("answer to a request for consent", "No")),
    (Answer.UNKNOWN, _("I am not sure yet")),
]
HOW_IT_HAPPENED = [
    (DisappearanceKind.ARRESTED, _("They were taken away (arrested or detained).")),
    (DisappearanceKind.LAST_SEEN, _("We lost contact with them.")),
    (DisappearanceKind.UNKNOWN, _("I don't know.")),
]
WHO_TOOK_THEM = [
    (Responsible.POLICE, _("The police")),
    (Responsible.STATE_SECURITY, _("State security")),
    (Responsible.FACILITY, _("A camp, prison or detention centre")),
    (Responsible.OTHER, _("Someone else")),
    (Responsible.UNKNOWN, _("I don't know.")),
]
# Form field -> WgeidAnswers field, for the texts and choices kept as given.
STORED = {
    "wgeid_id_card_number": "id_card_number",
    "wgeid_passport_number": "passport_number",
    "wgeid_nationality": "nationality",
    "wgeid_occupation": "occupation",
    "wgeid_disappearance_kind": "disappearance_kind",
    "wgeid_place": "disappearance_place",
    "wgeid_responsible": "responsible",
    "wgeid_responsible_name": "responsible_name",
    "wgeid_responsible_basis": "responsible_basis",
    "wgeid_family_steps": "family_steps",
    "wgeid_consent_submission": "consent_submission",
    "wgeid_consent_named": "consent_named",
}
DATE_FIELDS = ["wgeid_year", "wgeid_month", "wgeid_day"]


class WgeidQuestions(forms.Form):
    """Mixed into ReportForm: its fields sit in a section of their own (templatetags)."""

    wgeid_id_card_number = text(
        _("ID card number"),
        max_length=64,
        help_text=_("The number on their Chinese ID card, if you know it."),
        autocomplete="off",
    )
    wgeid_passport_number = text(_("Passport number"), max_length=64, autocomplete="off")
    wgeid_nationality = text(
        _("Citizenship"),
        max_length=200,
        help_text=_("For example: China, Kazakhstan, or both."),
    )
    wgeid_occupation = text(_("What work did they do?"), max_length=200)
    wgeid_disappearance_kind = DefaultedChoiceField(
        label=_("Were they taken away, or did you lose contact?"),
        choices=HOW_IT_HAPPENED,
        default=DisappearanceKind.UNKNOWN,
        widget=forms.RadioSelect,
    )
    wgeid_year = YearField(label=_("Year"))
    wgeid_month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    wgeid_day = forms.IntegerField(
        label=_("Day"),
        min_value=1,
        max_value=31,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    wgeid_place = text(_("Where did it happen, or where were they last?"), max_length=300)
    wgeid_responsible = DefaultedChoiceField(
        label=_("Who took them, as far as you know?"),
        choices=WHO_TOOK_THEM,
        default=Responsible.UNKNOWN,
        widget=forms.RadioSelect,
    )
    wgeid_responsible_name = text(
        _("The name of the office, camp or prison, if you know it"), max_length=300
    )
    wgeid_responsible_basis = text(
        _("How do you know who took them?"),
        max_length=2000,
        lines=2,
        help_text=_("For example: you saw it, a neighbour told you, an official said so."),
    )
    wgeid_family_steps = text(
        _("What has the family done to find them?"),
        max_length=5000,
        lines=4,
        help_text=_(
            "For example: letters, petitions, visits to the police. To whom, when, and what "
            "answer you got, if any."
        ),
    )
    wgeid_consent_submission = answer(
        _("May the office send this case to the UN Working Group?"),
        _(
            "The UN Working Group on Enforced or Involuntary Disappearances asks the government "
            "where the person is and what happened to them."
        ),
        YES_NO_NOT_SURE,
    )
    wgeid_consent_named = answer(
        _("If the case is sent, may the UN give your name to the Chinese government?"),
        _("If you answer no, the UN keeps your name from the government."),
        YES_NO_NOT_SURE,
    )

    def clean(self):
        cleaned = super().clean()
        year, month, day = (cleaned.get(name) for name in DATE_FIELDS)
        if month and not year:
            self.add_error("wgeid_year", _("Please give the year as well as the month."))
        elif day and not month:
            self.add_error("wgeid_month", _("Please give the month as well as the day."))
        elif year and month and day and day > calendar.monthrange(year, month)[1]:
            self.add_error("wgeid_day", _("This month has no such day."))
        elif year and self.disappearance_date() > timezone.localdate():
            self.add_error("wgeid_year", _("This date is in the future."))
        return cleaned

    def disappearance_date(self) -> date | None:
        year, month, day = (self.cleaned_data.get(name) for name in DATE_FIELDS)
        return date(year, month or 1, day or 1) if year else None

    def wgeid_answers(self) -> dict | None:
        """Fields of WgeidAnswers as answered; None when the relative answered nothing."""
        data = self.cleaned_data
        answers = {stored: data[field] for field, stored in STORED.items()}
        if data.get("wgeid_year"):
            precision = (
                Precision.DAY
                if data.get("wgeid_day")
                else Precision.MONTH
                if data.get("wgeid_month")
                else Precision.YEAR
            )
            answers |= {
                "disappearance_date": self.disappearance_date(),
                "disappearance_date_precision": precision,
            }
        defaults = {Answer.UNKNOWN, DisappearanceKind.UNKNOWN, Responsible.UNKNOWN, ""}
        if all(value in defaults for value in answers.values()):
            return None
        return answers
