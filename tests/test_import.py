"""Spreadsheet import in the admin: dry run, drafts row by row, hostile files, a killed worker."""

import contextlib
import importlib
import io
import time
import unicodedata
import zipfile
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from hypothesis import HealthCheck, given, settings, strategies

from cases import imports, spreadsheets
from cases.dates import Precision, UnreadableDate, parse_fuzzy_date
from cases.models import Case, Consent, ImportedRow, ImportFile, ImportMapping, Name, Report

from .conftest import WorkerProcess, log_in_to_admin
from .factories import make_case, staff_user
from .import_files import HEADERS, MAPPING, generate

import_roles = importlib.import_module("cases.migrations.0016_import_permission")


def editor():
    user = staff_user("editor", "Editor")
    import_roles.grant(apps, None)  # transactional tests flush the migrated groups
    return user


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, editor())


@pytest.fixture(autouse=True)
def connection_kept_in_process(monkeypatch):
    """The worker closes old connections between tasks; in-process, that is the test's own."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_queued_tasks():
    call_command("run_worker", "--batch", "--no-reload", verbosity=0)


def upload(client, data: bytes, name="records.csv", encoding=""):
    return client.post(
        "/admin/cases/importfile/add/",
        {"file": SimpleUploadedFile(name, data), "encoding": encoding},
    )


def map_columns(client, import_file, mapping):
    form = {
        f"column_{index}": mapping.get(header, imports.IGNORE)
        for index, header in enumerate(import_file.headers)
    }
    return client.post(f"/admin/cases/importfile/{import_file.pk}/columns/", form)


def import_through_the_admin(client, data, name="records.csv"):
    """Upload, map, read the dry run; returns the import and the dry run page's text."""
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    import_file = ImportFile.objects.latest("uploaded_at")
    assert map_columns(client, import_file, MAPPING).status_code == 302
    page = client.get(f"/admin/cases/importfile/{import_file.pk}/dry-run/")
    assert page.status_code == 200
    import_file.refresh_from_db()
    return import_file, page.content.decode()


@pytest.mark.django_db
def test_a_realistic_file_gives_its_dry_run_then_exactly_the_expected_drafts(
    editor_client, settings
):
    settings.STAFF_LANGUAGE = "en"  # what the import writes into reports
    generated = generate(rows=2000)
    existing = {}
    for text in generated.existing_names:
        case = make_case(display_name="")
        Name.objects.create(case=case, text=text)
        existing[text] = case.pk
    cases_before = Case.objects.count()

    import_file, page = import_through_the_admin(editor_client, generated.csv_bytes())
    to_import = [row for row in generated.expected if row.imported]
    report = import_file.dry_run
    assert report["to_import"] == len(to_import) == 2000 - 2000 // 97
    assert report["not_imported"] == 2000 // 97
    assert f"{len(to_import)} rows would become draft cases" in page
    assert Case.objects.count() == cases_before  # a dry run stores nothing
    rows = {row["row"]: row for row in report["rows"]}
    # Every name cell split into its spellings, each with its script.
    scripts = {script for row in report["rows"] for _text, script in row["names"]}
    assert {"cyrillic", "latin", "arabic", "han"} <= scripts
    for expected in generated.expected:
        row = rows[expected.number]
        assert [text for text, _script in row["names"]] == expected.names
        assert [column for column, _why in row["problems"]] == expected.unreadable
        if not expected.imported:
            assert "mixes scripts within one word" in row["error"]
    # Likely duplicates: against the cases recorded before, and earlier rows of the same person.
    adil_rows = [r for r in generated.expected if "Adilgazy Yergazy" in r.names and r.imported]
    assert rows[adil_rows[0].number]["existing"] == [existing["Adilgazy Yergazy"]]
    assert rows[adil_rows[0].number]["in_file"] == []
    assert adil_rows[0].number in rows[adil_rows[1].number]["in_file"]
    bad_date = next(r for r in generated.expected if r.unreadable and r.imported)
    assert rows[bad_date.number]["problems"] == [
        ["Дата задержания", "“last year” is not a date we can read."]
    ] or rows[bad_date.number]["problems"] == [
        ("Дата задержания", "“last year” is not a date we can read.")
    ]

    assert (
        editor_client.post(f"/admin/cases/importfile/{import_file.pk}/dry-run/").status_code == 302
    )
    import_file.refresh_from_db()
    assert import_file.status == ImportFile.Status.QUEUED
    run_queued_tasks()

    import_file.refresh_from_db()
    assert import_file.status == ImportFile.Status.DONE
    assert import_file.created_cases == len(to_import)
    assert not import_file.data  # the upload itself is gone once its rows are stored
    progress = editor_client.get(f"/admin/cases/importfile/{import_file.pk}/progress/")
    assert f"{len(to_import)} draft cases were created" in progress.content.decode()

    imported = ImportedRow.objects.select_related("case", "report")
    assert imported.count() == len(to_import)
    by_row = {row.row_number: row for row in imported}
    assert set(by_row) == {row.number for row in to_import}
    spellings = {}
    for name in Name.objects.filter(case__imported_rows__isnull=False).order_by("pk"):
        spellings.setdefault(name.case_id, []).append(name)
    for expected in to_import:
        row = by_row[expected.number]
        case, report_row = row.case, row.report
        assert case.status == Case.Status.DRAFT and case.consent == Consent.INTERNAL
        assert case.reference is None and case.display_name == ""
        assert [n.text for n in spellings[case.pk]] == expected.names
        assert not any(n.is_public for n in spellings[case.pk])
        situation = (case.situation_date, case.situation_date_precision)
        assert (situation if case.situation_date else None) == expected.situation
        assert report_row.case_id == case.pk
        assert report_row.state == Report.State.NEW and report_row.consent == Consent.INTERNAL
        assert f"row {expected.number}." in report_row.narrative
        if expected.unreadable:
            assert "Дата задержания: last year" in report_row.narrative
    assert Case.objects.published().count() == 0


