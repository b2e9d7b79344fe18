"""Kazakh in Töte all the way down: every public page, the form and its errors, the status page
and the admin read in Arabic script, right to left, with no Cyrillic, Latin or English word
left but names, codes and addresses; Django's own strings never fall back to Cyrillic kk."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation

from cases.models import Case, Citation
from cases.tote import to_tote

from .conftest import log_in_to_admin
from .factories import make_case, make_report
from .public_site import make_case_with_every_public_field, public_paths, visible_text
from .test_languages import ALLOWED
from .test_report_form import report_post

pytestmark = pytest.mark.django_db

TAG = '<html lang="kk-Arab" dir="rtl">'
# Our languages' names in the switcher are written in their own scripts on purpose.
LANGUAGE_NAMES = {"Қазақша", "Русский", "English"}
# A case's names are content, in whatever script the family wrote them; so is a username.
NAMES = {"Әділ", "Ерғазы", "Adil", "Yergazy", "editor"}
# Codes of our languages, as the admin lists a report's language.
LANGUAGE_CODES = {"en", "kk", "arab", "ru", "ug", "zh", "hans"}
# Django's admin writes these image alternatives in English, untranslatable: the search box's
# magnifier and the yes/no/unknown icons of a boolean column.
DJANGO_UNTRANSLATED_ALTS = {"Search", "True", "False", "None"}
_CYRILLIC = re.compile("[\u0400-\u04ff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’]+")


def foreign_words(html: str) -> set[str]:
    """Cyrillic and Latin words a visitor sees, less names, codes, formats and addresses."""
    text = visible_text(html)
    words = set(_CYRILLIC.findall(text)) | set(_LATIN.findall(text))
    return {
        word
        for word in words - ALLOWED - LANGUAGE_NAMES - NAMES - LANGUAGE_CODES
        if not word.isupper()  # codes and abbreviations: JPEG, RR1E7CX1
    }


@pytest.fixture
def site_in_tote():
    """Published content written in Töte, so a Cyrillic or Latin word left is our UI's."""
    return make_case_with_every_public_field(
        names=["Әділ Ерғазы", "Adil Yergazy", to_tote("Әділ Ерғазы")],
        write=to_tote,
        excerpt="ەرعازى",
    )


def test_every_public_page_reads_in_tote_right_to_left(client, site_in_tote):
    for path in public_paths(site_in_tote, "kk-arab", query=to_tote("Ерғазы")):
        response = client.get(path)
        assert TAG in response.text, path
        left = foreign_words(response.text)
        assert not left, f"{path} still shows {sorted(left)}"


def test_the_switcher_offers_tote_under_its_own_name(client):
    page = client.get("/ru/").text
    assert 'href="/kk-arab/"' in page
    assert 'lang="kk-Arab"' in page
    assert "قازاق ءتىلى (توتە)" in page


def test_every_error_of_the_report_form_is_in_tote(client):
    data = report_post(
        submitter_email="not an email",
        birth_year="next year",
        consent="",
        narrative=to_tote("Ұсталды."),
        situation_year="1800",
        hometown_prefecture="9999",
    )
    response = client.post("/kk-arab/report/", data)
    assert response.status_code == 200
    assert TAG in response.text
    assert not foreign_words(response.text), sorted(foreign_words(response.text))
    with translation.override("kk-arab"):
        from django.core.validators import EmailValidator

        assert str(EmailValidator.message) in response.text
        assert not _CYRILLIC.search(str(EmailValidator.message))


def test_a_report_sent_in_tote_gets_its_receipt_and_status_in_tote(client):
    response = client.post("/kk-arab/report/", report_post(), follow=True)
    assert response.status_code == 200
    assert TAG in response.text
    assert not foreign_words(response.text), sorted(foreign_words(response.text))
    report = make_report(case=Case.objects.create(display_name="Adil Yergazy"))
    code = report.issue_receipt()
    report.save()
    status = client.post("/kk-arab/report/status/", {"code": code}, follow=True)
    assert 'data-report-progress="received"' in status.text
    assert not foreign_words(status.text), sorted(foreign_words(status.text))
    wrong = client.post("/kk-arab/report/status/", {"code": "WRONG-CODE"}, follow=True)
    assert not foreign_words(wrong.text), sorted(foreign_words(wrong.text))


def admin_paths(case):
    paths = ["/admin/", "/admin/password_change/", reverse("admin:cases_case_add")]
    for model in ("case", "report", "photo", "source", "citation", "event", "name"):
        try:
            paths.append(reverse(f"admin:cases_{model}_changelist"))
        except NoReverseMatch:
            continue
    return [*paths, reverse("admin:cases_case_change", args=[case.pk])]


def test_the_admin_reads_in_tote_django_strings_included(site_in_tote):
    client = Client(headers={"accept-language": "kk-Arab"})
    login = client.get("/admin/login/")
    assert TAG in login.text
    assert not foreign_words(login.text), sorted(foreign_words(login.text))
    user = User.objects.create_superuser("editor", password="x" * 16)
    log_in_to_admin(client, user)
    make_report(case=make_case(display_name=to_tote("Сәуле")), language="kk-arab")
    Citation.objects.update(claim=to_tote("Ұсталды"))
    for path in admin_paths(site_in_tote):
        response = client.get(path)
        assert response.status_code == 200, path
        assert TAG in response.text, path
        left = foreign_words(response.text) - DJANGO_UNTRANSLATED_ALTS
        assert not left, f"{path} still shows {sorted(left)}"


def test_a_date_reads_as_xinjiang_kazakh_print_writes_it():
    with translation.override("kk-arab"):
        assert formats.date_format(date(2018, 3, 9)) == "2018-جىلى 9-ناۋرىز"
        assert formats.date_format(date(2018, 12, 1), "YEAR_MONTH_FORMAT") == "2018-جىلى جەلتوقسان"
        assert formats.number_format(12345.5, 1, force_grouping=True) == "12,345.5"
        for month in range(1, 13):
            assert not _CYRILLIC.search(formats.date_format(date(2018, month, 1), "F"))


def test_latin_and_cyrillic_names_are_isolated_in_a_right_to_left_page(client, site_in_tote):
    page = client.get(f"/kk-arab/cases/{site_in_tote.reference}/").text
    assert "<bdi>Adil Yergazy</bdi>" in page
    assert "<bdi>Әділ Ерғазы</bdi>" in page


def test_charts_are_mirrored_as_for_uyghur(client, site_in_tote):
    tote = client.get("/kk-arab/stats/").text
    uyghur = client.get("/ug/stats/").text
    assert 'direction="rtl"' in tote
    assert tote.count('direction="rtl"') == uyghur.count('direction="rtl"')
