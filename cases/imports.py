"""Spreadsheet import: map columns to fields, a dry run per row, then draft cases row by row.

A row becomes a draft case with its names (split into spellings, scripts detected), an event,
a source with its citation, and an internal report holding the relative's details; never
anything public. Rows are planned the same way for the dry run and for the import, so what the
dry run shows is what the import stores. Each row is stored in a transaction of its own and
recorded by the file's SHA-256 and its row number (ImportedRow): a row stored once is never
stored again, so an interrupted import goes on where it stopped and a second run adds nothing.
"""

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import codes, names
from .dates import UnreadableDate, parse_fuzzy_date
from .models import (
    Case,
    Citation,
    Consent,
    Ethnicity,
    Event,
    ImportedRow,
    ImportFile,
    ImportMapping,
    Name,
    Prefecture,
    Report,
    Sex,
    Situation,
    Source,
)
from .services import require_permission
from .spreadsheets import Table

IGNORE = "ignore"

# The fields a column may go to, grouped as the mapping form shows them.
FIELD_GROUPS = {
    gettext_lazy("Case"): {
        "name": gettext_lazy("names (one or more spellings)"),
        "sex": gettext_lazy("sex"),
        "birth_date": gettext_lazy("birth date"),
        "ethnicity": gettext_lazy("ethnicity"),
        "hometown_prefecture": gettext_lazy("hometown prefecture"),
        "hometown_detail": gettext_lazy("hometown county or village"),
        "situation": gettext_lazy("situation"),
        "situation_date": gettext_lazy("situation since"),
        "last_known_place": gettext_lazy("last known place"),
    },
    gettext_lazy("Event"): {
        "event_kind": gettext_lazy("what happened"),
        "event_date": gettext_lazy("date of the event"),
        "event_place": gettext_lazy("place of the event"),
    },
    gettext_lazy("Source"): {
        "source_url": gettext_lazy("link to a source (e.g. a video testimony)"),
        "source_title": gettext_lazy("title of the source"),
    },
    gettext_lazy("Report"): {
        "relationship": gettext_lazy("relationship to the person"),
        "submitter_name": gettext_lazy("relative's name"),
        "submitter_phone": gettext_lazy("relative's phone"),
        "submitter_email": gettext_lazy("relative's email"),
        "submitter_messenger": gettext_lazy("relative's messenger handle"),
        "narrative": gettext_lazy("what happened (testimony)"),
        "language": gettext_lazy("language of the testimony"),
    },
}
FIELD_LABELS = {key: label for group in FIELD_GROUPS.values() for key, label in group.items()}

# Header words that suggest a field, in the languages the office's files come in. The first
# field whose word is in a header wins, so the relative's phone and name come before the person's
# name ("Телефон родственника", "Имя родственника").
HEADER_HINTS = {
    "submitter_phone": ["phone", "tel", "телефон", "тел", "电话"],
    "submitter_email": ["email", "mail", "почта", "邮箱"],
    "submitter_messenger": ["whatsapp", "telegram", "wechat", "messenger", "微信"],
    "submitter_name": ["relative", "applicant", "заявитель", "родственник", "арызданушы", "申请人"],
    "relationship": ["relationship", "relation", "родство", "туыстығы", "关系"],
    "birth_date": ["birth", "born", "dob", "рождения", "туған", "出生"],
    "situation_date": ["since", "detained", "задержан", "ұсталған", "拘留"],
    "source_url": ["link", "url", "video", "видео", "сілтеме", "ссылка", "链接", "视频"],
    "sex": ["sex", "gender", "пол", "жынысы", "性别"],
    "ethnicity": ["ethnicity", "nationality", "национальность", "ұлты", "民族"],
    "hometown_prefecture": ["prefecture", "region", "область", "округ", "аймақ", "地区", "州"],
    "hometown_detail": ["hometown", "village", "county", "село", "ауыл", "ауданы", "家乡", "县"],
    "situation": ["situation", "status", "статус", "положение", "жағдайы", "状况"],
    "last_known_place": ["place", "camp", "лагерь", "место", "орны", "地点"],
    "narrative": ["testimony", "story", "notes", "описание", "показания", "куәлік", "证词"],
    "name": ["name", "names", "fio", "фио", "имя", "аты", "атыжони", "есімі", "姓名", "名字"],
}

