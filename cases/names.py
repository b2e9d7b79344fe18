"""Folded search keys for people's names, so a search in one script finds a name written in another.

One person reaches the office as Әділғазы Ерғазы, Adilgazy Yergazy, Адильгазы Ергазы,
ٴادىلعازى ەرعازى or 阿地力加孜. Every spelling is reduced to a key of lowercase ASCII words; a query
is reduced the same way and matched word by word (`rank_name`, below), in any order.

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

Kazakh Latin of 2018 is read as Kazakh (ý is у, so Saýytbaı is Sauytbai; ı is й; ń is ң), and
Uyghur written in Cyrillic reads е as i (Меһригүл, Mihrigul).

A run of Han characters is one word with two forms: its pinyin (the key), and its Turkic reading
(`turkic_reading`), the Latin spelling of the Kazakh or Uyghur name Chinese documents write with
those syllables (努尔兰 nu-er-lan, Nurlan; 阿地力加孜 a-di-li-jia-zi, Adilgazy). A reading meets a
word in another script when both have one rough form (`rough_form`: r/l, o/u, j/g, f/p merged,
h and i dropped), which is what the two still share. Han text also matches itself through
`han_text`, whatever its pinyin.

How a query word meets a word of a name (`word_level`), best first:

1. exact: the same key;
2. prefix: the query word begins the name's word (Gul: Gulnar), which is also all that a query
   word of one or two letters may do;
3. variant: the same word with another known ending (`stems`: Kurbanuly, Kurban, Kurbanov;
   Nurgalieva, Nurgalikyzy), or a Han reading across scripts (努尔兰, Nurlan, Нұрланов);
4. typo (`is_typo`): one edit in a word of five letters or more, two from nine, keeping the first
   and the last letter, replacing a vowel only by a vowel (Sautbay for Sauytbay; not Rahima for
   Rahila); never for Han, whose readings are rough already. The database looks up the one-edit
   typos (`typo_variants`); two edits count in a name that another query word found;
5. infix: a query word of three to six letters inside the name's word (Gul: Aygul).

A name matches when every query word meets one of its words, or every word of the name is met by
the query (a query giving a patronymic too: Джалилова Гульбахар Ахмедовна finds Gulbahar
Jalilova, ranked lower than the whole name); a name meeting some of the query and holding other
words (Adilbek Yergazy for Adilgazy Yergazy) does not. Names are ranked (`Rank`) by: the query's
Han characters within the name's; the share of query words met; their mean level; the share of
the name's words met; the words met coming in the query's order. So a name sharing only a first
name with the query never comes before one meeting every word.

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
from typing import NamedTuple

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
# The Kazakh Latin alphabet of 2018 writes у as ý (Saýytbaı, Сауытбай) and ң as ń; its ı is й,
# read i like the y of other spellings.
_TURKIC_LATIN = str.maketrans(
    {
        "ş": "sh",
        "ç": "ch",
        "ñ": "ng",
        "ž": "zh",
        "č": "ch",
        "š": "sh",
        "ⱬ": "zh",
        "ý": "u",
        "ń": "ng",
        "ı": "i",
        "ǵ": "g",
    }
)
# Uyghur Cyrillic writes with е the sound Latin spellings give as i (Меһригүл, Mihrigul). A word
# is Uyghur when it has һ or җ and neither і nor ұ, which only Kazakh has.
_UYGHUR_CYRILLIC_SIGNS = frozenset("һҗ")
_KAZAKH_CYRILLIC_ONLY = frozenset("іұ")

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
    return " ".join(word.key for word in name_words(text))


class Word(NamedTuple):
    """One word of a name or a query: its folded key, whether it is a run of Han characters, and
    its rough form (`rough_form`), compared across scripts only: of a Han run's Turkic reading
    (`turkic_reading`), or of another word without its ending (`stems`). Search stores the three
    (search_models.SearchWord), so that ranking a name never reads its text again."""

    key: str
    han: bool = False
    rough: str = ""


def _latin_word(key: str) -> Word:
    return Word(key, rough=rough_form(min(stems(key), key=len)))


@functools.lru_cache(maxsize=4096)
def name_words(text: str) -> tuple[Word, ...]:
    """The words of a name (or a query) in order: Han runs are one word each."""
    text = _arabic_to_latin(unicodedata.normalize("NFKC", text))
    words, position = [], 0
    for match in _HAN_RUN.finditer(text):
        words += [_latin_word(key) for key in _folded_words(text[position : match.start()])]
        syllables = _lazy_pinyin()(match.group())
        if key := _fold_word("".join(syllables)):
            words.append(Word(key, han=True, rough=rough_form(turkic_reading(syllables))))
        position = match.end()
    words += [_latin_word(key) for key in _folded_words(text[position:])]
    return tuple(words)


def _folded_words(text: str) -> list[str]:
    words = _words(text.lower().translate(_TURKIC_LATIN))
    folded = (
        _fold_word(re.sub("[^a-z]", "", anyascii(_uyghur_cyrillic(word)).lower())) for word in words
    )
    return [word for word in folded if word]


def _uyghur_cyrillic(word: str) -> str:
    letters = set(word)
    if letters & _UYGHUR_CYRILLIC_SIGNS and not letters & _KAZAKH_CYRILLIC_ONLY:
        return word.replace("е", "и")
    return word


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
# Longer words are looked for inside others no more: a trigram index reads the rows of every
# trigram of the word for it, which grows with the word, and a long word is a whole name part.
MAX_INFIX_LENGTH = 6


@functools.cache
def _lazy_pinyin():
    # Set before pypinyin's first import, which is when it reads the variable (see docstring).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import lazy_pinyin

    return lazy_pinyin


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


# --- Han characters read as Turkic names -------------------------------------------------------

# The pinyin Chinese documents use for Kazakh and Uyghur syllables, read back: 尔 er closes the
# syllable before it (努尔 nu'er, Nur), 江 jiang is jan, 合 he and 克 ke stand for a lone h or k
# inside a name (艾合买提 Ehmet, 别克 bek), 买 mai is me (买买提 Memet), 吾 wu is u or w.
_READING_SYLLABLES = {
    "jiang": "jan",
    "jia": "ga",
    "xun": "sun",
    "yi": "i",
    "ye": "e",
    "you": "yu",
    "wu": "u",
    "wai": "we",
    "ai": "e",
    "re": "ra",
    "zha": "za",
}
# Consonants written with a vowel only because Chinese syllables end in one: the vowel goes
# inside a name and at its end, never at its start (木合塔尔 Mukhtar, 伊力哈木 Ilham).
_ECHO_VOWEL = re.compile(r"^(?:[bpfm]u|[ktdlhgsz]e)$")
_PINYIN_INITIALS = (("zh", "j"), ("x", "sh"), ("q", "ch"))


def turkic_reading(syllables: list[str]) -> str:
    """How the Kazakh or Uyghur name behind a run of Han characters is spelt in Latin letters,
    roughly: the folded key of the syllables read by _READING_SYLLABLES, or "" for one syllable."""
    if len(syllables) < 2:
        return ""
    parts = []
    for index, syllable in enumerate(syllables):
        syllable = syllable.replace("v", "u")
        if syllable == "er" and index:
            parts.append("r")
            continue
        if index and _ECHO_VOWEL.match(syllable):
            parts.append(syllable[0])
            continue
        syllable = _READING_SYLLABLES.get(syllable, syllable)
        for pinyin, latin in _PINYIN_INITIALS:
            if syllable.startswith(pinyin):
                syllable = latin + syllable[len(pinyin) :]
        syllable = re.sub("uo$", "o", syllable).replace("ie", "e")
        syllable = re.sub("(?<=[aeiou])ng$", "n", syllable)
        if index < len(syllables) - 1 and syllable.endswith("ai") and len(syllable) > 2:
            syllable = syllable[:-1]
        parts.append(syllable)
    return _fold_word("".join(parts))


# The rough form: what a Han reading and a Latin spelling of one name still share once the
# sounds Chinese cannot write apart are merged: r and l, o and u, j and g, f and p; and h and i,
# which Chinese drops or adds at will (米日古丽 Mihrigul, 萨吾提拜 Sauytbay), are dropped after
# the first letter. It only ever compares a Han word with a word in another script.
_ROUGH_MERGES = str.maketrans({"r": "l", "o": "u", "j": "g", "f": "p"})
MIN_ROUGH_LENGTH = 3


def rough_form(word: str) -> str:
    if not word:
        return ""
    rough = word[0] + re.sub("[hi]", "", word[1:])
    return _DOUBLED.sub(r"\1", rough.translate(_ROUGH_MERGES))


# --- Matching and ranking ------------------------------------------------------------------------

# Russian and Kazakh patronymic and surname endings, as _fold_word leaves them (-ov -> ou,
# -eva -> aua, -qyzy -> kizi): a word with one of them meets the same word without it, or with
# another (Kurbanuly ~ Kurban ~ Kurbanov, Nurgalieva ~ Nurgalikyzy).
_RAW_ENDINGS = (
    *("uly", "uli", "ulu", "uulu", "ogly", "oglu", "qyzy", "kyzy", "kizi"),
    *("ovich", "evich", "ovna", "evna", "ova", "eva", "ov", "ev", "iev", "ieva", "in", "ina"),
    # -kyzy after a k, which the fold of doubled letters swallowed (Серікқызы, serikizi), and -va
    # after a vowel (Otarbaeva, otarbaua).
    *("izi", "ua"),
)
_ENDINGS = tuple(sorted({_fold_word(ending) for ending in _RAW_ENDINGS}, key=len, reverse=True))
# A stem keeps this many letters, so that Erkin is not Erk- and Amina not Am-.
MIN_STEM_LENGTH = 4
# Typos: one edit in a word of five letters or more, two from nine.
TYPO_LENGTHS = ((9, 2), (5, 1))
_VOWELS = frozenset("aiou")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Level:
    """How a query word meets a name's word, best first; the value is what it adds to a rank."""

    EXACT = 1.0
    PREFIX = 0.8
    VARIANT = 0.7
    TYPO = 0.6
    INFIX = 0.4


