"""Forms that relatives fill in. They clean and normalise; services store."""

import secrets
import time
from datetime import date

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from advocacy.languages import formatted_lazily

from . import photos
from .codes import normalise_code
from .dates import Precision
from .form_fields import MONTH_CHOICES, DefaultedChoiceField, YearField
from .models import Consent, Ethnicity, Photo, Prefecture, Report, Sex, Situation
from .wgeid_forms import WgeidQuestions

TIMESTAMP_SALT = "cases.report-form-started"
# Faster than any person can read and fill in the form: such a post is a script.
MIN_SECONDS_TO_FILL = 3
# A form's start token is good for one report within this long (ratelimit.first_use remembers
# the tokens used for as long); an older form is shown again to be sent once more.
START_TOKEN_MAX_AGE = 24 * 60 * 60

# Relatives may not set the gravest situations: staff set them, with a citation (DESIGN.md).
REPORTABLE_SITUATIONS = [
    (value, label)
    for value, label in Situation.choices
    if value not in Situation.needing_citation()
]

CONSENT_EXPLAINED = [
    (Consent.INTERNAL, _("Keep it in the office's records only. Nothing is published.")),
    (
        Consent.PARTNERS,
        _(
            "The office may share it in confidence with human-rights organisations and the UN. "
            "Nothing is published."
        ),
    ),
    (
        Consent.PUBLIC_ANONYMOUS,
        _("It may be published without their real name (initials or another name instead)."),
    ),
    (Consent.PUBLIC_NAMED, _("It may be published with their name.")),
]


NAME_MISSING = _("Please write the person's name, as you know it.")


class NameForm(forms.Form):
    text = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        error_messages={"required": NAME_MISSING},
        help_text=_(
            "Write it as many ways as you know it: Kazakh, Uyghur, Russian, Chinese or Latin "
            "letters."
        ),
    )

    def clean_text(self):
        return " ".join(self.cleaned_data["text"].split())


class BaseNameFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index:  # the first box asks for the name, the others for more spellings
            form.fields["text"].label = _("Another spelling")
            form.fields["text"].help_text = ""
        else:  # marked as required; an empty box is caught in clean(), beside the box
            form.fields["text"].required = True

    def clean(self):
        if any(self.errors):
            return
        if not self.spellings():
            self.forms[0].add_error("text", NAME_MISSING)

    def spellings(self):
        seen = []
        for form in self.forms:
            text = form.cleaned_data.get("text", "")
            if text and text not in seen:
                seen.append(text)
        return seen


NameFormSet = formset_factory(
    NameForm, formset=BaseNameFormSet, extra=3, max_num=10, absolute_max=10, validate_max=True
)


