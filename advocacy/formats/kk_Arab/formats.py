"""Formats of Kazakh in Töte (kk_Arab), as Kazakh print in Xinjiang writes dates and numbers.

Dates put the year first, "2018-جىلى 9-ناۋرىز" (year 2018, March 9), the order of Kazakh and
Uyghur print in China; the month names come from our kk_Arab catalogs, converted from the kk
ones. Digits are the European 0-9: Xinjiang Kazakh newspapers, schoolbooks and signs use them,
not the Arabic-Indic ones of Arabic or Persian (which MediaWiki's kk-arab shows), and families
type them so on their phones. Decimal point and thousands comma follow Chinese print, like
Django's Uyghur formats. A browser lays these numbers out left to right inside the
right-to-left line on its own.
"""

DATE_FORMAT = "Y-جىلى j-E"  # 2018-جىلى 9-ناۋرىز
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "Y-جىلى j-E، H:i"  # 2018-جىلى 9-ناۋرىز، 14:30
YEAR_MONTH_FORMAT = "Y-جىلى E"  # 2018-جىلى ناۋرىز
MONTH_DAY_FORMAT = "j-E"  # 9-ناۋرىز
SHORT_DATE_FORMAT = "Y-m-d"  # 2018-03-09
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2018-03-09 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each is also how a value is shown back in a text input.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2018-03-09
    "%d.%m.%Y",  # 09.03.2018, as Kazakhs from Kazakhstan write it
    "%Y/%m/%d",  # 2018/03/09
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2018-03-09 14:30:59
    "%Y-%m-%d %H:%M",  # 2018-03-09 14:30
    "%d.%m.%Y %H:%M:%S",  # 09.03.2018 14:30:59
    "%d.%m.%Y %H:%M",  # 09.03.2018 14:30
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
