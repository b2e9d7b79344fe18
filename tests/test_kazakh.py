"""Kazakh all the way down: Django's own messages and dates, not only ours.

Django's kk catalogs are half done and partly stale, and Django has no kk formats; our
supplementary catalog (supplements/locale/kk) and advocacy/formats/kk fill the gaps.
"""

# Kazakh is written in Cyrillic, whose letters look like Latin ones.

import functools
import html
from datetime import date, datetime
from pathlib import Path

import django
import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from .test_report_form import report_post

pytestmark = pytest.mark.django_db

DJANGO_DIR = Path(django.__file__).parent
SUPPLEMENTS = Path(settings.BASE_DIR) / "supplements" / "locale"
# Django's kk catalogs for what we install; sessions is complete, the rest are not.
CATALOGS = [
    DJANGO_DIR / "conf" / "locale",
    DJANGO_DIR / "contrib" / "admin" / "locale",
    DJANGO_DIR / "contrib" / "auth" / "locale",
    DJANGO_DIR / "contrib" / "contenttypes" / "locale",
    DJANGO_DIR / "contrib" / "sessions" / "locale",
]
# Right as they are in Kazakh too: punctuation, codes, placeholders.
SAME_IN_KAZAKH = {
    ":",
    ":?.!",
    ", ",
    "…",
    "IPv4",
    "IPv6",
    "URL",
    "%(class_name)s %(instance)s",
    "%(truncated_text)s…",
}


def kazakh_client():
    return Client(headers={"accept-language": "kk"})


def page_text(response):
    return html.unescape(response.content.decode())


def supplement_messages(domain):
    po = SUPPLEMENTS / "kk" / "LC_MESSAGES" / f"{domain}.po"
    return parse_po_ids(po.read_text(encoding="utf-8"))


def english_messages(domain):
    """Every message of Django's current catalogs: the English ones list them all."""
    found = set()
    for catalog_dir in CATALOGS:
        po = catalog_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            found |= parse_po_ids(po.read_text(encoding="utf-8"))
    return found


