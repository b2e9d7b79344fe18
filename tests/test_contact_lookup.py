"""Staff find a report by a submitter's whole phone number, email, handle or name, although the
database holds them encrypted: through keyed hashes, for any text a relative may have typed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import contacts, retention
from cases.models import Case, Report

from .conftest import log_in_to_admin
from .factories import make_case, make_report, staff_user

pytestmark = pytest.mark.django_db

contact_text = st.text(min_size=1, max_size=200).filter(lambda text: "\x00" not in text)


@given(
    name=contact_text,
    phone=st.from_regex(r"\+?[0-9]{1,3}[ (]?[0-9]{3}[) -]?[0-9 -]{4,12}", fullmatch=True),
)
@settings(max_examples=60)
def test_a_stored_contact_is_found_by_itself_and_never_by_its_hash_of_another_kind(name, phone):
    stored = contacts.hashes_of({"submitter_name": name, "submitter_phone": phone}).split()
    assert contacts.hashes_for_search(phone) & set(stored)
    if contacts.NORMALISERS["name"](name):
        assert contacts.hashes_for_search(name) & set(stored)
    assert name not in " ".join(stored) or (len(name) < 3 and name.isalnum())


@given(term=st.text(max_size=300))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_search_of_the_report_list_answers(term, staff_client):
    response = staff_client.get("/admin/cases/report/", {"q": term.replace("\x00", "")})
    assert response.status_code == 200


@pytest.fixture
def staff_client(client):
    return log_in_to_admin(client, staff_user("searching", "Moderator"))


def test_a_contact_blanked_by_retention_is_no_longer_found(staff_client):
    report = make_report(make_case(), submitter_phone="+7 701 555 0101")
    listing = staff_client.get("/admin/cases/report/", {"q": "+7 (701) 555-01-01"}).text
    assert f"/report/{report.pk}/change/" in listing
    report.submitter_phone = ""
    report.save(update_fields=["submitter_phone"])
    assert Report.objects.get().lookup_hashes == contacts.hashes_of(
        {"submitter_name": report.submitter_name}
    )
    listing = staff_client.get("/admin/cases/report/", {"q": "+77015550101"}).text
    assert f"/report/{report.pk}/change/" not in listing


def test_purged_contacts_leave_no_lookup_hash():
    case = make_case(status=Case.Status.HIDDEN, hidden_reason="family asked")
    report = make_report(case, state=Report.State.REVIEWED, submitter_email="a@example.org")
    assert report.lookup_hashes
    retention.purge(now=timezone.now() + timedelta(days=400))
    report.refresh_from_db()
    assert (report.submitter_email, report.submitter_name, report.lookup_hashes) == ("", "", "")
