"""Dates known only roughly ("spring 2018", "last year"): a date plus how precisely it is known."""

from datetime import date

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("exact day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    ABOUT_YEAR = "about_year", _("approximate year")


def format_fuzzy_date(value: date | None, precision: str) -> str:
    """Show a date no more precisely than it is known, in the active language."""
    if value is None:
        return ""
    if precision == Precision.DAY:
        return date_format(value, "DATE_FORMAT")
    if precision == Precision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    if precision == Precision.ABOUT_YEAR:
        return gettext("about %(year)s") % {"year": value.year}
    # Translatable, so that languages that write a year with a word (2018年) can.
    return pgettext("a year on its own", "%(year)s") % {"year": value.year}
