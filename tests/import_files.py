"""Spreadsheets as the office's volunteers keep them, generated with what each row should become.

Used by tests/test_import.py and bench/imports.py. Names in Cyrillic, Latin, Arabic script and
Chinese; dates written every way people write them; the same person twice in one file under
two spellings; a few cells nobody can read.
"""

# ruff: noqa: RUF003 (Cyrillic and Arabic letters are the point)

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date

from cases.dates import Precision

HEADERS = [
    "ФИО / Name",
    "Туған жылы",
    "Дата задержания",
    "Пол",
    "Ұлты",
    "Имя родственника",
    "Телефон родственника",
    "Родство",
    "Видео",
    "Показания",
]
MAPPING = {
    "ФИО / Name": "name",
    "Туған жылы": "birth_date",
    "Дата задержания": "situation_date",
    "Пол": "sex",
    "Ұлты": "ethnicity",
    "Имя родственника": "submitter_name",
    "Телефон родственника": "submitter_phone",
    "Родство": "relationship",
    "Видео": "source_url",
    "Показания": "narrative",
}

# One person, every way their name may be written; each tuple folds to the same search key.
PEOPLE = [
    ("Әділғазы Ерғазы", "Adilgazy Yergazy"),
    ("Гүлнар Сейітқызы", "Gulnar Seyitkyzy"),
    ("Бақытжан Мұхаметқали", "Bakytzhan Mukhametkali"),
    ("Мурат Токтар", "Murat Toktar"),
    ("Айгүл Нұрланқызы", "Aygul Nurlankyzy"),
    ("Ержан Қайрат", "Yerzhan Kayrat"),
    ("Абдурехим Тохти", "Abdurehim Tohti"),
    ("Рахиле Давут", "Rahile Dawut"),
]
UYGHUR = ["ئابدۇرېھىم تۇرسۇن", "مەمەت ئىمىن", "گۈلنار ئابلىز", "ئەھمەت قادىر", "پاتىگۈل ھەسەن"]
CHINESE = ["阿地力加孜", "努尔兰", "古丽娜尔", "买买提", "热依拉"]
GIVEN = ["Асель", "Нурлан", "Самат", "Жанар", "Берик", "Aliya", "Daniyar", "Kuanysh", "Ruslan"]
FAMILY = ["Омарова", "Сапаров", "Касымов", "Tursun", "Ismail", "Kenzhebek", "Abdulla", "Serik"]


def _date_forms(rng: random.Random) -> tuple[str, date | None, str | None]:
    """A date as typed, and what it means: (text, date, precision)."""
    year = rng.randint(2014, 2020)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    months_ru = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"]  # fmt: skip
    forms = [
        (f"{year} autumn", date(year, 10, 1), Precision.YEAR),
        (f"{year} ж.", date(year, 1, 1), Precision.YEAR),
        (f"{year}年{month}月", date(year, month, 1), Precision.MONTH),
        (f"{day:02d}.{month:02d}.{year}", date(year, month, day), Precision.DAY),
        (f"{months_ru[month - 1]} {year}", date(year, month, 1), Precision.MONTH),
        (f"примерно {year} г.", date(year, 1, 1), Precision.ABOUT_YEAR),
        (f"{year}-{month:02d}", date(year, month, 1), Precision.MONTH),
        (str(year), date(year, 1, 1), Precision.YEAR),
        ("", None, None),
    ]
    return rng.choice(forms)


@dataclass
class ExpectedRow:
    number: int
    names: list[str]
    situation: tuple | None = None  # (date, precision)
    unreadable: list[str] = field(default_factory=list)  # headers of cells that cannot be read
    imported: bool = True


@dataclass
class GeneratedFile:
    rows: list[list[str]]
    expected: list[ExpectedRow]
    existing_names: list[str]  # to record as existing cases before the import

    def csv_bytes(self, encoding="utf-8") -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(self.rows)
        return buffer.getvalue().encode(encoding)

    def xlsx_bytes(self) -> bytes:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADERS)
        for row in self.rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _name_cell(rng: random.Random, number: int) -> tuple[str, list[str]]:
    kind = number % 5
    if kind == 0:
        cyrillic, latin = rng.choice(PEOPLE)
        return f"{cyrillic} / {latin}", [cyrillic, latin]
    if kind == 1:
        name = rng.choice(UYGHUR)
        return name, [name]
    if kind == 2:
        name = rng.choice(CHINESE)
        return name, [name]
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {number}"
    return name, [name]


def generate(rows: int = 2000, seed: int = 19) -> GeneratedFile:
    """A file of `rows` rows; every 97th has a name in mixed scripts, every 89th a bad date."""
    rng = random.Random(seed)
    table, expected = [], []
    for offset in range(rows):
        number = offset + 2  # the header is row 1
        cell, spellings = _name_cell(rng, number)
        text, when, precision = _date_forms(rng)
        row = ExpectedRow(number=number, names=spellings)
        if number % 97 == 0:
            cell = "Аdil Мixed"  # Cyrillic А and М before Latin letters: refused
            row.names, row.imported = [], False
        if number % 89 == 0:
            text, when = "last year", None
            row.unreadable.append("Дата задержания")
        row.situation = (when, precision) if when else None
        expected.append(row)
        table.append(
            [
                cell,
                str(rng.randint(1950, 2000)) if number % 3 else "",
                text,
                rng.choice(["м", "ж", "female", "male", "", "女"]),
                rng.choice(["Kazakh", "Uyghur", "", "kazakh"]),
                rng.choice(["Серик Омаров", "Айжан", "Tursun Ali", ""]),
                f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                rng.choice(["sibling", "child", "parent", "", "spouse"]),
                f"https://video.example/{number}" if number % 4 == 0 else "",
                rng.choice(["Taken from home at night.", "Задержан на границе.", ""]),
            ]
        )
    existing = [PEOPLE[0][1], PEOPLE[3][0], UYGHUR[0], CHINESE[0]]
    return GeneratedFile(rows=table, expected=expected, existing_names=existing)