@functools.lru_cache(maxsize=8192)
def stems(word: str) -> frozenset[str]:
    """The word without each known ending it has (see _ENDINGS), and the word itself."""
    found = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM_LENGTH:
            stem = word[: -len(ending)]
            # Russian drops the й of -бай before -ev: Otarbaev, Nazarbayev are Otarbai, Nazarbai.
            found |= {stem, stem + "i"} if stem.endswith("a") else {stem}
    if word.endswith("au") and len(word) > MIN_STEM_LENGTH:
        found.add(word[:-1])  # -aev, the e swallowed by the fold: Abdullaev, abdulau
    return frozenset(found)


def is_typo(typed: str, word: str) -> bool:
    """One slip of the keyboard or the ear: within TYPO_LENGTHS edits, the same first and last
    letter (endings carry meaning: Gulnar, Gulnara), a letter dropped, added or swapped with
    its neighbour, or a vowel written for another (Mehrigul, Mihrigul). A consonant replaced is
    another name (Rahila, Rahima; Tursun, Turgun; Sauytbay, Sabitbay)."""
    from rapidfuzz.distance import OSA, Levenshtein

    if typed == word or typed[0] != word[0] or typed[-1] != word[-1]:
        return False
    shortest = min(len(typed), len(word))
    allowed = next((edits for length, edits in TYPO_LENGTHS if shortest >= length), 0)
    if not allowed or OSA.distance(typed, word, score_cutoff=allowed) > allowed:
        return False
    edits = Levenshtein.editops(typed, word)
    if len(edits) > allowed:
        return True  # letters swapped, which OSA counts once
    return all(
        typed[edit.src_pos] in _VOWELS and word[edit.dest_pos] in _VOWELS
        for edit in edits
        if edit.tag == "replace"
    )


