"""A relative answers what the UN Working Group (WGEID) asks, on the report form: optional,
folded away, in their language; the answers prefill the case's record, encrypted; hostile input
is refused with a clear message and nothing stored."""

import re
from datetime import date
from unittest import mock

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, Report
from cases.wgeid_models import FamilyStep, WgeidAnswers, WgeidRecord

from .test_at_rest import raw_rows
from .test_report_form import URL, nothing_stored, report_post
from .test_report_form_steps import minimal_post

pytestmark = pytest.mark.django_db

ANSWERS = {
    "wgeid_id_card_number": "654321198501011234",
    "wgeid_passport_number": "E12345678",
    "wgeid_nationality": "China",
    "wgeid_occupation": "farmer",
    "wgeid_disappearance_kind": "arrested",
    "wgeid_year": "2018",
    "wgeid_month": "3",
    "wgeid_place": "Tekes",
    "wgeid_responsible": "police",
    "wgeid_responsible_name": "Tekes county police",
    "wgeid_responsible_basis": "A neighbour saw the police car.",
    "wgeid_family_steps": "We wrote to the county police in May 2018. No answer.",
    "wgeid_consent_submission": "yes",
    "wgeid_consent_named": "no",
}


def test_the_questions_are_folded_optional_and_after_the_details_in_every_language(client):
    for language, heading in [
        ("en", "5. For the United Nations (optional)"),
        ("ru", "5. Для ООН (необязательно)"),
        ("kk", "5. БҰҰ үшін (міндетті емес)"),
        ("kk-arab", 'id="step-un"'),
        ("ug", "5. ب د ت ئۈچۈن (ئىختىيارىي)"),
        ("zh-hans", "5. 提交联合国（选填）"),
    ]:
        page = client.get(f"/{language}/report/").text
        assert heading in page, language
        assert page.index('id="step-details"') < page.index('id="step-un"')
        assert re.search(r'<details class="[^"]*" id="step-un">', page)  # closed
        assert 'name="wgeid_consent_named"' in page


def test_a_relatives_answers_fill_the_cases_record_and_stay_encrypted(client):
    response = client.post(URL, report_post(**ANSWERS))
    assert response.status_code == 200 and "receipt-code" in response.text
    report = Report.objects.get()
    answers = WgeidAnswers.objects.get(report=report)
    assert answers.passport_number == "E12345678"
    record = WgeidRecord.objects.get(case=report.case)
    assert (record.id_card_number, record.occupation, record.responsible) == (
        "654321198501011234",
        "farmer",
        "police",
    )
    assert (record.disappearance_date, record.disappearance_date_precision) == (
        date(2018, 3, 1),
        "month",
    )
    assert (record.consent_submission, record.consent_named) == ("yes", "no")
    assert record.submitter_name == "Private Submitter Name"
    assert record.submitter_contact == "+7 700 000 0000"
    assert record.submitter_confidential
    step = FamilyStep.objects.get(case=report.case)
    assert (step.report, step.request) == (report, ANSWERS["wgeid_family_steps"])
    stored = raw_rows().decode()
    for value in ("654321198501011234", "E12345678", "Tekes county police", "wrote to"):
        assert value not in stored


def test_a_report_without_answers_stores_no_wgeid_rows(client):
    assert client.post(URL, report_post()).status_code == 200
    assert Report.objects.count() == 1
    assert not WgeidAnswers.objects.exists() and not WgeidRecord.objects.exists()


def test_a_report_with_every_answer_makes_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        assert client.post(URL, report_post(**ANSWERS)).status_code == 200
    assert WgeidRecord.objects.count() == 1


def test_the_year_alone_is_kept_at_the_precision_given(client):
    client.post(URL, minimal_post(wgeid_year="2019"))
    record = WgeidRecord.objects.get()
    assert (record.disappearance_date, record.disappearance_date_precision) == (
        date(2019, 1, 1),
        "year",
    )