PHOTO_LIMITS = formatted_lazily(
    _(
        "A photo (JPEG, PNG, WebP or HEIC) of at most %(megabytes)s MB and at most 50 "
        "megapixels, for example 8000 by 6000 pixels. Every phone camera photo fits."
    ),
    {"megabytes": photos.MAX_UPLOAD_MEGABYTES},
)


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("Photo"),
        required=False,
        allow_empty_file=True,  # our pipeline names the file in its refusal; Django's would not
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
        ),
        help_text=PHOTO_LIMITS,
    )
    kind = DefaultedChoiceField(
        label=_("What it shows"), choices=Photo.Kind.choices, default=Photo.Kind.PORTRAIT
    )
    description = forms.CharField(label=_("Short description"), max_length=300, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        try:
            return photos.sanitize_photo(upload)
        except photos.PhotoRejected as rejected:
            raise ValidationError(
                _("“%(name)s”: %(reason)s"),
                code="bad_photo",
                params={"name": display_filename(upload.name), "reason": rejected.message},
            ) from None


def display_filename(name: str) -> str:
    """A file name fit to show back: no path, no bidi controls, not absurdly long."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch
        for ch in name
        if ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069
    )
    return name if len(name) <= 60 else name[:57] + "…"


class BasePhotoFormSet(forms.BaseFormSet):
    def photos(self):
        """The sanitized photos with their kind and description, in the order given."""
        return [
            (form.cleaned_data["file"], form.cleaned_data["kind"], form.cleaned_data["description"])
            for form in self.forms
            if form.cleaned_data.get("file")
        ]

    def later_rows_used(self) -> bool:
        """Whether a row past the first was filled in: a page with errors keeps it in sight."""
        return any(form.has_changed() or form.errors for form in self.forms[1:])

    def chosen_file_names(self):
        """Names of files the browser sent, so a page with errors can ask for them again."""
        return [
            display_filename(form.files[form.add_prefix("file")].name)
            for form in self.forms
            if form.add_prefix("file") in form.files
        ]


PhotoFormSet = formset_factory(
    PhotoForm, formset=BasePhotoFormSet, extra=5, max_num=5, absolute_max=5, validate_max=True
)


class ReportForm(WgeidQuestions):
    """What a relative tells us about the missing person, about themselves, and their consent;
    and, if they wish, what the UN Working Group asks (WgeidQuestions)."""

    sex = DefaultedChoiceField(
        label=_("Sex"), choices=Sex.choices, default=Sex.UNKNOWN, widget=forms.RadioSelect
    )
    birth_year = YearField(label=_("Year of birth"))
    birth_date = forms.DateField(
        label=_("Date of birth, if you know it"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ethnicity = DefaultedChoiceField(
        label=_("Ethnicity"), choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    hometown_prefecture = DefaultedChoiceField(
        label=_("Hometown: prefecture"), choices=Prefecture.choices, default=Prefecture.UNKNOWN
    )
    hometown_detail = forms.CharField(
        label=_("County, town or village"), max_length=200, required=False
    )
    situation = DefaultedChoiceField(
        label=_("What is their situation now, as far as you know?"),
        choices=REPORTABLE_SITUATIONS,
        default=Situation.UNKNOWN,
        widget=forms.RadioSelect,
    )
    situation_year = YearField(label=_("Since which year?"))
    situation_month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    situation_approximate = forms.BooleanField(label=_("The year is approximate"), required=False)
    last_known_place = forms.CharField(label=_("Last known place"), max_length=200, required=False)
    narrative = forms.CharField(
        label=_("What happened?"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words and your own language."),
    )

    relationship = forms.ChoiceField(
        label=_("Your relationship to the person"),
        choices=[("", "—"), *Report.Relationship.choices],
        required=False,
    )
    submitter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    submitter_phone = forms.CharField(
        label=_("Phone"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    submitter_email = forms.EmailField(label=_("Email"), required=False)
    submitter_messenger = forms.CharField(
        label=_("Messenger (WhatsApp, Telegram…): your number or user name"),
        max_length=200,
        required=False,
    )

    consent = forms.ChoiceField(
        label=_("May we publish what you tell us about this person?"),
        choices=CONSENT_EXPLAINED,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose one answer: whether we may publish, and how."),
        },
    )
    photo_consent = forms.BooleanField(
        label=_("The photos of the person may be published with the case."), required=False
    )

    # Hidden from people by CSS; a script that fills in every field fills this one too.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, started_at: float | None = None, **kwargs):
        """`started_at`: when the relative began, for a form shown again with what they typed."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = start_token(started_at or time.time())

    def clean(self):
        cleaned = super().clean()
        birth_date, birth_year = cleaned.get("birth_date"), cleaned.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error("birth_year", _("The year and the date of birth do not agree."))
        if birth_date and birth_date > date.today():
            self.add_error("birth_date", _("The date of birth is in the future."))
        if cleaned.get("situation_month") and not cleaned.get("situation_year"):
            self.add_error("situation_year", _("Please give the year as well as the month."))
        return cleaned

    def looks_automated(self) -> bool:
        """Honeypot filled in, or sent faster than a person could: drop it without a word."""
        if self.cleaned_data.get("website"):
            return True
        started = started_at(self.cleaned_data.get("started", ""))
        return started is None or time.time() - started < MIN_SECONDS_TO_FILL

    def is_stale(self) -> bool:
        """Opened too long ago for its token to be remembered as used (START_TOKEN_MAX_AGE)."""
        started = started_at(self.cleaned_data.get("started", ""))
        return started is not None and time.time() - started > START_TOKEN_MAX_AGE

    def person_fields(self) -> dict:
        """The Case fields this report describes, with dates at the precision given."""
        data = self.cleaned_data
        fields = {
            key: data[key]
            for key in (
                "sex",
                "ethnicity",
                "hometown_prefecture",
                "hometown_detail",
                "situation",
                "last_known_place",
            )
        }
        if data.get("birth_date"):
            fields |= {"birth_date": data["birth_date"], "birth_date_precision": Precision.DAY}
        elif data.get("birth_year"):
            fields |= {
                "birth_date": date(data["birth_year"], 1, 1),
                "birth_date_precision": Precision.YEAR,
            }
        if data.get("situation_year"):
            fields |= situation_date(
                data["situation_year"],
                data.get("situation_month"),
                data.get("situation_approximate"),
            )
        return fields

    def report_fields(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in (
                "relationship",
                "submitter_name",
                "submitter_phone",
                "submitter_email",
                "submitter_messenger",
                "narrative",
                "consent",
                "photo_consent",
            )
        }


def start_token(started: float) -> str:
    """Signed, with a nonce: each form shown gets a token of its own, even in the same second."""
    return signing.dumps([started, secrets.token_hex(8)], salt=TIMESTAMP_SALT)


def started_at(token: str) -> float | None:
    """When the form holding this signed start token was first shown; None if forged.

    Tokens signed before they carried a nonce are the time alone: forms open in browsers while
    the site was updated still send them.
    """
    try:
        payload = signing.loads(token, salt=TIMESTAMP_SALT)
        return float(payload[0] if isinstance(payload, list) else payload)
    except (signing.BadSignature, TypeError, ValueError, IndexError):
        return None


def typed_values(form: forms.Form, data) -> dict:
    """What was typed into `form`'s fields, as initial values: shown again, never validated.

    Read through each widget, as binding would (a checkbox gives a bool, a select its value);
    files cannot be shown again and are left out.
    """
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
    }


def formset_as_typed(formset_class, data, *, prefix: str):
    """An unbound formset with as many forms as were sent, each showing what was typed."""
    try:
        sent = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        sent = 0
    count = max(0, min(sent, formset_class.absolute_max))
    initial = [
        typed_values(formset_class.form(prefix=f"{prefix}-{index}"), data) for index in range(count)
    ]
    formset = formset_class(prefix=prefix, initial=initial)
    if initial:
        formset.extra = 0
    return formset


def situation_date(year, month, approximate) -> dict:
    if approximate:
        return {
            "situation_date": date(year, 1, 1),
            "situation_date_precision": Precision.ABOUT_YEAR,
        }
    if month:
        return {"situation_date": date(year, month, 1), "situation_date_precision": Precision.MONTH}
    return {"situation_date": date(year, 1, 1), "situation_date_precision": Precision.YEAR}


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])


class AddInformationForm(forms.Form):
    narrative = forms.CharField(
        label=_("What would you like to add?"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