# Cells listing several spellings of one name: "Әділ Ерғазы / Adil Yergazy; 阿地力".
_SPELLING_SEPARATORS = re.compile(r"\s*(?:[/;|\n,]|\(|\)|\s-\s)\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)

# Choice fields read by their code, or by their label in any language the site speaks.
CHOICES = {
    "sex": Sex,
    "ethnicity": Ethnicity,
    "hometown_prefecture": Prefecture,
    "situation": Situation,
    "event_kind": Event.Kind,
    "relationship": Report.Relationship,
}
EXTRA_WORDS = {
    "sex": {"m": "male", "f": "female", "м": "male", "ж": "female", "男": "male", "女": "female"},
}
LANGUAGE_CODES = {"kk", "ru", "ug", "zh-hans", "en", "zh", "kz"}


def shape_of(headers: list[str]) -> str:
    """Files whose header rows read the same (case and spaces aside) share one mapping."""
    folded = "\n".join(_fold(header) for header in headers)
    return hashlib.sha256(folded.encode()).hexdigest()


def suggested_mapping(headers: list[str]) -> dict[str, str]:
    """The mapping saved for files of this shape, or a guess from the column names."""
    saved = ImportMapping.objects.filter(shape=shape_of(headers)).first()
    if saved is not None:
        return {h: saved.columns.get(h, IGNORE) for h in headers}
    guesses, taken = {}, set()
    for header in headers:
        folded = _fold(header)
        guess = next(
            (
                key
                for key, hints in HEADER_HINTS.items()
                if key not in taken and any(_fold(hint) in folded for hint in hints)
            ),
            IGNORE,
        )
        guesses[header] = guess
        if guess != IGNORE:
            taken.add(guess)
    return guesses


def save_mapping(headers: list[str], mapping: dict[str, str]) -> None:
    ImportMapping.objects.update_or_create(
        shape=shape_of(headers), defaults={"headers": headers, "columns": mapping}
    )


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


# --- Reading one row


@dataclass
class Spelling:
    text: str
    script: str
    key: str


@dataclass
class RowPlan:
    """What one row would become, and what in it could not be read."""

    number: int
    case: dict = field(default_factory=dict)
    spellings: list[Spelling] = field(default_factory=list)
    event: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, why)
    unread: list[tuple[str, str]] = field(default_factory=list)  # (column, the text as it was)
    error: str = ""  # set: the row is not imported
    existing_duplicates: list[int] = field(default_factory=list)
    file_duplicates: list[int] = field(default_factory=list)
    already_imported: bool = False

    @property
    def will_import(self) -> bool:
        return not self.error and not self.already_imported

    def summary(self) -> dict:
        """What the dry run keeps of the row: enough to show it, nothing more."""
        return {
            "row": self.number,
            "names": [[s.text, s.script] for s in self.spellings],
            "event": bool(self.event),
            "source": bool(self.source),
            "fields": sorted(self.case),
            "problems": self.problems,
            "error": self.error,
            "existing": self.existing_duplicates,
            "in_file": self.file_duplicates,
            "already": self.already_imported,
        }


def plan_row(number: int, cells: dict[str, str], mapping: dict[str, str]) -> RowPlan:
    """Read one row's cells (column -> text) into the rows it would become."""
    plan = RowPlan(number=number)
    for column, text in cells.items():
        target = mapping.get(column, IGNORE)
        if target == IGNORE or not text:
            continue
        try:
            _read_field(plan, target, text)
        except UnreadableDate as error:
            plan.problems.append((column, str(error)))
            plan.unread.append((column, text))
        except ValueError as error:
            plan.problems.append((column, str(error)))
            plan.unread.append((column, text))
    if not plan.spellings and not plan.error:
        plan.error = _("No name that could be read: the row is not imported.")
    return plan


