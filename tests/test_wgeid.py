"""The WGEID elements: what staff keep for the UN Working Group, how a dossier and a CSV read
them, when a case is urgent, and how reports fill them without overwriting staff."""

import csv
import io
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases import services
from cases.csv_cells import csv_cell
from cases.dates import Precision
from cases.models import Case, Name, Report
from cases.wgeid import WGEID_CSV_COLUMNS, fill_from_report, wgeid_csv_row, wgeid_elements
from cases.wgeid_models import Answer, FamilyStep, WgeidAnswers, WgeidRecord

from .conftest import log_in_to_admin
from .factories import make_case, make_report, staff_user
from .test_at_rest import raw_rows
from .test_workspace import save

pytestmark = pytest.mark.django_db


def full_record(case, **fields):
    values = {
        "full_name": "Ерғазы Әділғазы",
        "id_card_number": "654321198501011234",
        "passport_number": "E12345678",
        "nationality": "China (PRC)",
        "occupation": "farmer",
        "disappearance_kind": "arrested",
        "disappearance_date": date(2018, 3, 1),
        "disappearance_date_precision": Precision.MONTH,
        "disappearance_place": "Tekes county police station",
        "responsible": "police",
        "responsible_name": "Tekes county public security bureau",
        "responsible_basis": "Neighbours saw the police car.",
        "consent_submission": Answer.YES,
        "consent_named": Answer.NO,
        "submitter_name": "Example Relative",
        "submitter_relationship": Report.Relationship.SIBLING,
        "submitter_contact": "+7 700 000 0000",
    }
    return WgeidRecord.objects.create(case=case, **(values | fields))


def step(case, **fields):
    values = {
        "kind": FamilyStep.Kind.LETTER,
        "date": date(2018, 5, 2),
        "date_precision": Precision.DAY,
        "addressed_to": "Ili prefecture procuratorate",
        "request": "Where is he held?",
        "answer": "No answer",
    }
    return FamilyStep.objects.create(case=case, **(values | fields))


def test_every_element_is_listed_in_order_with_its_value():
    case = make_case(sex="male", birth_date=date(1985, 1, 1), birth_date_precision="year")
    full_record(case)
    step(case)
    elements = dict(wgeid_elements(case))
    assert list(elements)[:3] == ["Full name, as in documents", "Sex", "Date of birth"]
    assert elements["ID card number"] == "654321198501011234"
    assert elements["Passport number"] == "E12345678"
    assert elements["Date of the arrest or last sighting"] == "March 2018"
    assert elements["Believed responsible"] == "police: Tekes county public security bureau"
    assert elements["Steps taken by the family"] == (
        "May 2, 2018 · letter · to Ili prefecture procuratorate · Where is he held? · "
        "answer: No answer"
    )
    assert elements["The family consents to the submission to the WGEID"] == "yes"
    assert elements["The family consents to being named to the government"] == "no"
    assert elements["Submitter for the WGEID"] == "Example Relative (brother or sister)"
    assert elements["Submitter's identity kept confidential"] == "yes"
    assert elements["Urgent action"] == "no"


def test_a_case_without_a_record_lists_every_element_and_stores_nothing():
    case = make_case()
    Name.objects.create(case=case, text="Adil Ergazy")
    elements = wgeid_elements(case)
    assert len(elements) == len(wgeid_elements(make_case())) == 22
    assert dict(elements)["Full name, as in documents"] == "Adil Ergazy"
    assert dict(elements)["ID card number"] == "—"
    assert not WgeidRecord.objects.exists()


def test_labels_and_values_follow_the_active_language():
    case = make_case()
    full_record(case)
    with translation.override("ru"):
        elements = dict(wgeid_elements(case))
    assert elements["Номер удостоверения личности"] == "654321198501011234"
    assert elements["Семья согласна на передачу дела в WGEID"] == "да"


def test_the_csv_row_holds_codes_and_dates_cut_to_their_precision():
    case = make_case(reference="ABCDEFGH")
    full_record(case, occupation="=HYPERLINK(1)")
    step(case)
    row = dict(zip(WGEID_CSV_COLUMNS, wgeid_csv_row(case), strict=True))
    assert row["reference"] == "ABCDEFGH"
    assert row["disappearance_date"] == "2018-03"
    assert row["disappearance_date_precision"] == "month"
    assert row["responsible"] == "police"
    assert row["consent_named"] == "no"
    assert row["family_steps"] == (
        "2018-05-02 · letter · Ili prefecture procuratorate · Where is he held? ·  · No answer"
    )
    assert row["occupation"] == "=HYPERLINK(1)"  # raw: the caller's writer escapes it
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(cell) for cell in wgeid_csv_row(case)])
    assert "'=HYPERLINK(1)" in buffer.getvalue()


