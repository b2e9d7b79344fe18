"""Finding a report by its submitter's phone, email, messenger handle or name, although the
database holds them only encrypted: each is normalised and stored as a keyed hash
(crypto.lookup_hash), and a staff search is hashed the same ways and matched exactly.

Only whole values match: part of a phone number or a name finds nothing.
"""

import re

from . import crypto, names

MIN_PHONE_DIGITS = 5


def _phone(value: str) -> str:
    """+7 (701) 123-45-67 and 77011234567 are one number."""
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def _handle(value: str) -> str:
    return value.strip().lower().lstrip("@")


NORMALISERS = {
    "name": names.search_key,  # any spelling that folds to the same key
    "phone": _phone,
    "email": lambda value: value.strip().lower(),
    "handle": _handle,
}
# Which normalisations each contact field is indexed under: a messenger handle is often a phone.
FIELD_KINDS = {
    "submitter_name": ["name"],
    "submitter_phone": ["phone"],
    "submitter_email": ["email"],
    "submitter_messenger": ["handle", "phone"],
}


def _hashes(value: str, kinds: list[str]) -> set[str]:
    found = set()
    for kind in kinds:
        normalised = NORMALISERS[kind](value) if value else ""
        if normalised:
            found.add(crypto.lookup_hash(kind, normalised))
    return found


def hashes_of(contacts: dict[str, str]) -> str:
    """The lookup hashes of one report's contact fields, as stored in Report.lookup_hashes."""
    found = set()
    for field, kinds in FIELD_KINDS.items():
        found |= _hashes(contacts.get(field, ""), kinds)
    return " ".join(sorted(found))


def hashes_for_search(term: str) -> set[str]:
    """Every hash a staff member's search term could match, whichever field it was typed in."""
    return _hashes(term.strip(), list(NORMALISERS))
