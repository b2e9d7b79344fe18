"""Write the Töte (kk_Arab) catalogs from the Kazakh (kk) ones; `make catalogs` and `make messages`
run it, so a string translated into kk reaches kk_Arab with nothing more to do.

- locale/kk_Arab from locale/kk, our own strings.
- supplements/locale/kk_Arab from Django's and the installed apps' own kk catalogs, with
  supplements/locale/kk over them. gettext looks a kk_Arab string up in kk when kk_Arab lacks it,
  so every string of Django's that has a kk translation needs a kk_Arab one, or it shows in
  Cyrillic.

Conversion is `cases.tote.to_tote`. A word it gets wrong everywhere goes in `tote.EXCEPTIONS`.
A person may also correct one message in a kk_Arab file: each message records short hashes of the
kk text it was converted from and of the conversion, and while the kk text stays the same a
message that differs from its conversion is a person's correction and is kept. When the kk text
changes, the message is converted anew and the command names it, for the person to look again.
A fuzzy kk message stays fuzzy in kk_Arab.
"""

import hashlib
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from cases.tote import to_tote

SOURCE, TARGET = "kk", "kk_Arab"
DOMAINS = ("django", "djangojs")
HEADER = """Kazakh in Töte (Arabic script), made by `manage.py tote_catalogs` from the kk catalog
beside this one: edit kk, or cases/tote.py's EXCEPTIONS, and run `make catalogs`. A message
corrected here by hand is kept until its kk text changes (see the command's docstring)."""
_MARK = "tote:"


class Command(BaseCommand):
    help = "Write the kk_Arab (Töte) catalogs from the kk ones."

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        base = Path(settings.BASE_DIR)
        ours = base / "locale"
        self.write(ours, "django", _source(ours, "django"), _messages(ours, "django"))
        supplements = base / "supplements" / "locale"
        for domain in DOMAINS:
            messages = {}
            for directory in _django_locale_dirs():
                messages |= _messages(directory, domain, with_fuzzy=False)
            messages |= _messages(supplements, domain)
            sorted_messages = dict(sorted(messages.items()))
            self.write(supplements, domain, _source(supplements, domain), sorted_messages)

    def write(self, directory: Path, domain: str, source, messages: dict) -> None:
        path = _catalog_path(directory, TARGET, domain)
        previous = {_key(entry): entry for entry in _existing(path)}
        catalog = polib.POFile(wrapwidth=79)
        catalog.header = HEADER
        catalog.metadata = source.metadata | {
            "Language": TARGET,
            "Language-Team": "Kazakh (Arabic script)",
        }
        for key in messages:
            catalog.append(self.converted(messages[key], previous.get(key)))
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog.save(str(path))
        if self.verbosity > 1:
            self.stdout.write(f"{path}: {len(catalog)} messages")

    def converted(self, entry, previous):
        """entry in Töte, or previous where it is a person's correction of the same kk text."""
        result = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            occurrences=entry.occurrences,
            comment=entry.comment,
            flags=list(entry.flags),
        )
        source = _digest(_forms(entry))
        if entry.msgid_plural:
            result.msgstr_plural = {n: to_tote(text) for n, text in entry.msgstr_plural.items()}
        else:
            result.msgstr = to_tote(entry.msgstr)
        automatic = _digest(_forms(result))
        if previous is not None and _is_correction(previous, source):
            result.msgstr, result.msgstr_plural = previous.msgstr, previous.msgstr_plural
        elif previous is not None and _was_corrected(previous):
            self.stdout.write(f"kk changed, correction replaced: {entry.msgid[:60]!r}")
        result.tcomment = f"{_MARK} kk {source}, converted {automatic}"
        return result


def _source(directory: Path, domain: str):
    """The kk catalog of ours in directory, whose header the kk_Arab one copies."""
    return polib.pofile(str(_catalog_path(directory, SOURCE, domain)))


def _messages(directory: Path, domain: str, *, with_fuzzy: bool = True) -> dict:
    """The translated kk messages of one catalog, by (context, msgid); empty if it has none.

    Django's own fuzzy messages are left out, as Django's kk leaves them; ours stay, fuzzy.
    """
    po_path = _catalog_path(directory, SOURCE, domain)
    mo_path = po_path.with_suffix(".mo")
    if po_path.exists():
        catalog = polib.pofile(str(po_path))
    elif mo_path.exists():
        catalog = polib.mofile(str(mo_path))
    else:
        return {}
    return {
        _key(entry): entry
        for entry in catalog
        if not entry.obsolete and (entry.translated() or (with_fuzzy and entry.fuzzy))
    }


def _django_locale_dirs() -> list[Path]:
    """Django's locale folder, then each app's, so an earlier app wins as it does in Django."""
    app_dirs = [Path(config.path) / "locale" for config in apps.get_app_configs()]
    return [Path(django.__file__).parent / "conf" / "locale", *reversed(app_dirs)]


def _catalog_path(directory: Path, language: str, domain: str) -> Path:
    return directory / language / "LC_MESSAGES" / f"{domain}.po"


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid)


def _existing(path: Path) -> list:
    return list(polib.pofile(str(path))) if path.exists() else []


def _forms(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _digest(forms: list[str]) -> str:
    return hashlib.blake2s("\0".join(forms).encode(), digest_size=4).hexdigest()


def _recorded(previous) -> tuple[str, str] | None:
    """The kk and conversion hashes a generated message carries, if it carries them."""
    words = previous.tcomment.split()
    if len(words) == 5 and words[0] == _MARK:
        return words[2].rstrip(","), words[4]
    return None


def _was_corrected(previous) -> bool:
    recorded = _recorded(previous)
    return recorded is not None and _digest(_forms(previous)) != recorded[1]


def _is_correction(previous, source: str) -> bool:
    recorded = _recorded(previous)
    return _was_corrected(previous) and recorded[0] == source