@pytest.mark.parametrize(
    ("when", "precision", "urgent"),
    [
        (date(2026, 9, 4), Precision.DAY, True),
        (date(2026, 9, 2), Precision.DAY, False),
        (date(2026, 9, 1), Precision.MONTH, True),  # any day of September may be meant
        (date(2026, 8, 1), Precision.MONTH, False),
        (date(2026, 1, 1), Precision.YEAR, True),
        (date(2025, 1, 1), Precision.ABOUT_YEAR, False),
    ],
)
def test_a_case_is_urgent_under_three_months_from_the_latest_day_its_date_may_mean(
    when, precision, urgent
):
    record = WgeidRecord(disappearance_date=when, disappearance_date_precision=precision)
    assert record.is_urgent(today=date(2026, 12, 3)) is urgent


def test_staff_override_the_urgency_either_way():
    old = WgeidRecord(disappearance_date=date(2018, 1, 1), urgency=WgeidRecord.Urgency.URGENT)
    recent = WgeidRecord(disappearance_date=date.today(), urgency=WgeidRecord.Urgency.NOT_URGENT)
    assert old.is_urgent() and not recent.is_urgent()
    assert WgeidRecord(disappearance_date=date.today()).is_urgent()
    assert not WgeidRecord().is_urgent()


@pytest.fixture
def moderator_client(client):
    return log_in_to_admin(client, staff_user("moderator", "Moderator"))


def test_a_moderator_completes_the_record_on_the_workspace(moderator_client):
    case = make_case()
    page = moderator_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert "For the UN Working Group (WGEID), private" in page
    response = save(
        moderator_client,
        case,
        button="_continue",
        **{
            "wgeid-0-id_card_number": "654321198501011234",
            "wgeid-0-disappearance_date": "2018-03-09",
            "wgeid-0-responsible": "facility",
            "wgeid-0-responsible_name": "Tekes re-education centre",
            "family_steps-TOTAL_FORMS": "1",
            "family_steps-0-kind": "petition",
            "family_steps-0-date_precision": "month",
            "family_steps-0-date": "2018-06-01",
            "family_steps-0-addressed_to": "county government",
            "family_steps-0-answer_date_precision": "day",
        },
    )
    assert response.status_code == 200
    record = WgeidRecord.objects.get(case=case)
    assert record.id_card_number == "654321198501011234"
    assert record.responsible == "facility"
    assert case.family_steps.get().addressed_to == "county government"
    assert "654321198501011234" not in raw_rows().decode()
    assert "Tekes re-education centre" not in raw_rows().decode()
    history = record.history.get()
    assert history.history_user.username == "moderator"
    assert not hasattr(history, "id_card_number")  # a removed number is really removed


def test_the_workspace_makes_no_query_per_family_step(moderator_client):
    case = make_case()
    full_record(case)
    step(case)

    def queries_to_open():
        with CaptureQueriesContext(connection) as queries:
            assert moderator_client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
        return len(queries)

    one_step = queries_to_open()
    for _ in range(9):
        step(case)
    assert queries_to_open() == one_step


def test_a_relatives_answers_fill_only_what_staff_left_blank():
    case = make_case()
    full_record(case, occupation="", passport_number="", consent_submission=Answer.UNKNOWN)
    report = make_report(case)
    WgeidAnswers.objects.create(
        report=report,
        id_card_number="000000000000000000",
        passport_number="E7654321",
        occupation="teacher",
        consent_submission=Answer.YES,
        family_steps="We wrote to the police in 2019.",
    )
    fill_from_report(case=case, report=report)
    fill_from_report(case=case, report=report)  # twice: no second step
    record = WgeidRecord.objects.get(case=case)
    assert record.id_card_number == "654321198501011234"  # staff's stays
    assert (record.passport_number, record.occupation) == ("E7654321", "teacher")
    assert record.consent_submission == Answer.YES
    assert case.family_steps.get().request == "We wrote to the police in 2019."


def test_a_familys_no_lowers_a_yes_and_never_the_other_way():
    case = make_case()
    full_record(case, consent_submission=Answer.YES, consent_named=Answer.NO)
    report = make_report(case)
    WgeidAnswers.objects.create(
        report=report, consent_submission=Answer.NO, consent_named=Answer.YES
    )
    fill_from_report(case=case, report=report)
    record = WgeidRecord.objects.get(case=case)
    assert (record.consent_submission, record.consent_named) == (Answer.NO, Answer.NO)