@pytest.mark.django_db
def test_a_second_run_of_the_same_file_creates_nothing(editor_client):
    generated = generate(rows=120, seed=3)
    first, _page = import_through_the_admin(editor_client, generated.csv_bytes())
    editor_client.post(f"/admin/cases/importfile/{first.pk}/dry-run/")
    run_queued_tasks()
    first.refresh_from_db()
    counts = (Case.objects.count(), Report.objects.count(), Name.objects.count())

    again, page = import_through_the_admin(editor_client, generated.csv_bytes(), "copy.csv")
    assert again.dry_run["to_import"] == 0
    assert again.dry_run["already_imported"] == first.created_cases
    assert "were imported before and are skipped" in page
    # Duplicates are not the rows' own cases from the first run.
    assert all(not row["existing"] for row in again.dry_run["rows"] if row["already"])
    editor_client.post(f"/admin/cases/importfile/{again.pk}/dry-run/")
    run_queued_tasks()
    assert (Case.objects.count(), Report.objects.count(), Name.objects.count()) == counts


@pytest.mark.django_db
def test_the_mapping_is_kept_for_the_next_file_of_the_same_shape(editor_client):
    generated = generate(rows=5)
    import_through_the_admin(editor_client, generated.csv_bytes())
    assert ImportMapping.objects.count() == 1
    upload(editor_client, generate(rows=7, seed=8).csv_bytes(), "next.csv")
    second = ImportFile.objects.latest("uploaded_at")
    assert second.mapping == MAPPING
    page = editor_client.get(f"/admin/cases/importfile/{second.pk}/columns/").content.decode()
    assert 'value="submitter_phone" selected' in page


@pytest.mark.django_db
def test_an_xlsx_file_is_read_like_its_csv(editor_client):
    generated = generate(rows=50, seed=5)
    from_csv = spreadsheets.read_table(generated.csv_bytes(), "a.csv")
    from_xlsx = spreadsheets.read_table(generated.xlsx_bytes(), "a.xlsx")
    assert from_xlsx.headers == from_csv.headers == HEADERS
    assert from_xlsx.rows == from_csv.rows


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "cp1251", "gb18030"])
def test_files_in_the_office_s_other_encodings_are_read(editor_client, encoding):
    text = "ФИО,Дата\nМурат Токтар,2018 ж.\nАсель Омарова,осень 2017\n"
    if encoding == "gb18030":
        text = "姓名,日期\n阿地力加孜,2018年3月\n古丽娜尔,2017年\n"
    response = upload(editor_client, text.encode(encoding))
    assert response.status_code == 302
    import_file = ImportFile.objects.get()
    assert import_file.encoding == encoding
    assert import_file.headers == text.splitlines()[0].split(",")


HOSTILE_CSV = {
    "formula": (b'name,note\nAdil,=HYPERLINK("http://x.example")\n', "holds a formula"),
    "dde": (b"name,note\nAdil,@SUM(1+1)*cmd|' /C calc'!A0\n", "holds a formula"),
    "million rows": (b"name\n" + b"a\n" * 1_000_000, "more than 20 000 rows"),
    "unknown encoding": (bytes(range(128, 256)) * 40, "could not tell which text encoding"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel file"),
    "empty": (b"   \n", "The file is empty"),
    "too large": (b"name\n" + b"x" * (21 * 1024 * 1024), "larger than 20 MiB"),
}


def xlsx_with(extra_entries=None) -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["Adil"])
    workbook.save(buffer)
    if not extra_entries:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra_entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_formula() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "total"])
    workbook.active.append(["Adil", "=1+1"])
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bomb() -> bytes:
    """A sheet entry that inflates to 210 MiB of zeros from a few hundred KiB."""
    buffer = io.BytesIO(xlsx_with())
    with (
        zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as entry,
    ):
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(210):
            entry.write(chunk)
    return buffer.getvalue()


