"""Codes people read and type, and the random tokens in file names: one alphabet, one length for
each kind, one way to show a code and one way to read back what a person typed."""

import re
import secrets
import unicodedata

# Crockford's base32 without I, L, O, U: readable aloud and on a phone, no look-alikes.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The alphabet leaves out letters that look like digits; a person copying a code by hand or
# reading it from a photo may still type them, so they are read as the digits they resemble.
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Spaces and every kind of dash or hyphen a phone keyboard may insert between the groups.
CODE_SEPARATORS = str.maketrans(
    "", "", " \t\n\r\u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014\u2212_."
)

# A relative's receipt: 80 random bits, so a plain hash of it already makes a stolen table
# useless (Report.hash_receipt).
RECEIPT_LENGTH = 16
# A case's public reference: short enough to say on the phone, random so that it reveals
# nothing of unpublished cases.
REFERENCE_LENGTH = 8
REFERENCE_PATTERN = f"[{CODE_ALPHABET}]{{{REFERENCE_LENGTH}}}"
# Random file names, public and private: 130 bits, so no name is ever guessed or reused.
FILE_TOKEN_LENGTH = 26
# Shown in groups of four, as people copy them.
GROUP_LENGTH = 4


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def grouped(code: str, separator: str = "-") -> str:
    """ABCD-EFGH-...: how a code is shown, and how people read it out and copy it by hand."""
    return separator.join(code[i : i + GROUP_LENGTH] for i in range(0, len(code), GROUP_LENGTH))


def new_receipt_code() -> str:
    """A fresh receipt code as it is shown to the relative, grouped."""
    return grouped(random_code(RECEIPT_LENGTH))


def file_token() -> str:
    """A random file name (without its extension), in lower case as file names are."""
    return random_code(FILE_TOKEN_LENGTH).lower()


def normalise_code(code: str) -> str:
    """A code as typed (any case, groups apart, look-alike letters) in the form it was issued."""
    # NFKC first: a Chinese or Japanese keyboard may type full-width letters and digits.
    folded = unicodedata.normalize("NFKC", code).upper()
    return folded.translate(CODE_SEPARATORS).translate(LOOK_ALIKES)


def as_reference(text: str) -> str:
    """The case reference `text` spells when typed as a code is typed, or ""."""
    candidate = normalise_code(text)
    return candidate if re.fullmatch(REFERENCE_PATTERN, candidate) else ""
