"""Folded search keys for people's names, so a search in one script finds a name written in another.

One person reaches the office as Әділғазы Ерғазы, Adilgazy Yergazy, Адильгазы Ергазы,
ٴادىلعازى ەرعازى or 阿地力加孜. Every spelling is reduced to a key of lowercase ASCII words; a query
is reduced the same way and matched word by word (see `keys_match`), so word order does not matter;
a query word of one or two letters must begin a word of the name.

How a key is made:

1. NFKC, so full-width letters, Arabic presentation forms and ligatures become plain letters.
2. Han characters become toneless pinyin, one word per run of characters (pypinyin).
3. Uyghur and Kazakh Arabic script become Latin through the letter tables below. No maintained
   package does Kazakh Arabic script; the small Uyghur one (umsc) is itself a replace table, for
   Uyghur only, where ۆ is ö and ع is not a letter, both wrong for Kazakh (в and ғ).
4. Everything else, Cyrillic included, becomes ASCII through anyascii, whose Cyrillic table knows
   the Kazakh letters (ә→a, ғ→gh, қ→q, ң→ng, ө→o, ұ/ү→u, һ→h, і→i) and Russian (х→kh, ж→zh).
5. Turkic spelling folds make the usual romanisations meet: zh/dzh/dj→j (Zhanbolat, Janbolat,
   Джанболат), kh/x→h (Tokhti, Toxti, Tohti), gh→g, q→k, w/v→u (Dawut, Davut; Sauytbay,
   Sawytbay), y→i, a leading ye→e (Yergazy, Ergazy), e→a, doubled letters single (Assel, Asel).

e→a is the fold that costs most: Erlan and Arlan share a key. It is there because Uyghur ە and
Kazakh ә are written e or a at random in Latin and Russian (Rahile, Rahila, Рахиля; Ekpar for
ئەكپەر), and a relative who misses a case is worse off than one who reads two extra results.
PostgreSQL's word_similarity scores Erlan against Arlan about 0.5 even unfolded. Consonants stay
apart: k is not h (Bakyt and Bakhyt do not meet), ch is not c (pinyin Cai and Chai are
different surnames), sh is not s.

Han to Latin only meets where the pinyin does: "Adil" finds 阿地力加孜 (a-di-li-jia-zi), the full
"Adilgazy" does not, so staff should record the Latin or Cyrillic spelling beside the Han one.
Han text also matches itself through `han_text`, whatever its pinyin.

Libraries:

- pypinyin (MIT) for Han: actively kept, readings from the pinyin-data set (Unihan and
  dictionaries). anyascii also does Han but reads 地 as "de" (the particle), not "di". At import
  pypinyin loads a phrase dictionary as well; names are not phrases, and context-free readings
  keep a query's pinyin a substring of the name's, so we turn it off with PYPINYIN_NO_PHRASES and
  import pypinyin only when Han text first turns up: the phrases cost most of its memory.
- anyascii (ISC) for everything else: no dependencies, data read per Unicode block on first use;
  importing this module and folding Latin, Cyrillic and Arabic costs little memory. Unidecode does
  the same job but is GPL; turkic-translit pulls in torch and transformers.
"""

# Letters that look like Latin ones are this module's subject, not a spoofing risk.
# ruff: noqa: RUF001, RUF002, RUF003

import functools
import os
import re
import unicodedata

from anyascii import anyascii
from django.db import models
from django.utils.translation import gettext_lazy as _


class Script(models.TextChoices):
    LATIN = "latin", _("Latin")
    CYRILLIC = "cyrillic", _("Cyrillic")
    HAN = "han", _("Chinese characters")
    ARABIC = "arabic", _("Arabic script")
    MIXED = "mixed", _("Mixed")
    OTHER = "other", _("Other")


# The first word of a letter's Unicode name says its script.
_SCRIPT_BY_NAME_PREFIX = {
    "LATIN": Script.LATIN,
    "CYRILLIC": Script.CYRILLIC,
    "CJK": Script.HAN,
    "ARABIC": Script.ARABIC,
}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_ARABIC_RUN = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+")