def _read_field(plan: RowPlan, target: str, text: str) -> None:
    if target == "name":
        _read_names(plan, text)
    elif target in ("birth_date", "situation_date", "event_date"):
        found = parse_fuzzy_date(text)
        if found is not None:
            value, precision = found
            if target == "event_date":
                plan.event |= {"date": value, "date_precision": precision}
            else:
                plan.case |= {target: value, f"{target}_precision": precision}
    elif target in CHOICES:
        code = _choice(target, text)
        if target == "event_kind":
            plan.event["kind"] = code
        elif target == "relationship":
            plan.report["relationship"] = code
        else:
            plan.case[target] = code
    elif target in ("hometown_detail", "last_known_place"):
        plan.case[target] = text[:200]
    elif target == "event_place":
        plan.event["place"] = text[:200]
    elif target == "source_url":
        if not _URL.match(text) or len(text) > 1000:
            raise ValueError(_("“%(text)s” is not a web address.") % {"text": text[:80]})
        plan.source["url"] = text
    elif target == "source_title":
        plan.source["title"] = text[:500]
    elif target == "submitter_email":
        if not _EMAIL.match(text):
            raise ValueError(_("“%(text)s” is not an email address.") % {"text": text[:80]})
        plan.report["submitter_email"] = text[:254]
    elif target == "language":
        plan.report["language"] = _language(text)
    else:  # submitter_name, submitter_phone, submitter_messenger, narrative
        joined = _joined(plan.report.get(target, ""), text)
        limit = Report._meta.get_field(target).max_length
        plan.report[target] = joined[:limit] if limit else joined


def _read_names(plan: RowPlan, text: str) -> None:
    for part in _SPELLING_SEPARATORS.split(text):
        spelling = " ".join(part.split())[:200]
        if not spelling:
            continue
        mixed = _mixed_word(spelling)
        if mixed:
            plan.error = _(
                "The name “%(name)s” mixes scripts within one word (%(word)s): retype it in one "
                "script. The row is not imported."
            ) % {"name": spelling, "word": mixed}
            return
        key = names.search_key(spelling)
        if key or names.han_text(spelling):
            plan.spellings.append(Spelling(spelling, names.detect_script(spelling), key))


def _mixed_word(text: str) -> str:
    """A word written in more than one script: a look-alike letter typed in, or a forgery."""
    for word in text.split():
        if names.detect_script(word) == names.Script.MIXED:
            return word
    return ""


def _choice(target: str, text: str) -> str:
    lookup = _choice_lookup(target)
    folded = _fold(text)
    if folded in lookup:
        return lookup[folded]
    raise ValueError(
        _("“%(text)s” is not one of the choices for %(field)s.")
        % {"text": text[:80], "field": FIELD_LABELS.get(target, target)}
    )


@functools.cache
def _choice_lookup(target: str) -> dict[str, str]:
    """Code and label, in every language of the site, folded, to the code."""
    choices = CHOICES[target]
    lookup = {_fold(word): code for word, code in EXTRA_WORDS.get(target, {}).items()}
    for language, _name in _site_languages():
        with translation.override(language):
            for code, label in choices.choices:
                lookup.setdefault(_fold(str(label)), code)
    for code in choices.values:
        lookup[_fold(code)] = code
    return lookup


def _site_languages():
    return settings.LANGUAGES


def _language(text: str) -> str:
    folded = text.strip().lower()
    if folded in LANGUAGE_CODES:
        return {"zh": "zh-hans", "kz": "kk"}.get(folded, folded)
    for code, label in _site_languages():
        if _fold(label) == _fold(text):
            return code
    raise ValueError(_("“%(text)s” is not a language code.") % {"text": text[:40]})


def _joined(before: str, text: str) -> str:
    return f"{before}\n{text}" if before else text


# --- The dry run


class NameIndex:
    """Which cases (or rows) hold a name with each word of a folded key: the search's keys.

    A name is a likely duplicate when every word of one of its keys is a word of another's, and
    the key has two words at least, or is the whole of a one-word key.
    """

    def __init__(self):
        self._by_word: dict[str, set[int]] = defaultdict(set)
        self._whole: dict[str, set[int]] = defaultdict(set)

    def add(self, owner: int, key: str) -> None:
        self._whole[key].add(owner)
        for word in key.split():
            self._by_word[word].add(owner)

    def find(self, key: str) -> set[int]:
        words = key.split()
        if len(words) < 2:
            return set(self._whole.get(key, ()))
        found = set(self._by_word.get(words[0], ()))
        for word in words[1:]:
            found &= self._by_word.get(word, set())
        return found

    @classmethod
    def of_existing_cases(cls, exclude_cases=()) -> "NameIndex":
        index = cls()
        rows = Name.objects.exclude(case__in=exclude_cases).values_list("case_id", "key")
        for case_id, key in rows.iterator(chunk_size=5000):
            if key:
                index.add(case_id, key)
        return index


