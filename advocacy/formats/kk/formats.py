"""Kazakh formats: Django has none for kk, so dates fell back to English ("March 9, 2018").

The *_FORMAT strings use Django's date format syntax. Kazakh writes a month inside a date in
lowercase ("9 наурыз 2018", "наурыз 2018 бастап"), so the formats use "E", the "alt. month"
names, which our supplementary catalog (supplements/locale/kk) gives in lowercase. "F" keeps the
capitalised standalone names ("Наурыз") for menus and headings, such as the report form's
month choice.
"""

DATE_FORMAT = "j E Y"  # 9 наурыз 2018
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j E Y, H:i"  # 9 наурыз 2018, 14:30
YEAR_MONTH_FORMAT = "E Y"  # наурыз 2018
MONTH_DAY_FORMAT = "j E"  # 9 наурыз
SHORT_DATE_FORMAT = "d.m.Y"  # 09.03.2018
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 09.03.2018 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# The *_INPUT_FORMATS strings use Python's strftime syntax; the first is also the one
# used to show a value back in a text input.
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 09.03.2018
    "%Y-%m-%d",  # 2018-03-09
    "%d.%m.%y",  # 09.03.18
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # 09.03.2018 14:30:59
    "%d.%m.%Y %H:%M:%S.%f",  # 09.03.2018 14:30:59.000200
    "%d.%m.%Y %H:%M",  # 09.03.2018 14:30
    "%Y-%m-%d %H:%M:%S",  # 2018-03-09 14:30:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2018-03-09 14:30:59.000200
    "%Y-%m-%d %H:%M",  # 2018-03-09 14:30
    "%d.%m.%y %H:%M:%S",  # 09.03.18 14:30:59
    "%d.%m.%y %H:%M:%S.%f",  # 09.03.18 14:30:59.000200
    "%d.%m.%y %H:%M",  # 09.03.18 14:30
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space: 12 345
NUMBER_GROUPING = 3