HOSTILE_XLSX = {
    "xlsx formula": (xlsx_formula, "holds a formula"),
    "macros": (lambda: xlsx_with({"xl/vbaProject.bin": b"\x00" * 100}), "contains macros"),
    "zip bomb": (xlsx_bomb, "zip bomb"),
    "broken zip": (lambda: b"PK\x03\x04" + b"\x00" * 200, "could not be read as a spreadsheet"),
}


def assert_refused_and_nothing_stored(response, reason, isolated_media):
    assert response.status_code == 200
    text = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "was not imported" in text
    assert reason in text
    assert ImportFile.objects.count() == 0
    assert Case.objects.count() == Report.objects.count() == 0
    _public, private = isolated_media
    assert not private.exists() or not any(private.rglob("*.*"))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(HOSTILE_CSV))
def test_a_hostile_csv_is_refused_with_its_reason_and_nothing_is_stored(
    editor_client, isolated_media, kind
):
    data, reason = HOSTILE_CSV[kind]
    assert_refused_and_nothing_stored(upload(editor_client, data), reason, isolated_media)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(HOSTILE_XLSX))
def test_a_hostile_xlsx_is_refused_with_its_reason_and_nothing_is_stored(
    editor_client, isolated_media, kind
):
    make, reason = HOSTILE_XLSX[kind]
    response = upload(editor_client, make(), "records.xlsx")
    assert_refused_and_nothing_stored(response, reason, isolated_media)


@pytest.mark.django_db
def test_a_name_mixing_scripts_in_one_word_is_not_imported_and_says_why(editor_client):
    data = "name,date\nАdil Тest,2018\nAdil Test,2018\n".encode()
    import_file, _page = import_through_the_admin_with(editor_client, data, {"name": "name"})
    mixed, clean = import_file.dry_run["rows"]
    assert "mixes scripts within one word" in mixed["error"]
    assert clean["error"] == ""
    editor_client.post(f"/admin/cases/importfile/{import_file.pk}/dry-run/")
    run_queued_tasks()
    assert list(Name.objects.values_list("text", flat=True)) == ["Adil Test"]


def import_through_the_admin_with(client, data, mapping):
    assert upload(client, data).status_code == 302
    import_file = ImportFile.objects.latest("uploaded_at")
    map_columns(client, import_file, mapping)
    page = client.get(f"/admin/cases/importfile/{import_file.pk}/dry-run/").content.decode()
    import_file.refresh_from_db()
    return import_file, page


@pytest.mark.django_db
def test_moderators_may_not_import(client):
    log_in_to_admin(client, staff_user("moderator", "Moderator"))
    assert client.get("/admin/cases/importfile/add/").status_code == 403
    assert upload(client, b"name\nAdil\n").status_code == 403
    assert "importfile" not in client.get("/admin/").content.decode()
    assert ImportFile.objects.count() == 0


@pytest.mark.django_db
def test_the_mapping_needs_a_name_column(editor_client):
    upload(editor_client, b"name,date\nAdil,2018\n")
    import_file = ImportFile.objects.get()
    response = map_columns(editor_client, import_file, {"date": "situation_date"})
    assert response.status_code == 200
    assert "Choose the column (or columns) that hold the names." in response.content.decode()


def test_an_import_killed_with_its_worker_goes_on_where_it_stopped(settings, transactional_db):
    """A real worker process, killed mid-import: no half row, and the next worker finishes."""
    editor_user = editor()
    generated = generate(rows=600, seed=11)
    data = generated.csv_bytes()
    table = spreadsheets.read_table(data, "big.csv")
    import_file = imports.receive_upload(
        data=data, file_name="big.csv", table=table, by=editor_user
    )
    imports.check_import(import_file=import_file, mapping=MAPPING, by=editor_user)
    imports.confirm_import(import_file=import_file, by=editor_user)

    first = WorkerProcess(settings).start()
    deadline = time.monotonic() + 60
    while ImportedRow.objects.count() < 50 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.kill()
    stored = ImportedRow.objects.count()
    expected = import_file.dry_run["to_import"]
    assert 50 <= stored < expected, "the worker was not killed in the middle of the import"
    # Every row is whole or absent: each case has its report, and no case lacks its row record.
    assert Case.objects.count() == Report.objects.count() == stored
    assert not ImportedRow.objects.filter(case__isnull=True).exists()

    second = WorkerProcess(settings).start()
    try:
        deadline = time.monotonic() + 600  # generous: a loaded machine commits slowly
        while time.monotonic() < deadline:
            import_file.refresh_from_db()
            if import_file.status == ImportFile.Status.DONE:
                break
            time.sleep(0.1)
    finally:
        second.stop()
    assert import_file.status == ImportFile.Status.DONE, second.process.stderr.read().decode()
    assert ImportedRow.objects.count() == Case.objects.count() == Report.objects.count()
    assert Case.objects.count() == expected