DUPLICATES_SHOWN = 5


def plan_table(table: Table, mapping: dict[str, str], sha256: str) -> list[RowPlan]:
    """Every row planned, with the likely duplicates among existing cases and earlier rows."""
    imported = dict(ImportedRow.objects.filter(sha256=sha256).values_list("row_number", "case_id"))
    existing = NameIndex.of_existing_cases(exclude_cases=[c for c in imported.values() if c])
    in_file = NameIndex()
    plans = []
    for offset, row in enumerate(table.rows):
        number = table.first_row_number + offset
        plan = plan_row(number, dict(zip(table.headers, row, strict=True)), mapping)
        plan.already_imported = number in imported
        keys = {spelling.key for spelling in plan.spellings if spelling.key}
        plan.existing_duplicates = _found(existing, keys)
        plan.file_duplicates = _found(in_file, keys)
        for key in keys:
            in_file.add(number, key)
        plans.append(plan)
    return plans


def _found(index: NameIndex, keys) -> list[int]:
    found = set()
    for key in keys:
        found |= index.find(key)
    return sorted(found)[:DUPLICATES_SHOWN]


def dry_run_report(plans: list[RowPlan]) -> dict:
    return {
        "rows": [plan.summary() for plan in plans],
        "to_import": sum(plan.will_import for plan in plans),
        "not_imported": sum(bool(plan.error) for plan in plans),
        "already_imported": sum(plan.already_imported for plan in plans),
        "with_problems": sum(bool(plan.problems) for plan in plans),
        "existing_duplicates": sum(bool(plan.existing_duplicates) for plan in plans),
        "file_duplicates": sum(bool(plan.file_duplicates) for plan in plans),
    }


# --- The import


PROGRESS_EVERY = 25


def import_rows(import_file: ImportFile, table: Table) -> int:
    """Store each row not stored yet, one transaction per row; returns the cases created."""
    plans = plan_table(table, import_file.mapping, import_file.sha256)
    created = 0
    for done, plan in enumerate(plans, start=1):
        if plan.will_import and _store_row(import_file, plan):
            created += 1
        if done % PROGRESS_EVERY == 0 or done == len(plans):
            ImportFile.objects.filter(pk=import_file.pk).update(rows_done=done)
    return created


def _store_row(import_file: ImportFile, plan: RowPlan) -> bool:
    """The row's case, names, event, source and report, or nothing if it was stored before."""
    try:
        with transaction.atomic():
            _commit_without_waiting_for_the_disk()
            case = Case.objects.create(
                status=Case.Status.DRAFT, consent=Consent.INTERNAL, **plan.case
            )
            _store_names(case, plan)
            _store_event(case, plan)
            _store_source(case, plan)
            report = _store_report(case, plan, import_file)
            # Last: its unique key refuses a row another run stored meanwhile, undoing the rest.
            ImportedRow.objects.create(
                sha256=import_file.sha256,
                row_number=plan.number,
                import_file=import_file,
                case=case,
                report=report,
            )
    except IntegrityError:  # another run stored this row a moment ago
        return False
    return True