@pytest.mark.parametrize(
    ("language", "fields", "message"),
    [
        ("en", {"wgeid_year": "2018", "wgeid_month": "2", "wgeid_day": "30"}, "no such day"),
        ("ru", {"wgeid_year": "2018", "wgeid_month": "2", "wgeid_day": "30"}, "нет такого дня"),
        (
            "en",
            {"wgeid_year": "", "wgeid_month": "5"},
            "Please give the year as well as the month.",
        ),
        ("en", {"wgeid_month": "", "wgeid_day": "5"}, "the month as well as the day"),
        ("zh-hans", {"wgeid_year": "1850"}, "1900"),
        ("en", {"wgeid_year": "20x8"}, "Enter a whole number."),
        ("ru", {"wgeid_day": "32", "wgeid_year": "2018", "wgeid_month": "1"}, "31"),
        ("ru", {"wgeid_passport_number": "E" * 65}, "не более 64"),
        ("kk", {"wgeid_occupation": "ferm\x07er"}, "сақтауға болмайтын таңбалар"),
        ("ug", {"wgeid_family_steps": "a\u202e\x1bb"}, "ساقلىغىلى بولمايدىغان"),
        ("en", {"wgeid_consent_named": "maybe"}, "Select a valid choice."),
    ],
)
def test_a_bad_answer_is_refused_in_the_relatives_language_and_nothing_is_stored(
    client, isolated_media, language, fields, message
):
    response = client.post(f"/{language}/report/", report_post(**ANSWERS | fields))
    assert response.status_code == 200
    assert message in response.text
    assert re.search(r'id="step-un" open', response.text)  # the error is never folded away
    assert nothing_stored(isolated_media) and not WgeidAnswers.objects.exists()


def test_a_date_in_the_future_is_refused(client, isolated_media):
    this_year = date.today().year
    with time_machine.travel(date(this_year, 6, 15), tick=False):
        response = client.post(URL, report_post(wgeid_year=str(this_year), wgeid_month="7"))
    assert "This date is in the future." in response.text
    assert nothing_stored(isolated_media)


TEXT_FIELDS = {
    "wgeid_id_card_number": 64,
    "wgeid_passport_number": 64,
    "wgeid_nationality": 200,
    "wgeid_occupation": 200,
    "wgeid_place": 300,
    "wgeid_responsible_name": 300,
    "wgeid_responsible_basis": 2000,
    "wgeid_family_steps": 5000,
}
hostile = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Co"]), max_size=20),
    st.text(st.sampled_from(["a", " ", "\x00", "\x1f", "\u202e", "\ufeff", "\n"]), max_size=20),
    st.integers(min_value=60, max_value=6000).map(lambda n: "я" * n),
)


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(sorted(TEXT_FIELDS)), value=hostile)
def test_any_text_is_stored_as_given_or_refused_whole(client, settings, field, value):
    settings.REPORT_RATE_LIMIT = {"limit": 10_000, "window": 3600}
    before = Report.objects.count(), Case.objects.count(), WgeidAnswers.objects.count()
    response = client.post(URL, report_post(**{field: value}))
    assert response.status_code == 200
    after = Report.objects.count(), Case.objects.count(), WgeidAnswers.objects.count()
    if "receipt-code" in response.text:
        stored = getattr(WgeidAnswers.objects.order_by("pk").last(), "report_id", None)
        assert after[:2] == (before[0] + 1, before[1] + 1)
        if value.strip():
            answers = WgeidAnswers.objects.get(report_id=stored)
            model_field = ANSWER_OF[field]
            assert getattr(answers, model_field) == value.strip()
    else:
        assert after == before
        assert 'id="form-errors"' in response.text


ANSWER_OF = {
    "wgeid_id_card_number": "id_card_number",
    "wgeid_passport_number": "passport_number",
    "wgeid_nationality": "nationality",
    "wgeid_occupation": "occupation",
    "wgeid_place": "disappearance_place",
    "wgeid_responsible_name": "responsible_name",
    "wgeid_responsible_basis": "responsible_basis",
    "wgeid_family_steps": "family_steps",
}


@pytest.mark.parametrize("debug", [False, True])
def test_the_answers_never_reach_an_error_page_or_log(client, settings, caplog, debug):
    """A crash while storing the answers: neither the error page nor the log shows them."""
    settings.DEBUG = debug
    client.raise_request_exception = False
    with mock.patch("cases.services.fill_from_report", side_effect=RuntimeError("boom")):
        response = client.post(URL, report_post(**ANSWERS))
    assert response.status_code == 500
    assert ("boom" in response.text) == debug
    for field in ("id_card_number", "passport_number", "responsible_name", "family_steps"):
        private = ANSWERS[f"wgeid_{field}"]
        assert private not in response.text
        assert private not in caplog.text
    assert not Report.objects.exists() and not WgeidAnswers.objects.exists()


def test_the_relative_becomes_the_submitter_only_if_they_agreed_to_the_submission(client):
    client.post(URL, report_post(**ANSWERS | {"wgeid_consent_submission": "unknown"}))
    record = WgeidRecord.objects.get()
    assert record.occupation == "farmer"
    assert (record.submitter_name, record.submitter_contact) == ("", "")
