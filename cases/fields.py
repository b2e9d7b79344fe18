"""Model fields stored encrypted (cases/crypto.py), for whatever identifies a family.

Reuse them for any new private field: `EncryptedCharField(max_length=...)`,
`EncryptedTextField()`, `EncryptedEmailField()`. The column holds a Fernet token (text, so
`max_length` bounds only what a form accepts); an empty value stays empty, which tells a
reader of the database only that nothing was given.

SQL cannot compare or sort a token with a value, so every lookup but "is empty" and "is null"
is refused loudly instead of silently matching nothing; exact lookups go through a keyed hash
kept beside the field (see Report.lookup_hashes).
"""

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EmptyOnlyExact(Exact):
    """`field=""` works (retention asks which reports still hold contacts); any other value
    would be compared with a fresh random token and never match."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it can only be compared with an empty "
                "value. Use its lookup hash to find a value."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value).encode()).decode("ascii")

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value.encode("ascii")).decode()

    def get_lookup(self, lookup_name):
        lookups = {"exact": EmptyOnlyExact, "isnull": IsNull}
        if lookup_name not in lookups:
            raise FieldError(
                f"{self.name} is encrypted: the database cannot search it with {lookup_name!r}."
            )
        return lookups[lookup_name]


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A long private text, such as a narrative."""


class EncryptedCharField(EncryptedMixin, models.TextField):
    """A short private text: a one-line input in forms, `max_length` checked on the plaintext."""

    def __init__(self, *args, max_length=200, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class EncryptedEmailField(EncryptedCharField):
    default_validators = [validators.validate_email]

    def __init__(self, *args, max_length=254, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.EmailField, **kwargs})