# Letters shared by Uyghur and Kazakh Arabic script, and Arabic and Persian letters that turn up
# in names taken from Arabic or typed on an Arabic or Persian keyboard.
_ARABIC_CONSONANTS = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ج": "j",
    "چ": "ch",
    "د": "d",
    "ر": "r",
    "ز": "z",
    "ژ": "zh",
    "س": "s",
    "ش": "sh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ک": "k",
    "گ": "g",
    "ڭ": "ng",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ھ": "h",
    "ه": "h",
    "ح": "h",
    "غ": "gh",
    "ي": "y",
    "ی": "y",
    "ۋ": "w",
    "ە": "e",
    "ث": "s",
    "ذ": "z",
    "ص": "s",
    "ض": "z",
    "ط": "t",
    "ظ": "z",
    "ة": "e",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ؤ": "u",
}

# Uyghur Latin (ULS). ئ carries a vowel at the start of a syllable and is not pronounced.
_UYGHUR = _ARABIC_CONSONANTS | {
    "ا": "a",
    "ې": "é",
    "ى": "i",
    "و": "o",
    "ۇ": "u",
    "ۆ": "ö",
    "ۈ": "ü",
    "خ": "x",
    "ع": "",
    "ئ": "",
}

# Kazakh Arabic script (töte jazuw) writes ж with ج, ғ with ع, в with ۆ and у with ۋ. It has one
# letter for each back/front vowel pair; a word is front when it carries the high hamza ٴ (NFKC
# splits ٵ ٶ ٷ ٸ into letter + ٴ, and some typesetters use ء) or one of ە ك گ, which only occur
# in front words.
_KAZAKH = _ARABIC_CONSONANTS | {
    "ج": "zh",
    "ع": "gh",
    "ۆ": "v",
    "خ": "kh",
    "ح": "kh",
    "ٴ": "",
    "ء": "",
}
_KAZAKH_VOWELS = {"ا": ("a", "ä"), "و": ("o", "ö"), "ۇ": ("u", "ü"), "ى": ("ı", "i")}
_KAZAKH_FRONT_SIGNS = frozenset("ٴءەكگ")
_KAZAKH_ONLY = frozenset("ٴءعح")
# ۆ is a vowel (ö) in Uyghur, which writes ئ before a vowel that opens a word or follows another;
# in Kazakh it is в, so one opening a word or beside a vowel shows the text is Kazakh (Давут, Вали).
_KAZAKH_VE = re.compile(r"(?:^|(?<=[\sاەوۇى]))ۆ|ۆ(?=[اەوۇى])")
_UYGHUR_ONLY = frozenset("ئېۈخغ")

# Latin letters whose Turkic reading anyascii would lose (it gives ş→s, ç→c, ñ→n, ž→z).
_TURKIC_LATIN = str.maketrans(
    {"ş": "sh", "ç": "ch", "ñ": "ng", "ž": "zh", "č": "ch", "š": "sh", "ⱬ": "zh"}
)

# Inside a word these join rather than split: Abdu-Weli, mes'ul, Kazakh Latin of 2018 (g'), and
# the Arabic tatweel that only stretches a line.
_JOINERS = frozenset("'’ʼ‘`´-‐‑ـ\u200c\u200d")

_SPELLING_FOLDS = {
    "dzh": "j",
    "zh": "j",
    "dj": "j",
    "kh": "h",
    "gh": "g",
    "x": "h",
    "q": "k",
    "w": "u",
    "v": "u",
    "y": "i",
    "e": "a",
}
_SPELLING_FOLD = re.compile("|".join(_SPELLING_FOLDS))
_DOUBLED = re.compile(r"(.)\1+")


def detect_script(text: str) -> str:
    """Which script the letters of text are in; spaces, punctuation and digits don't count."""
    scripts = {
        _SCRIPT_BY_NAME_PREFIX.get(unicodedata.name(char, "").split(" ")[0], Script.OTHER)
        for char in unicodedata.normalize("NFKC", text)
        if unicodedata.category(char).startswith("L")
    }
    if len(scripts) == 1:
        return scripts.pop()
    return Script.MIXED if scripts else Script.OTHER