def parse_po_ids(text):
    """(context, msgid, plural msgid) of every entry of a .po file (a minimal reader)."""
    found = set()
    for block in text.split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                current = None
                break
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                if current:
                    fields[current] += _unquote(line)
                continue
            keyword, _sep, rest = line.partition(" ")
            current = keyword if keyword in {"msgctxt", "msgid", "msgid_plural"} else None
            if current:
                fields[current] = _unquote(rest)
        if fields.get("msgid"):
            found.add((fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural")))
    return found


def _unquote(quoted):
    return quoted.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


@functools.cache
def admin_javascript_catalog():
    """What the admin's JavaScriptCatalog view serves in kk."""
    return translation.trans_real.DjangoTranslation(
        "kk", domain="djangojs", localedirs=[DJANGO_DIR / "contrib" / "admin" / "locale"]
    )


def translated(domain, message):
    context, msgid, plural = message
    if domain == "djangojs":
        translation_ = admin_javascript_catalog()
        if plural:
            return translation_.ngettext(msgid, plural, 5)
        if context:
            return translation_.pgettext(context, msgid)
        return translation_.gettext(msgid)
    if plural and context:
        return npgettext(context, msgid, plural, 5)
    if plural:
        return ngettext(msgid, plural, 5)
    if context:
        return pgettext(context, msgid)
    return gettext(msgid)


# Dates and numbers --------------------------------------------------------------------------


def test_a_date_reads_as_kazakh_writes_it():
    with translation.override("kk"):
        assert formats.date_format(date(2018, 3, 9)) == "9 наурыз 2018"
        assert formats.date_format(date(2018, 12, 1)) == "1 желтоқсан 2018"
        assert formats.date_format(date(2018, 3, 9), "YEAR_MONTH_FORMAT") == "наурыз 2018"
        assert formats.date_format(date(2018, 3, 9), "MONTH_DAY_FORMAT") == "9 наурыз"
        assert formats.date_format(date(2018, 3, 9), "SHORT_DATE_FORMAT") == "09.03.2018"
        moment = datetime(2018, 3, 9, 14, 5)
        assert formats.date_format(moment, "DATETIME_FORMAT") == "9 наурыз 2018, 14:05"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "09.03.2018 14:05"
        assert formats.time_format(moment) == "14:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_a_standalone_month_name_stays_capitalised():
    """Menus (the report form's month choice) show the month on its own, as a name."""
    with translation.override("kk"):
        assert formats.date_format(date(2018, 3, 9), "F") == "Наурыз"


def test_every_month_inside_a_date_is_kazakh_and_lowercase():
    with translation.override("kk"):
        for month in range(1, 13):
            text = formats.date_format(date(2018, month, 9))
            name = text.split()[1]
            assert name.islower(), text
            assert all("а" <= ch <= "я" or ch in "әғқңөұүһі" for ch in name), text


def test_kazakh_numbers_use_a_comma_and_a_non_breaking_space():
    with translation.override("kk"):
        assert formats.number_format(12345.5, 1, force_grouping=True) == "12\xa0345,5"


def test_kazakh_date_input_accepts_the_dotted_form_and_what_a_date_picker_sends():
    field = forms.DateField()
    with translation.override("kk"):
        assert field.clean("09.03.2018") == date(2018, 3, 9)
        assert field.clean("2018-03-09") == date(2018, 3, 9)
        assert field.clean("09.03.18") == date(2018, 3, 9)
        moment = forms.DateTimeField().clean("09.03.2018 14:05")
        assert timezone.make_naive(moment) == datetime(2018, 3, 9, 14, 5)


# Django's messages in our pages --------------------------------------------------------------


def test_report_form_errors_from_django_arrive_in_kazakh():
    data = report_post(submitter_email="not-an-address")
    del data["consent"]  # required
    response = kazakh_client().post("/kk/report/", data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Дұрыс электрондық пошта мекенжайын енгізіңіз." in text
    assert "Бір жауапты таңдаңыз: жариялауға бола ма және қалай." in text  # ours, for consent
    assert "Enter a valid email address." not in text
    assert "This field is required." not in text


def test_admin_login_page_has_no_english_left():
    response = kazakh_client().get("/admin/login/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "kk"
    text = page_text(response)
    for english in ("Username", "Password", "Log in", "Skip to main content", "Toggle theme"):
        assert english not in text, english
    for kazakh in ("Қолданушы атауы", "Құпия сөз", "Кіру", "Негізгі мазмұнға өту"):
        assert kazakh in text, kazakh


def test_admin_login_error_is_kazakh():
    response = kazakh_client().post(
        "/admin/login/", {"username": "nobody", "password": "wrong-password-123"}
    )
    text = page_text(response)
    assert "Please enter the correct" not in text
    assert "Қызметкер тіркелгісі үшін дұрыс" in text


# The catalogs --------------------------------------------------------------------------------


def test_the_supplement_is_compiled_where_django_looks_for_it():
    assert SUPPLEMENTS in [Path(p) for p in settings.LOCALE_PATHS]
    assert Path(settings.LOCALE_PATHS[0]) == Path(settings.BASE_DIR) / "locale"
    for domain in ("django", "djangojs"):
        po = SUPPLEMENTS / "kk" / "LC_MESSAGES" / f"{domain}.po"
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run compilemessages (make messages)"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than {po}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_django_message_has_kazakh(domain):
    """Every message of Django's current catalogs (core, admin, auth, contenttypes, sessions)."""
    missing = []
    with translation.override("kk"):
        for message in sorted(english_messages(domain), key=str):
            if message[1] in SAME_IN_KAZAKH:
                continue
            result = translated(domain, message)
            if result in (message[1], message[2]):
                missing.append(message)
    assert missing == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_supplement_entry_takes_effect(domain):
    """Each entry translates what Django's kk catalogs lack (or corrects them), and is loaded."""
    supplement = supplement_messages(domain)
    assert len(supplement) > (300 if domain == "django" else 70)
    with translation.override("kk"):
        for message in supplement:
            if message[1] in SAME_IN_KAZAKH:
                continue
            assert translated(domain, message) not in (message[1], message[2]), message


@pytest.mark.parametrize(
    ("english", "kazakh"),
    [
        ("History", "Тарих"),
        ("Changed by", "Өзгерткен"),
        ("Revert", "Қалпына келтіру"),
        ("Change reason", "Өзгерту себебі"),
        ("Date/time", "Күні/уақыты"),
    ],
)
def test_simple_history_admin_pages_speak_kazakh(english, kazakh):
    with translation.override("kk"):
        assert gettext(english) == kazakh


def test_placeholders_survive_translation():
    with translation.override("kk"):
        assert (
            ngettext(
                "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                200,
            )
            % {"limit_value": 200, "show_value": 250}
            == "Бұл мәнде ең көбі 200 таңба болуы тиіс (қазір 250)."
        )
        assert (
            gettext("The {name} “{obj}” was changed successfully.").format(name="іс", obj="KZ-0001")
            == "іс «KZ-0001» сәтті өзгертілді."
        )
