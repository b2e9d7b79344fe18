"""The Töte catalogs: made from the kk ones by `manage.py tote_catalogs`, complete, never falling
back to Cyrillic, and keeping what a person corrected by hand until its kk text changes."""

import re
import shutil
import subprocess
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from cases.tote import to_tote

BASE = Path(settings.BASE_DIR)
CATALOGS = [
    BASE / "locale" / "kk_Arab" / "LC_MESSAGES" / "django.po",
    BASE / "supplements" / "locale" / "kk_Arab" / "LC_MESSAGES" / "django.po",
    BASE / "supplements" / "locale" / "kk_Arab" / "LC_MESSAGES" / "djangojs.po",
]
_CYRILLIC = re.compile("[\u0400-\u04ff]")


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(BASE)))
def test_each_tote_catalog_is_complete(catalog):
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def kk_catalogs(domain):
    """Every kk catalog Django reads for domain: its own, each installed app's, and ours."""
    from django.apps import apps

    folders = [Path(django.__file__).parent / "conf" / "locale"]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    folders += [BASE / "locale", BASE / "supplements" / "locale"]
    paths = [folder / "kk" / "LC_MESSAGES" / f"{domain}.po" for folder in folders]
    return [polib.pofile(str(path)) for path in paths if path.exists()]


def translated_entries(domain):
    return [entry for catalog in kk_catalogs(domain) for entry in catalog.translated_entries()]


def in_tote(catalog, entry):
    if entry.msgid_plural and entry.msgctxt:
        return catalog.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 5)
    if entry.msgid_plural:
        return catalog.ngettext(entry.msgid, entry.msgid_plural, 5)
    if entry.msgctxt:
        return catalog.pgettext(entry.msgctxt, entry.msgid)
    return catalog.gettext(entry.msgid)


def test_no_string_kazakh_has_falls_back_to_cyrillic_in_tote():
    """gettext looks kk_Arab up in kk when it lacks a string: Django's admin strings included."""
    with translation.override("kk-arab"):
        entries = translated_entries("django")
        assert len(entries) > 1000
        cyrillic = [e.msgid for e in entries if _CYRILLIC.search(in_tote(translation, e))]
    assert not cyrillic, cyrillic[:10]


def test_no_string_of_the_admins_javascript_is_cyrillic_in_tote():
    catalog = trans_real.DjangoTranslation("kk-arab", domain="djangojs")
    entries = translated_entries("djangojs")
    assert entries
    assert not [e.msgid for e in entries if _CYRILLIC.search(in_tote(catalog, e))]


# The command, on catalogs of its own ---------------------------------------------------------


def write_kk(folder: Path, entries: list[polib.POEntry], domain="django"):
    path = folder / "kk" / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "kk"}
    catalog.extend(entries)
    catalog.save(str(path))


@pytest.fixture
def project(settings, tmp_path):
    """A project of two kk messages, and empty supplements."""
    settings.BASE_DIR = tmp_path
    write_kk(
        tmp_path / "locale",
        [
            polib.POEntry(msgid="Cases", msgstr="Істер", occurrences=[("cases/views.py", "")]),
            polib.POEntry(msgid="Report", msgstr="Өтініш"),
        ],
    )
    for domain in ("django", "djangojs"):
        write_kk(tmp_path / "supplements" / "locale", [], domain)
    return tmp_path


def tote_catalog(project):
    return polib.pofile(str(project / "locale" / "kk_Arab" / "LC_MESSAGES" / "django.po"))


def tote_of(project, msgid):
    return tote_catalog(project).find(msgid)


def test_the_command_writes_every_kk_message_in_tote(project):
    call_command("tote_catalogs", verbosity=0)
    catalog = tote_catalog(project)
    assert catalog.metadata["Language"] == "kk_Arab"
    assert [(e.msgid, e.msgstr) for e in catalog] == [("Cases", "ىستەر"), ("Report", "ٴوتىنىش")]
    assert catalog.find("Cases").occurrences == [("cases/views.py", "")]
    assert catalog.percent_translated() == 100


def test_django_s_own_kazakh_strings_get_a_tote_catalog_of_ours(project):
    call_command("tote_catalogs", verbosity=0)
    supplements = project / "supplements" / "locale" / "kk_Arab" / "LC_MESSAGES"
    admin = polib.pofile(str(supplements / "django.po"))
    assert admin.find("Log in").msgstr == to_tote("Кіру")
    assert polib.pofile(str(supplements / "djangojs.po")).translated_entries()


def test_a_persons_correction_survives_while_the_kk_text_stays(project):
    call_command("tote_catalogs", verbosity=0)
    catalog = tote_catalog(project)
    catalog.find("Report").msgstr = "ٴوتىنىش!"
    catalog.save()
    call_command("tote_catalogs", verbosity=0)
    assert tote_of(project, "Report").msgstr == "ٴوتىنىش!"
    assert tote_of(project, "Cases").msgstr == "ىستەر"


def test_a_correction_gives_way_when_the_kk_text_changes_and_the_command_says_so(project, capsys):
    call_command("tote_catalogs", verbosity=0)
    catalog = tote_catalog(project)
    catalog.find("Report").msgstr = "ٴوتىنىش!"
    catalog.save()
    write_kk(project / "locale", [polib.POEntry(msgid="Report", msgstr="Хабарлама")])
    call_command("tote_catalogs", verbosity=0)
    assert tote_of(project, "Report").msgstr == "حابارلاما"
    assert tote_of(project, "Cases") is None  # gone from kk, gone from kk_Arab
    assert "Report" in capsys.readouterr().out


def test_a_new_kk_message_appears_in_tote_with_nothing_else_to_do(project):
    call_command("tote_catalogs", verbosity=0)
    write_kk(
        project / "locale",
        [
            polib.POEntry(msgid="Cases", msgstr="Істер"),
            polib.POEntry(msgid="Report", msgstr="Өтініш"),
            polib.POEntry(
                msgid="%(count)s photos", msgstr="%(count)s сурет", flags=["python-format"]
            ),
        ],
    )
    call_command("tote_catalogs", verbosity=0)
    entry = tote_of(project, "%(count)s photos")
    assert entry.msgstr == "%(count)s سۋرەت"
    assert "python-format" in entry.flags


def test_a_fuzzy_kk_message_stays_fuzzy_for_a_person_to_check(project):
    write_kk(project / "locale", [polib.POEntry(msgid="Cases", msgstr="Істер", flags=["fuzzy"])])
    call_command("tote_catalogs", verbosity=0)
    assert tote_of(project, "Cases").fuzzy


def test_plural_messages_are_converted_form_by_form(project):
    write_kk(
        project / "locale",
        [
            polib.POEntry(
                msgid="%(n)s case",
                msgid_plural="%(n)s cases",
                msgstr_plural={0: "%(n)s іс", 1: "%(n)s іс"},
            )
        ],
    )
    call_command("tote_catalogs", verbosity=0)
    assert tote_of(project, "%(n)s case").msgstr_plural == {0: "%(n)s ٴىس", 1: "%(n)s ٴىس"}


def test_the_exceptions_table_reaches_the_catalogs(project):
    write_kk(project / "locale", [polib.POEntry(msgid="In Xinjiang", msgstr="Шыңжаңда")])
    call_command("tote_catalogs", verbosity=0)
    assert tote_of(project, "In Xinjiang").msgstr == "شينجياڭدا"
