"""Cyrillic Kazakh to Töte, the Arabic-based Kazakh script that Kazakhs of Xinjiang read. Pure.

No maintained converter exists as a package, so this is ours. Sources of the rules:

- The Töte alphabet as reformed for Kazakh in Xinjiang and taught there: one letter for each
  back/front vowel pair (а/ә ا, о/ө و, ұ/ү ۇ, ы/і ى), е written ە, and the high hamza ٴ (U+0674)
  written once at the start of a word whose vowels are front when no letter of the word shows it
  already. ە, ك and گ only occur in front words, so a word with е, э, к or г needs no hamza; ғ
  and қ only occur in back words, so a word with them takes none either.
- MediaWiki's Kazakh language converter (kk-cyrl to kk-arab), the long-standing precedent on the
  web, for the treatment of и (ىي), у (ۋ), в (ۆ), х (ح) and the hamza rule as stated above. We
  followed its published spellings (ۋىيكىي for уики, سىيپاتى for сипаты, ٴوز for өз), not its code.
- Xinjiang Kazakh print for Russian letters, which Kazakh in China writes by sound: ц as تس, щ
  as شش, ё as يو, ю as يۋ, я as يا, and the signs ь and ъ not at all.
- Punctuation of Arabic script: the comma ، (U+060C), the semicolon ؛ (U+061B) and the question
  mark ؟ (U+061F); full stops, colons, « » and parentheses stay (a browser mirrors parentheses
  in right-to-left text). Digits stay the European 0-9, as Xinjiang Kazakh print uses them; a
  comma between digits is a decimal comma and stays.

A word the rules get wrong goes in EXCEPTIONS, keyed by its lowercase Cyrillic form. Latin
words, numbers, placeholders (%(name)s, {name}), HTML tags, entities and URLs are never changed,
so the converter can be run over a whole catalog message.
"""

# Cyrillic letters that look like Latin ones are this module's subject.
# ruff: noqa: RUF001, RUF002, RUF003

import re
import unicodedata

HAMZA = "\u0674"  # ٴ ARABIC LETTER HIGH HAMZA

LETTERS = {
    "а": "ا",
    "ә": "ا",
    "б": "ب",
    "в": "ۆ",
    "г": "گ",
    "ғ": "ع",
    "д": "د",
    "е": "ە",
    "ё": "يو",
    "ж": "ج",
    "з": "ز",
    "и": "ىي",
    "й": "ي",
    "к": "ك",
    "қ": "ق",
    "л": "ل",
    "м": "م",
    "н": "ن",
    "ң": "ڭ",
    "о": "و",
    "ө": "و",
    "п": "پ",
    "р": "ر",
    "с": "س",
    "т": "ت",
    "у": "ۋ",
    "ұ": "ۇ",
    "ү": "ۇ",
    "ф": "ف",
    "х": "ح",
    "һ": "ھ",
    "ц": "تس",
    "ч": "چ",
    "ш": "ش",
    "щ": "شش",
    "ъ": "",
    "ы": "ى",
    "і": "ى",
    "ь": "",
    "э": "ە",
    "ю": "يۋ",
    "я": "يا",
}
# и is ы or і followed by й; before a letter that brings its own й, the й is written once.
SEQUENCES = {"ия": "ىيا", "ию": "ىيۋ", "иё": "ىيو", "ий": "ىي"}
_SEQUENCE = re.compile("|".join(SEQUENCES) + "|.", re.DOTALL)
# Vowels only front words have; their Töte letters are those of the back vowels.
FRONT_VOWELS = frozenset("әөүі")
# A word with one of these needs no hamza: its Töte letters show the word's row already.
ROW_SHOWN_BY = frozenset("еэгғкқ")

# Stems the rules would get wrong; a word that begins with one is written with the stem's
# spelling and the rest of the word by the rules (Шыңжаңда, in Xinjiang). Place names of China
# are written in Xinjiang as Kazakh there says them, not as Kazakhstan's or Russian Cyrillic has.
EXCEPTIONS = {
    "шыңжаң": "شينجياڭ",
    "синьцзян": "شينجياڭ",
    "пекин": "بەيجيڭ",
    "бейжің": "بەيجيڭ",
    "шанхай": "شاڭحاي",
}
_EXCEPTION_STEM = re.compile("|".join(sorted(EXCEPTIONS, key=len, reverse=True)))

PUNCTUATION = str.maketrans({";": "؛", "?": "؟"})  # and the comma, "،", by _TEXT_COMMA

# Spans left as they are: URLs, HTML tags and entities, Python and brace placeholders.
_UNTOUCHED = re.compile(
    r"https?://\S+|<[^<>]*>|&#?\w+;|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr%]|\{[^{}]*\}"
)
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")
_TEXT_COMMA = re.compile(r"(?<!\d),|,(?!\d)")  # a comma between digits is a decimal comma


def word_to_tote(word: str) -> str:
    """One Cyrillic word in Töte: an exception's stem, then the letter table and the hamza."""
    lower = word.lower()
    if stem := _EXCEPTION_STEM.match(lower):
        return EXCEPTIONS[stem.group()] + _letters(lower[stem.end() :])
    return HAMZA + _letters(lower) if needs_hamza(lower) else _letters(lower)


def _letters(word: str) -> str:
    return "".join(
        SEQUENCES.get(piece) or LETTERS.get(piece, piece) for piece in _SEQUENCE.findall(word)
    )


def needs_hamza(word: str) -> bool:
    """Whether a lowercase Cyrillic word takes ٴ: front vowels, and no letter showing the row."""
    letters = set(word)
    return bool(letters & FRONT_VOWELS) and not letters & ROW_SHOWN_BY


def to_tote(text: str) -> str:
    """Cyrillic Kazakh text in Töte; everything else in it (see module docstring) as it was."""
    text = unicodedata.normalize("NFC", text)  # phones may send й as и and a combining breve
    pieces, start = [], 0
    for match in _UNTOUCHED.finditer(text):
        pieces += [_convert_plain(text[start : match.start()]), match.group()]
        start = match.end()
    pieces.append(_convert_plain(text[start:]))
    return "".join(pieces)


def _convert_plain(text: str) -> str:
    words = _CYRILLIC_WORD.sub(lambda match: word_to_tote(match.group()), text)
    return _TEXT_COMMA.sub("،", words).translate(PUNCTUATION)
