"""How the report form is laid out: what a relative must give first, then optional details.

One place for the order of the fields, so that the error summary lists errors as the page shows
them and links each to its field.
"""

from django import forms, template

from .. import photos
from ..receipt_files import image_data_url, text_data_url

register = template.Library()

# Beyond these, a relative fills in only what they know.
ESSENTIAL_SPELLINGS = 2


class ReportLayout:
    def __init__(self, form, names, photos):
        self.form, self.names, self.photos = form, names, photos
        # The view stops validating at the first invalid part; the summary needs every error.
        for part in (form, names, photos):
            part.errors  # noqa: B018

    def who(self):
        spellings = [name_form["text"] for name_form in self.names[:ESSENTIAL_SPELLINGS]]
        return [*spellings, self.form["situation"]]

    def consent(self):
        return [self.form["consent"], self.form["photo_consent"]]

    def person_details(self):
        names = self.names.forms[ESSENTIAL_SPELLINGS:]
        fields = (
            "sex",
            "birth_year",
            "birth_date",
            "ethnicity",
            "hometown_prefecture",
            "hometown_detail",
            "situation_year",
            "situation_month",
            "situation_approximate",
            "last_known_place",
            "narrative",
        )
        return [self.form[name] for name in fields] + [name_form["text"] for name_form in names]

    def about_you(self):
        fields = (
            "relationship",
            "submitter_name",
            "submitter_phone",
            "submitter_email",
            "submitter_messenger",
        )
        return [self.form[name] for name in fields]

    def un_documents(self):
        names = ("id_card_number", "passport_number", "nationality", "occupation")
        return [self.form[f"wgeid_{name}"] for name in names]

    def un_kind(self):
        return self.form["wgeid_disappearance_kind"]

    def un_when(self):
        return [self.form[name] for name in ("wgeid_year", "wgeid_month", "wgeid_day")]

    def un_place(self):
        return self.form["wgeid_place"]

    def un_responsible(self):
        names = ("responsible", "responsible_name", "responsible_basis")
        return [self.form[f"wgeid_{name}"] for name in names]

    def un_steps(self):
        return self.form["wgeid_family_steps"]

    def un_consent(self):
        return [self.form["wgeid_consent_submission"], self.form["wgeid_consent_named"]]

    def un_questions(self):
        """The questions for the UN Working Group, in the order of the page."""
        return [
            *self.un_documents(),
            self.un_kind(),
            *self.un_when(),
            self.un_place(),
            *self.un_responsible(),
            self.un_steps(),
            *self.un_consent(),
        ]

    def photo_fields(self):
        return [photo_form[name] for photo_form in self.photos for name in photo_form.fields]

    def in_page_order(self):
        return [
            *self.who(),
            *self.photo_fields(),
            *self.consent(),
            *self.person_details(),
            *self.about_you(),
            *self.un_questions(),
        ]

    def field_errors(self):
        """(field id, label, message) for every field error, in the order of the page."""
        return [
            (focusable_id(field), field.label, message)
            for field in self.in_page_order()
            for message in field.errors
        ]

    def first_error_field(self):
        return next((field for field in self.in_page_order() if field.errors), None)

    def details_open(self) -> bool:
        """Keep the optional details open once the relative has written in them or erred there,
        so that what they typed is in sight and an error is never hidden in a closed box."""
        return any(
            field.errors or field_changed(field)
            for field in (*self.person_details(), *self.about_you())
        )

    def un_open(self) -> bool:
        """As details_open, for the questions for the UN."""
        return any(field.errors or field_changed(field) for field in self.un_questions())


def focusable_id(bound_field) -> str:
    """The id a link may point at to bring the field into view and focus: for a group of
    radio buttons, its first button."""
    if isinstance(bound_field.field.widget, forms.RadioSelect):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label


def field_changed(bound_field) -> bool:
    """Whether the field holds something other than its default: typed and sent, or (on a form
    given back unsent after an expired or limited request) typed and put back as its initial."""
    return bound_field.name in bound_field.form.changed_data


@register.simple_tag
def report_layout(form, names, photos):
    layout = ReportLayout(form, names, photos)
    first = layout.first_error_field()
    # Where a page loads with errors, the first one takes the focus, even without JavaScript.
    # A group of radio buttons cannot carry one autofocus; the script focuses it instead.
    if first is not None and not isinstance(first.field.widget, forms.RadioSelect):
        first.field.widget.attrs["autofocus"] = True
    return layout


@register.simple_tag
def receipt_downloads(code):
    return {"image": image_data_url(code), "text": text_data_url(code)}


@register.simple_tag
def photo_max_bytes() -> int:
    """For the browser's own check of a chosen file, before it is sent."""
    return photos.MAX_UPLOAD_BYTES


@register.simple_tag
def photo_too_large() -> str:
    return photos.TOO_MANY_BYTES