def typo_variants(typed: str) -> frozenset[str]:
    """Every word one edit away from typed that `is_typo` accepts: the database looks them up as
    they are (a few hundred at most, each an index probe). Two edits, from nine letters, are
    recognised in a name that search found by another word."""
    length = len(typed)
    if length < TYPO_LENGTHS[-1][0]:
        return frozenset()
    inner = range(1, length - 1)
    found = {typed[:i] + typed[i + 1 :] for i in inner if length > TYPO_LENGTHS[-1][0]}
    found |= {typed[:i] + typed[i + 1] + typed[i] + typed[i + 2 :] for i in range(1, length - 2)}
    found |= {typed[:i] + letter + typed[i:] for i in range(1, length) for letter in _LETTERS}
    found |= {
        typed[:i] + vowel + typed[i + 1 :]
        for i in inner
        if typed[i] in _VOWELS
        for vowel in _VOWELS
    }
    found.discard(typed)
    return frozenset(word for word in found if is_typo(typed, word))


def word_level(typed: Word, word: Word) -> float:
    """How well one query word meets one word of a name (a Level), or 0."""
    if typed.key == word.key:
        return Level.EXACT
    if word.key.startswith(typed.key) and (word.han or not typed.han):
        return Level.PREFIX
    if typed.han and word.han:
        return 0.0  # otherwise Han meets Han through its characters (rank_name), never by sound
    if typed.han != word.han:
        rough = typed.rough
        if len(rough) >= MIN_ROUGH_LENGTH and rough == word.rough:
            return Level.VARIANT
    elif not typed.han and stems(typed.key) & stems(word.key):
        return Level.VARIANT
    if not (typed.han or word.han) and is_typo(typed.key, word.key):
        return Level.TYPO
    inside = MIN_INFIX_LENGTH <= len(typed.key) <= MAX_INFIX_LENGTH
    if inside and typed.key in word.key and not typed.han:
        return Level.INFIX
    return 0.0


