"""Staff translate a case's public summary; visitors read it in their language, marked as such."""

import pytest

from cases.models import Case

from .factories import make_published_case
from .test_moderation import change_form_data, editor_client  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def published_with_translation():
    case = make_published_case(public_summary="Taken to a camp in 2017.", summary_language="en")
    Case.objects.filter(pk=case.pk).update(
        summary_translations={"ru": "Отправлен в лагерь в 2017 году."}
    )
    case.refresh_from_db()
    return case


def test_a_visitor_reads_the_summary_in_their_language_marked_as_translated(client):
    case = published_with_translation()
    page = client.get(f"/ru/cases/{case.reference}/").text
    assert "Отправлен в лагерь в 2017 году." in page
    assert "Taken to a camp in 2017." not in page
    assert '<div class="mb-4 summary" lang="ru"' in page


def test_without_a_translation_the_summary_is_shown_as_written(client):
    case = published_with_translation()
    page = client.get(f"/kk/cases/{case.reference}/").text
    assert "Taken to a camp in 2017." in page
    assert '<div class="mb-4 summary" lang="en"' in page


def test_the_original_language_shows_the_original_without_a_note(client):
    case = published_with_translation()
    page = client.get(f"/en/cases/{case.reference}/").text
    assert "Taken to a camp in 2017." in page
    assert "Translated from" not in page


def test_staff_write_translations_in_the_case_form(editor_client):  # noqa: F811
    case = make_published_case(public_summary="Detained.", summary_language="en")
    data = change_form_data(editor_client, case, summary_zh_hans="被拘押。", summary_kk="")
    editor_client.post(f"/admin/cases/case/{case.pk}/change/", data)
    case.refresh_from_db()
    assert case.summary_translations == {"zh-hans": "被拘押。"}