# --- Reading dates and files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017 autumn", (date(2017, 10, 1), Precision.YEAR)),
        ("2018 ж.", (date(2018, 1, 1), Precision.YEAR)),
        ("осень 2017", (date(2017, 10, 1), Precision.YEAR)),
        ("2017 жылы күзде", (date(2017, 10, 1), Precision.YEAR)),
        ("март 2019", (date(2019, 3, 1), Precision.MONTH)),
        ("2018年3月", (date(2018, 3, 1), Precision.MONTH)),
        ("2018年3月9日", (date(2018, 3, 9), Precision.DAY)),
        ("09.03.2018", (date(2018, 3, 9), Precision.DAY)),
        ("2018-03", (date(2018, 3, 1), Precision.MONTH)),
        ("примерно 2014 г.", (date(2014, 1, 1), Precision.ABOUT_YEAR)),
        ("~2016", (date(2016, 1, 1), Precision.ABOUT_YEAR)),
        ("２０１８", (date(2018, 1, 1), Precision.YEAR)),
        ("", None),
    ],
)
def test_fuzzy_dates_are_read_at_the_precision_written(text, expected):
    assert parse_fuzzy_date(text, today=date(2026, 1, 1)) == expected


@pytest.mark.parametrize("text", ["last year", "32.13.2018", "1850", "2099", "2017 2018", "soon"])
def test_dates_that_cannot_be_trusted_say_why(text):
    with pytest.raises(UnreadableDate):
        parse_fuzzy_date(text, today=date(2026, 1, 1))


@given(strategies.text(max_size=40))
def test_any_text_is_a_date_or_a_reason_never_a_crash(text):
    with contextlib.suppress(UnreadableDate):
        parse_fuzzy_date(text, today=date(2026, 1, 1))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.binary(max_size=3000))
def test_any_bytes_are_a_table_or_a_refusal_never_a_crash(data):
    try:
        table = spreadsheets.read_table(data, "x.csv")
    except spreadsheets.RefusedFile:
        return
    assert all(len(row) == len(table.headers) for row in table.rows)


PLAIN_CELL = strategies.text(
    strategies.characters(
        blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters="\"',;\t"
    ),
    max_size=30,
)


@settings(max_examples=100)
@given(strategies.lists(PLAIN_CELL, min_size=1, max_size=6))
def test_text_cells_come_back_as_typed_or_the_file_is_refused_as_a_formula(cells):
    data = ("name\n" + "\n".join(cells)).encode()
    try:
        table = spreadsheets.read_table(data, "x.csv")
    except spreadsheets.RefusedFile as refusal:
        assert "formula" in str(refusal) or not any(c.strip() for c in cells)
        return
    expected = [unicodedata.normalize("NFC", c).strip() for c in cells]
    assert [row[0] for row in table.rows] == [c for c in expected if c]


def test_staff_without_the_role_see_no_import_module(client, db):
    user = User.objects.create_user("newcomer", password="x" * 16, is_staff=True)
    log_in_to_admin(client, user)
    assert client.get("/admin/cases/importfile/").status_code == 403


@pytest.mark.django_db
def test_the_dry_run_and_progress_pages_cost_the_same_queries_for_any_file(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for rows, seed in ((20, 1), (300, 2)):
        import_file, _page = import_through_the_admin(
            editor_client, generate(rows, seed).csv_bytes()
        )
        with CaptureQueriesContext(connection) as dry_run:
            editor_client.get(f"/admin/cases/importfile/{import_file.pk}/dry-run/?rows=duplicates")
        with CaptureQueriesContext(connection) as progress:
            editor_client.get(f"/admin/cases/importfile/{import_file.pk}/progress/")
        counts.append((len(dry_run), len(progress)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-1", "?rows=%00", "?page=99999&rows=problems", "?rows=skipped"]
)
def test_odd_dry_run_parameters_never_give_an_error(editor_client, query):
    import_file, _page = import_through_the_admin(editor_client, generate(30, 4).csv_bytes())
    response = editor_client.get(f"/admin/cases/importfile/{import_file.pk}/dry-run/{query}")
    assert response.status_code == 200
