"""Every admin page, in every language of the site, speaks only that language.

A string a catalog lacks falls back to English (the source), never to another language; the
index shows no English in the other languages; third-party apps' labels are translated too.
"""

import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.utils.translation import to_locale

from cases import services
from cases.models import Case

from .conftest import log_in_to_admin
from .factories import make_case, make_photo, make_report, make_source
from .test_workspace import reported_case, workspace_form

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = Path(django.__file__).resolve().parent.parent
CATALOG_DIRS = [
    ROOT / "locale",
    ROOT / "supplements" / "locale",
    *(PACKAGES / "django" / part / "locale" for part in ("conf", "contrib/admin", "contrib/auth")),
    PACKAGES / "axes" / "locale",
    PACKAGES / "simple_history" / "locale",
]
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
SCRIPTS = {
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "arabic": re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "han": re.compile("[\u3400-\u9fff\uf900-\ufaff]"),
    "kazakh": re.compile(f"[{KAZAKH_LETTERS}]"),
}
# The scripts a page in each language may not show (outside names and what staff typed).
FOREIGN_SCRIPTS = {
    "en": ["cyrillic", "arabic", "han"],
    "kk": ["arabic", "han"],
    "ru": ["kazakh", "arabic", "han"],
    "ug": ["cyrillic", "han"],
    "zh-hans": ["cyrillic", "arabic"],
    "kk-arab": ["cyrillic", "han"],
}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


class VisibleText(HTMLParser):
    """Text a person reads on the page: text, titles, labels and placeholders, but not names
    of people (<bdi>), what staff typed (form values) or parts marked in another language."""

    SKIPPED = {"script", "style", "bdi", "textarea", "code", "pre"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt")
    VOID = {"input", "img", "br", "hr", "meta", "link", "source", "col", "area", "wbr"}

    def __init__(self, language):
        super().__init__()
        self.language, self.stack, self.strings = language, [], []

    def skipping(self):
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skip = tag in self.SKIPPED or (lang is not None and lang.lower() != self.language)
        if not skip and not self.skipping():
            self.strings += [attrs[name] for name in self.SPOKEN if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.strings.append(attrs.get("value", ""))
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            self.strings.append(data.strip())


def visible_strings(html, language):
    parser = VisibleText(language)
    parser.feed(html)
    return [s for s in parser.strings if s]


def translations(language) -> set[str]:
    """Every translated string in our catalogs and Django's and axes's for `language`."""
    found = set()
    for directory in CATALOG_DIRS:
        for domain in ("django", "djangojs"):
            for folder in {to_locale(language), f"{language}_{language.upper()}"}:
                found |= catalog_translations(directory / folder / "LC_MESSAGES" / f"{domain}.mo")
    return found


def catalog_translations(mo: Path) -> set[str]:
    found = set()
    if mo.exists():
        with mo.open("rb") as file:
            catalog = gettext.GNUTranslations(file)
        for key, value in catalog._catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid and value and value != msgid.split("\x04")[-1]:
                found.add(value)
    return found


def foreign_strings(language) -> set[str]:
    """Translations into the other languages that are not also this language's words."""
    own = translations(language)
    others = set()
    for code, _name in settings.LANGUAGES:
        if code not in (language, "en"):
            others |= translations(code)
    return {text for text in others - own if len(text) >= 4}


def sample_records(superuser):
    """One row of every kind, so every change page has something to show."""
    case = reported_case(name="Example Person")  # names are data, in any script: see test_workspace
    make_photo(case, alt_text="Example photo")
    source = make_source(title="Example title", publisher="Example publisher")
    services.cite_office_testimony(
        case=case, recorded_on=source.created_at.date(), claim="x", by=None
    )
    case.citations.create(source=source, claim="Example claim")
    case.events.create(kind="detained", place="Example place")
    duplicate = make_case(display_name="Example duplicate")
    make_report(case=duplicate)
    services.merge_cases(kept=case, duplicate=make_case(display_name="Merged"), by=None)
    return case, duplicate


def admin_pages(case, duplicate):
    """Every page of every registered model, and our own admin pages."""
    pages = ["/admin/", "/admin/password_change/", "/admin/2fa/setup/"]
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        pages += [f"/admin/{opts.app_label}/", base, f"{base}?q=zz", f"{base}add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/"]
            pages.append(f"{base}{first.pk}/delete/")
    pages += [
        f"/admin/cases/case/{case.pk}/merge/{duplicate.pk}/",
        f"/admin/cases/case/{case.pk}/preview/",
        "/admin/cases/photo/check/",
    ]
    return list(dict.fromkeys(pages))


@pytest.fixture
def crawl(client):
    superuser = User.objects.create_superuser("boss", password="x" * 16)
    log_in_to_admin(client, superuser)
    case, duplicate = sample_records(superuser)
    return client, admin_pages(case, duplicate)


def page_problems(html, language, foreign):
    problems = []
    for text in visible_strings(html, language):
        for script in FOREIGN_SCRIPTS[language]:
            if SCRIPTS[script].search(text):
                problems.append(f"{script} script: {text!r}")
        if text in foreign:
            problems.append(f"another language's string: {text!r}")
    return problems


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_admin_page_speaks_only_its_language(crawl, language):
    client, pages = crawl
    foreign = foreign_strings(language)
    problems = {}
    for url in pages:
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code in (200, 403), f"{url}: {response.status_code}"
        if response.status_code == 200 and (
            found := page_problems(response.text, language, foreign)
        ):
            problems[url] = sorted(set(found))
    assert not problems, problems


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_the_index_shows_no_english_in_the_other_languages(crawl, language):
    client, _pages = crawl
    page = client.get("/admin/", headers={"accept-language": language}).text
    english = [
        text
        for text in visible_strings(page, language)
        if LATIN_WORD.search(text) and text not in ("boss",)  # the staff member's username
    ]
    assert not english, english


def test_a_string_missing_from_a_catalog_falls_back_to_english():
    assert settings.LANGUAGE_CODE == "en"
    page = Client().get("/admin/login/", headers={"accept-language": "ru"}).text
    assert "Бүгін" not in page and "Нұсқаны" not in page


def test_russian_sentences_around_our_model_names_stay_grammatical(crawl):
    client, _pages = crawl
    russian = {"accept-language": "ru"}
    case = Case.objects.order_by("pk").first()
    page = client.get(f"/admin/cases/case/{case.pk}/change/", headers=russian).text
    assert "Изменение: карточка" in page and "Изменить карточка" not in page
    add_another = json.dumps("Добавить ещё: ")[1:-1]  # the inline's button text is JSON
    assert add_another in page and json.dumps("Добавить еще один")[1:-1] not in page
    data = workspace_form(client, case, headers=russian) | {"_continue": "1"}
    saved = client.post(f"/admin/cases/case/{case.pk}/change/", data, headers=russian, follow=True)
    assert "Изменения сохранены: карточка" in saved.text and "был изменен" not in saved.text