def _commit_without_waiting_for_the_disk() -> None:
    """PostgreSQL: this row's commit returns before its WAL reaches the disk.

    A commit that waits for the disk costs tens of milliseconds on a busy one, which is most of
    a row's time. Not waiting risks only the last fraction of a second of rows if the machine
    itself goes down (never a half row: each still commits whole or not at all), and those rows
    are imported again when the import goes on, their ImportedRow being gone with them.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _store_names(case: Case, plan: RowPlan) -> None:
    for index, spelling in enumerate(plan.spellings):
        kind = Name.Kind.LEGAL if index == 0 else Name.Kind.TRANSLITERATION
        Name.objects.create(case=case, text=spelling.text, kind=kind, is_public=False)


def _store_event(case: Case, plan: RowPlan) -> None:
    if plan.event.get("kind"):
        Event.objects.create(case=case, **plan.event)


def _store_source(case: Case, plan: RowPlan) -> None:
    url = plan.source.get("url")
    if not url:
        return
    source = Source.objects.filter(url=url).first() or Source.objects.create(
        kind=Source.Kind.VIDEO,
        url=url,
        title=plan.source.get("title") or url[:500],
        publisher=_("not recorded"),
    )
    Citation.objects.create(case=case, source=source, claim=_("Imported testimony"))


def _store_report(case: Case, plan: RowPlan, import_file: ImportFile) -> Report:
    fields = dict(plan.report)
    fields["narrative"] = _narrative(fields.get("narrative", ""), plan, import_file)
    report = Report(
        case=case,
        state=Report.State.NEW,
        consent=Consent.INTERNAL,
        language=fields.pop("language", ""),
        **fields,
    )
    report.issue_receipt()  # no relative ever gets this code: the report came from a file
    report.save()
    return report


def _narrative(text: str, plan: RowPlan, import_file: ImportFile) -> str:
    """The testimony, then where the row came from and what of it was not read, verbatim."""
    lines = [text] if text else []
    lines.append(
        _("Imported from “%(file)s”, row %(row)s.")
        % {"file": import_file.file_name, "row": plan.number}
    )
    lines += [f"{column}: {value}" for column, value in plan.unread]
    return "\n".join(lines)


def run(import_file: ImportFile) -> int:
    """The worker's part: read the stored upload again and store its rows; cases created."""
    ImportFile.objects.filter(pk=import_file.pk).update(status=ImportFile.Status.RUNNING, error="")
    try:
        # What the import writes into records (the narrative's first line) is for staff.
        with translation.override(settings.STAFF_LANGUAGE):
            created = import_rows(import_file, read_stored(import_file))
    except Exception as error:
        ImportFile.objects.filter(pk=import_file.pk).update(
            status=ImportFile.Status.FAILED, error=f"{type(error).__name__}: {error}"
        )
        raise
    finish(import_file)
    return created


def finish(import_file: ImportFile) -> None:
    """Done: the count of cases this upload created, and the upload itself deleted."""
    created = ImportedRow.objects.filter(import_file=import_file, case__isnull=False).count()
    ImportFile.objects.filter(pk=import_file.pk).update(
        status=ImportFile.Status.DONE, created_cases=created, finished_at=timezone.now()
    )
    if import_file.data:
        import_file.data.delete(save=False)
        ImportFile.objects.filter(pk=import_file.pk).update(data="")


# --- The steps staff take (cases/import_admin.py)


def receive_upload(*, data: bytes, file_name: str, table: Table, by) -> ImportFile:
    """Keep an upload that read cleanly, privately, with the mapping to suggest for it."""
    require_permission(by, "cases.import_records")
    import_file = ImportFile(
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding=table.encoding,
        headers=table.headers,
        row_count=len(table.rows),
        mapping=suggested_mapping(table.headers),
        uploaded_by=by,
    )
    import_file.data.save(f"{codes.file_token()}.upload", ContentFile(data), save=False)
    import_file.save()
    return import_file


def read_stored(import_file: ImportFile) -> Table:
    from .spreadsheets import read_table

    with import_file.data.open("rb") as stored:
        return read_table(stored.read(), import_file.file_name, import_file.encoding)


def check_import(*, import_file: ImportFile, mapping: dict[str, str], by) -> ImportFile:
    """Keep the mapping (for this file and the next of its shape) and make the dry run."""
    require_permission(by, "cases.import_records")
    save_mapping(import_file.headers, mapping)
    plans = plan_table(read_stored(import_file), mapping, import_file.sha256)
    import_file.mapping = mapping
    import_file.dry_run = dry_run_report(plans)
    import_file.status = ImportFile.Status.CHECKED
    import_file.save(update_fields=["mapping", "dry_run", "status"])
    return import_file


def confirm_import(*, import_file: ImportFile, by) -> ImportFile:
    """Hand the checked file to the worker; the progress page follows it from here."""
    from .tasks import run_import

    require_permission(by, "cases.import_records")
    if import_file.status != ImportFile.Status.CHECKED:
        raise PermissionDenied(_("This import is not waiting for confirmation."))
    # The queue is a table of this database: queued in the same transaction, or not at all.
    with transaction.atomic():
        import_file.status = ImportFile.Status.QUEUED
        import_file.rows_done = 0
        import_file.save(update_fields=["status", "rows_done"])
        run_import.enqueue(import_file.pk)
    return import_file