class Rank(NamedTuple):
    """How well a name matches a query, compared as a tuple: greater is better."""

    han_exact: bool  # the query's Han characters, in order, within the name's
    matched: float  # share of the query's words the name meets
    quality: float  # mean Level over the query's words
    coverage: float  # share of the name's words met: the name itself before a longer one
    in_order: bool  # the words met come in the query's order


def rank_name(query: str, name: str) -> Rank | None:
    """The rank of name for query, or None when the name does not match (`rank_words`)."""
    return rank_words(query_words_of(query), han_text(query), name_words(name), han_text(name))


def query_words_of(query: str) -> tuple[Word, ...]:
    """The words of a query that count (MAX_QUERY_WORDS)."""
    return name_words(query)[:MAX_QUERY_WORDS]


def rank_words(typed, query_han: str, words, name_han: str) -> Rank | None:
    """The rank of a name's words for a query's, or None when the name does not match.

    Each query word takes its best Level over the name's words. The name matches when every
    query word meets a word of it, or when every word of the name is met (a query giving more
    than is on file, such as a patronymic); a name meeting only some words of the query and
    holding others (Adilbek Yergazy for Adilgazy Yergazy) does not. Or the query's Han
    characters are in the name's, in order, whatever separates them.
    """
    han_exact = bool(query_han) and query_han in name_han
    if not typed or not words:
        return Rank(True, 1.0, 1.0, 1.0, True) if han_exact else None
    levels = [[word_level(t, w) for w in words] for t in typed]
    best = [max(row) for row in levels]
    met = sum(1 for level in best if level)
    covered = sum(1 for column in zip(*levels, strict=True) if any(column))
    if not han_exact and (not met or (met < len(typed) and covered < len(words))):
        return None
    # Where each query word found its best word, to tell Ilham Tohti from Tohti Ilham.
    positions = [row.index(level) for row, level in zip(levels, best, strict=True) if level]
    return Rank(
        han_exact=han_exact,
        matched=1.0 if han_exact else met / len(typed),
        quality=sum(best) / len(typed),
        coverage=covered / len(words),
        in_order=positions == sorted(positions),
    )


def keys_match(query: str, name: str) -> bool:
    """Whether a search for query finds name (`rank_name`): the reference for the database."""
    return rank_name(query, name) is not None