def test_attaching_a_report_brings_its_answers_and_steps_to_the_case():
    moderator = staff_user("attaching", "Moderator")
    old, target = make_case(), make_case()
    full_record(target, occupation="")
    report = make_report(old)
    WgeidAnswers.objects.create(report=report, occupation="driver", family_steps="A petition.")
    fill_from_report(case=old, report=report)
    services.attach_report(report=report, case=target, by=moderator)
    assert WgeidRecord.objects.get(case=target).occupation == "driver"
    assert target.family_steps.get().request == "A petition."
    assert not old.family_steps.exists()


def test_merging_folds_the_duplicates_record_and_steps_into_the_kept_case():
    moderator = staff_user("merging", "Moderator")
    kept, duplicate = make_case(), make_case()
    full_record(kept, passport_number="", consent_named=Answer.YES, submitter_confidential=False)
    full_record(duplicate, passport_number="E999", consent_named=Answer.NO)
    step(duplicate)
    services.merge_cases(kept=kept, duplicate=duplicate, by=moderator)
    record = WgeidRecord.objects.get(case=kept)
    assert record.passport_number == "E999"
    assert record.id_card_number == "654321198501011234"
    assert record.consent_named == Answer.NO
    assert record.submitter_confidential  # the duplicate's submitter asked for it
    assert kept.family_steps.count() == 1
    assert WgeidRecord.objects.count() == 1 and not Case.objects.filter(pk=duplicate.pk).exists()


def test_a_merge_moves_the_duplicates_record_when_the_kept_case_has_none():
    kept, duplicate = make_case(), make_case()
    full_record(duplicate)
    services.merge_cases(kept=kept, duplicate=duplicate, by=None)
    assert WgeidRecord.objects.get().case == kept


def test_the_report_page_shows_the_relatives_answers_read_only(moderator_client):
    report = make_report(make_case())
    WgeidAnswers.objects.create(
        report=report, passport_number="E7654321", responsible="state_security"
    )
    page = moderator_client.get(f"/admin/cases/report/{report.pk}/change/").text
    assert "Answers for the WGEID (private)" in page
    assert "<dd>E7654321</dd>" in page and "<dd>state security</dd>" in page
    assert 'name="passport_number"' not in page


def test_elements_and_rows_of_many_cases_take_three_queries(django_assert_num_queries):
    for number in range(5):
        case = make_case()
        Name.objects.create(case=case, text=f"Person {number}")
        if number % 2:
            full_record(case)
            step(case)
    cases = Case.objects.select_related("wgeid").prefetch_related("names", "family_steps")
    with django_assert_num_queries(3):
        rows = [(wgeid_elements(case), wgeid_csv_row(case)) for case in cases]
    assert len(rows) == 5


def test_a_key_rotation_re_encrypts_the_wgeid_texts_too(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    case = make_case()
    full_record(case)
    step(case)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert WgeidRecord.objects.get().passport_number == "E12345678"
    assert FamilyStep.objects.get().addressed_to == "Ili prefecture procuratorate"
    assert FamilyStep.history.get().addressed_to == "Ili prefecture procuratorate"


def test_staff_attach_a_report_in_the_admin_and_its_answers_fill_the_case(moderator_client):
    old, target = make_case(), make_case(display_name="Existing case")
    full_record(target, nationality="")
    report = make_report(old)
    WgeidAnswers.objects.create(report=report, nationality="Kazakhstan", family_steps="A letter.")
    fill_from_report(case=old, report=report)
    page = moderator_client.get(f"/admin/cases/report/{report.pk}/change/")
    form = page.context["adminform"].form
    data = {n: v for n, v in form.initial.items() if n in form.fields and v is not None}
    moderator_client.post(f"/admin/cases/report/{report.pk}/change/", data | {"case": target.pk})
    assert Report.objects.get(pk=report.pk).case == target
    assert WgeidRecord.objects.get(case=target).nationality == "Kazakhstan"
    assert WgeidRecord.objects.get(case=target).passport_number == "E12345678"  # staff's stays
    assert target.family_steps.get().request == "A letter."


def test_staff_merge_duplicates_in_the_admin_and_the_records_fold_together(moderator_client):
    kept, duplicate = make_case(), make_case()
    full_record(kept, occupation="")
    full_record(duplicate, occupation="teacher", consent_submission=Answer.NO)
    step(duplicate)
    response = moderator_client.post(
        f"/admin/cases/case/{kept.pk}/merge/{duplicate.pk}/", follow=True
    )
    assert "The duplicate was merged into this case." in response.text
    record = WgeidRecord.objects.get()
    assert (record.case, record.occupation, record.consent_submission) == (kept, "teacher", "no")
    assert kept.family_steps.count() == 1