def search_key(text: str) -> str:
    """The folded Latin key of a name: lowercase ASCII words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _HAN_RUN.sub(_han_to_pinyin, text)
    text = _arabic_to_latin(text)
    words = _words(text.lower().translate(_TURKIC_LATIN))
    folded = (_fold_word(re.sub("[^a-z]", "", anyascii(word).lower())) for word in words)
    return " ".join(word for word in folded if word)


def han_text(text: str) -> str:
    """Just the Han characters of text, so Han matches itself whatever its pinyin."""
    return "".join(_HAN_RUN.findall(unicodedata.normalize("NFKC", text)))


# Words of a query that count: no name has more, and each word costs the database a condition
# and a term of the rank (SQLite's parser overflows its stack at about 60 of them).
MAX_QUERY_WORDS = 12


def query_words(text: str) -> list[str]:
    """The folded key of each word of a query, to be matched one by one in any order.

    At most MAX_QUERY_WORDS: every search, public, admin or of duplicates, comes through here.
    """
    return search_key(text).split()[:MAX_QUERY_WORDS]


# Shorter query words match only the start of a name's word: "Ma" means Ma, Mamay or Marat, not
# Ahmat or Salima, and a database index needs three letters to find a word inside another.
MIN_INFIX_LENGTH = 3


def word_in_key(word: str, key: str) -> bool:
    """Whether one folded query word finds a name's key (see MIN_INFIX_LENGTH)."""
    if len(word) >= MIN_INFIX_LENGTH:
        return word in key
    return key.startswith(word) or f" {word}" in key


def keys_match(query: str, name: str) -> bool:
    """Whether a search for query finds name: the reference for the database lookups.

    Each query word's key must be in the name's key (`word_in_key`); or the query's Han characters
    must appear, as they are, in the name.
    """
    words = query_words(query)
    name_key = search_key(name)
    if words and all(word_in_key(word, name_key) for word in words):
        return True
    query_han = han_text(query)
    return bool(query_han) and query_han in han_text(name)


@functools.cache
def _lazy_pinyin():
    # Set before pypinyin's first import, which is when it reads the variable (see docstring).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def _han_to_pinyin(match: re.Match) -> str:
    """One word of toneless pinyin for a run of Han characters, which is one name part."""
    return " " + "".join(_lazy_pinyin()(match.group())) + " "


def _arabic_to_latin(text: str) -> str:
    """Uyghur or Kazakh Arabic script to Latin, letter by letter; other text is left as it is."""
    letters = set(text)
    kazakh = not letters & _UYGHUR_ONLY and (
        bool(letters & _KAZAKH_ONLY) or bool(_KAZAKH_VE.search(text))
    )
    convert = _kazakh_word if kazakh else _uyghur_word
    return _ARABIC_RUN.sub(lambda match: convert(match.group()), text)


def _uyghur_word(word: str) -> str:
    return "".join(_UYGHUR.get(char, _unmapped(char)) for char in word)


def _kazakh_word(word: str) -> str:
    front = bool(_KAZAKH_FRONT_SIGNS.intersection(word))
    return "".join(_kazakh_letter(char, front) for char in word)


def _kazakh_letter(char: str, front: bool) -> str:
    if char in _KAZAKH_VOWELS:
        return _KAZAKH_VOWELS[char][front]
    return _KAZAKH.get(char, _unmapped(char))


def _unmapped(char: str) -> str:
    """Vowel signs and other marks vanish; Arabic punctuation and digits separate words."""
    return "" if unicodedata.category(char)[0] in "LM" else " "


def _words(text: str) -> list[str]:
    """Split on anything that is not a letter or a mark, joining across apostrophes and hyphens."""
    kept = []
    for char in text:
        if char in _JOINERS:
            continue
        kept.append(char if unicodedata.category(char)[0] in "LM" else " ")
    return "".join(kept).split()


def _fold_word(word: str) -> str:
    """Fold one ASCII word so the usual romanisations of one Turkic name meet."""
    if word.startswith("ye"):
        word = word[1:]
    word = _SPELLING_FOLD.sub(lambda match: _SPELLING_FOLDS[match.group()], word)
    return _DOUBLED.sub(r"\1", word)
