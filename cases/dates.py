"""Dates known only roughly ("spring 2018", "last year"): a date plus how precisely it is known."""

# Cyrillic letters in the word lists below are the point.
# ruff: noqa: RUF001, RUF003

import re
import unicodedata
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


# Reading dates as volunteers typed them into spreadsheets ("2017 autumn", "2018 ж.", "март
# 2019", "2018年3月"): an import turns each into a date and a precision, or says why it cannot.

_MONTHS = {
    # English, Russian (nominative, genitive, short), Kazakh.
    **dict.fromkeys(["january", "jan", "январь", "января", "янв", "қаңтар"], 1),
    **dict.fromkeys(["february", "feb", "февраль", "февраля", "фев", "ақпан"], 2),
    **dict.fromkeys(["march", "mar", "март", "марта", "мар", "наурыз"], 3),
    **dict.fromkeys(["april", "apr", "апрель", "апреля", "апр", "сәуір"], 4),
    **dict.fromkeys(["may", "май", "мая", "мамыр"], 5),
    **dict.fromkeys(["june", "jun", "июнь", "июня", "маусым"], 6),
    **dict.fromkeys(["july", "jul", "июль", "июля", "шілде"], 7),
    **dict.fromkeys(["august", "aug", "август", "августа", "авг", "тамыз"], 8),
    **dict.fromkeys(["september", "sep", "sept", "сентябрь", "сентября", "сен", "қыркүйек"], 9),
    **dict.fromkeys(["october", "oct", "октябрь", "октября", "окт", "қазан"], 10),
    **dict.fromkeys(["november", "nov", "ноябрь", "ноября", "ноя", "қараша"], 11),
    **dict.fromkeys(["december", "dec", "декабрь", "декабря", "дек", "желтоқсан"], 12),
}
# A season is kept as its year: the precisions we store stop at the month, and no month of a
# season is the right one. The middle month, so the date sorts where the season lies.
_SEASONS = {
    **dict.fromkeys(["spring", "весна", "весной", "көктем", "көктемде", "春"], 4),
    **dict.fromkeys(["summer", "лето", "летом", "жаз", "жазда", "夏"], 7),
    **dict.fromkeys(["autumn", "fall", "осень", "осенью", "күз", "күзде", "күзі", "秋"], 10),
    **dict.fromkeys(["winter", "зима", "зимой", "қыс", "қыста", "冬"], 1),
}
_ABOUT = {"about", "around", "circa", "ca", "c", "approx", "примерно", "около", "шамамен", "约"}
# Words that only say "year" after a number: 2018 ж., 2018 г., 2018 год, 2018年, 2018-yili.
_YEAR_WORDS = {"ж", "жыл", "жылы", "г", "год", "года", "году", "гг", "年", "yil", "yili", "يىلى"}
_FILLER = {"in", "of", "the", "в", "на", "の", "季", "天", "月份"}

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{4})")
_HAN_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号])?)?")
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)

EARLIEST_YEAR = 1900


class UnreadableDate(ValueError):
    """Why a date as typed could not be read; the message is shown to staff."""


def parse_fuzzy_date(text: str, *, today: date | None = None) -> tuple[date, str] | None:
    """A date and its precision from text as people write it; None for an empty cell.

    Raises UnreadableDate, saying why, for anything else that is not a date we can trust.
    """
    today = today or date.today()
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if not cleaned or cleaned in {"-", "?", "n/a", "нет"}:
        return None
    about = cleaned.startswith("~") or cleaned.endswith("?")
    cleaned = cleaned.strip("~?").strip()
    for reader in (_read_numeric, _read_han, _read_words):
        found = reader(cleaned)
        if found is not None:
            value, precision = found
            break
    else:
        raise UnreadableDate(gettext("“%(text)s” is not a date we can read.") % {"text": text})
    if about or _has_about_word(cleaned):
        precision = Precision.ABOUT_YEAR
    _check_range(value, today, text)
    return value, precision


def _read_numeric(text: str):
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return _safe_date(year, month, day, text), Precision.DAY
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        if day:
            return _safe_date(int(year), int(month), int(day), text), Precision.DAY
        return _safe_date(int(year), int(month), 1, text), Precision.MONTH
    if match := _MONTH_YEAR.fullmatch(text):
        month, year = (int(part) for part in match.groups())
        return _safe_date(year, month, 1, text), Precision.MONTH
    return None


def _read_han(text: str):
    compact = text.replace(" ", "")
    match = _HAN_DATE.match(compact)
    if match is None:
        return None
    rest = compact[match.end() :]
    year, month, day = match.groups()
    if day:
        return _safe_date(int(year), int(month), int(day), text), Precision.DAY
    if month:
        return _safe_date(int(year), int(month), 1, text), Precision.MONTH
    season = next((m for word, m in _SEASONS.items() if len(word) == 1 and word in rest), None)
    return date(int(year), season or 1, 1), Precision.YEAR


def _read_words(text: str):
    """A year with at most a month or a season and words that only say "year" or "about"."""
    tokens = _TOKEN.findall(text)
    years = [token for token in tokens if token.isdigit() and len(token) == 4]
    if len(years) != 1:
        return None
    year, month, season = int(years[0]), None, None
    for token in tokens:
        if token == years[0] or token in _YEAR_WORDS or token in _ABOUT or token in _FILLER:
            continue
        if token in _MONTHS and month is None:
            month = _MONTHS[token]
        elif token in _SEASONS and season is None:
            season = _SEASONS[token]
        else:
            return None
    if month:
        return date(year, month, 1), Precision.MONTH
    return date(year, season or 1, 1), Precision.YEAR


def _has_about_word(text: str) -> bool:
    return any(token in _ABOUT for token in _TOKEN.findall(text))


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableDate(
            gettext("“%(text)s” is not a real day of the calendar.") % {"text": text}
        ) from None


def _check_range(value: date, today: date, text: str) -> None:
    if value.year < EARLIEST_YEAR or value > today:
        raise UnreadableDate(
            gettext("“%(text)s” is before %(earliest)s or in the future.")
            % {"text": text, "earliest": EARLIEST_YEAR}
        )
