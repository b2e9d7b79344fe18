"""Staff moderate in admin: queues, review, photos, publishing, roles, merging, history."""

import pytest
from django.contrib.auth.models import User

from cases.models import Case, CaseMerge, Citation, Consent, Name, Photo, Report, Situation
from cases.services import publish_case

from .conftest import log_in_to_admin
from .factories import (
    make_case,
    make_photo,
    make_published_case,
    make_report,
    make_source,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client):
    return log_in_to_admin(client, staff_user("moderator", "Moderator"))


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, staff_user("editor", "Editor"))


def moderate(client, case, action, **extra):
    return client.post(
        f"/admin/cases/case/{case.pk}/moderate/", {"action": action, **extra}, follow=True
    )


def case_ready_to_publish(**fields):
    case = make_case(photo_consent=True, **fields)
    Citation.objects.create(case=case, source=make_source(), claim="Detained in 2018")
    return case


def test_the_admin_index_opens_on_the_queues(moderator_client):
    make_report(case=make_case(status=Case.Status.DRAFT))
    make_case(status=Case.Status.IN_REVIEW)
    page = moderator_client.get("/admin/").text
    assert "new reports" in page and "?state__exact=new" in page
    assert "draft cases" in page and "?status__exact=draft" in page
    assert "cases in review" in page and "?status__exact=in_review" in page


def test_a_case_changelist_of_ten_thousand_makes_a_constant_number_of_queries(
    moderator_client, django_assert_max_num_queries
):
    cases = Case.objects.bulk_create(Case(display_name=f"Person {i}") for i in range(10_000))
    Name.objects.bulk_create(Name(case=c, text=f"Name {c.pk}", key=f"name {c.pk}") for c in cases)
    with django_assert_max_num_queries(12):
        response = moderator_client.get("/admin/cases/case/")
    assert response.status_code == 200
    assert "10000 cases" in response.text


def test_the_case_page_shows_reports_read_only_with_private_fields_marked(moderator_client):
    case = make_case()
    make_report(case=case, submitter_phone="+7 700 123 4567", narrative="Taken at night")
    page = moderator_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert "Reports from relatives (private)" in page
    assert "+7 700 123 4567" in page and "Taken at night" in page
    assert 'name="reports-0-submitter_phone"' not in page  # shown, not editable here


def test_private_photos_are_served_only_to_staff(client, moderator_client):
    photo = make_photo(make_case(), approved=False)
    url = f"/admin/cases/photo/{photo.pk}/file/thumbnail/"
    response = moderator_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo.thumbnail.read()
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_staff_member_without_photo_rights_cannot_see_private_photos(client):
    photo = make_photo(make_case())
    log_in_to_admin(client, User.objects.create_user("intern", password="x" * 16, is_staff=True))
    assert client.get(f"/admin/cases/photo/{photo.pk}/file/image/").status_code == 404


def test_the_case_page_shows_photo_thumbnails_through_the_staff_view(moderator_client):
    photo = make_photo(make_case())
    page = moderator_client.get(f"/admin/cases/case/{photo.case_id}/change/").text
    assert f"/admin/cases/photo/{photo.pk}/file/thumbnail/" in page
    assert photo.thumbnail.name not in page


def test_a_moderator_sends_a_draft_for_review_but_cannot_publish(moderator_client):
    case = case_ready_to_publish()
    assert "sent for review" in moderate(moderator_client, case, "review").text
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    step = case.history.first()
    assert (step.status, step.history_user.username) == (Case.Status.IN_REVIEW, "moderator")
    response = moderate(moderator_client, case, "publish")
    assert "Your role does not allow this." in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW and case.reference is None


def test_an_editor_publishes_and_approved_photos_go_public(editor_client, isolated_media):
    case = case_ready_to_publish()
    approved = make_photo(case, approved=True)
    make_photo(case, approved=False)
    assert "The case is published." in moderate(editor_client, case, "publish").text
    approved.refresh_from_db()
    public_root, _ = isolated_media
    assert [p.name for p in public_root.rglob("*.jpg")] == [approved.public_name.split("/")[-1]]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent": Consent.PARTNERS}, "not consented to publication"),
        ({"situation": Situation.DECEASED, "with_citation": False}, "only be published with"),
        ({"with_citation": False}, "needs a citation or a reason"),
    ],
)
def test_publishing_refusals_are_clear_messages(editor_client, fields, message):
    with_citation = fields.pop("with_citation", True)
    case = case_ready_to_publish(**fields) if with_citation else make_case(**fields)
    response = moderate(editor_client, case, "publish")
    assert message in response.text.replace("&#x27;", "'")
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


def test_hiding_needs_a_reason_and_takes_the_case_off_the_site(editor_client, client):
    case = make_published_case()
    assert "Say why the case is hidden." in moderate(editor_client, case, "hide").text
    moderate(editor_client, case, "hide", reason="Family asked")
    case.refresh_from_db()
    assert (case.status, case.hidden_reason) == (Case.Status.HIDDEN, "Family asked")


def change_form_data(client, case, **changes):
    """The case change form as the browser would post it, with some fields changed."""
    response = client.get(f"/admin/cases/case/{case.pk}/change/")
    form = response.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    for formset in response.context["inline_admin_formsets"]:
        existing = formset.formset.initial_forms
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(existing)
        for inline_form in existing:
            data[inline_form.add_prefix("id")] = inline_form.instance.pk
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if value is not None and name != "id":
                    data[inline_form.add_prefix(name)] = value
    data |= changes
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_lowering_consent_in_admin_unpublishes_at_once(editor_client, isolated_media):
    case = case_ready_to_publish()
    make_photo(case, approved=True)
    publish_case(case=case, by=None)
    data = change_form_data(editor_client, case, consent=Consent.INTERNAL)
    response = editor_client.post(f"/admin/cases/case/{case.pk}/change/", data, follow=True)
    assert "Consent no longer allows publication" in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert not Case.objects.published().exists()


def test_merging_moves_everything_and_records_who_merged(moderator_client):
    kept = make_case(display_name="Kept", consent=Consent.PUBLIC_NAMED)
    duplicate = make_case(display_name="Duplicate", consent=Consent.PUBLIC_ANONYMOUS)
    Name.objects.create(case=duplicate, text="Adilgazy Yergazy")
    report = make_report(case=duplicate)
    photo = make_photo(duplicate)
    Citation.objects.create(case=duplicate, source=make_source(), claim="x")
    assert (
        "Merge" in moderator_client.get(f"/admin/cases/case/{kept.pk}/merge/{duplicate.pk}/").text
    )
    moderator_client.post(f"/admin/cases/case/{kept.pk}/merge/{duplicate.pk}/")
    assert not Case.objects.filter(pk=duplicate.pk).exists()
    kept.refresh_from_db()
    report.refresh_from_db()
    photo.refresh_from_db()
    assert (report.case, photo.case) == (kept, kept)
    assert kept.names.get().text == "Adilgazy Yergazy"
    assert kept.citations.count() == 1
    assert kept.consent == Consent.PUBLIC_ANONYMOUS  # the more restrictive family's word
    merge = CaseMerge.objects.get()
    assert (merge.kept, merge.merged_by.username, merge.moved["photos"]) == (kept, "moderator", 1)


def test_a_second_report_in_another_script_is_suggested_as_a_duplicate(moderator_client):
    first = make_case(display_name="First report", birth_date=None)
    Name.objects.create(case=first, text="Әділғазы Ерғазы")
    second = make_case(display_name="Second report")
    Name.objects.create(case=second, text="Adilgazy Yergazy")
    page = moderator_client.get(f"/admin/cases/case/{second.pk}/change/").text
    assert f"/admin/cases/case/{second.pk}/merge/{first.pk}/" in page


def test_marking_reports_as_spam_from_the_queue(moderator_client):
    reports = [make_report(case=make_case()) for _ in range(2)]
    moderator_client.post(
        "/admin/cases/report/",
        {"action": "mark_spam", "_selected_action": [r.pk for r in reports]},
    )
    assert set(Report.objects.values_list("state", flat=True)) == {Report.State.SPAM}


def test_attaching_a_report_to_an_existing_case_moves_its_photos(moderator_client):
    report = make_report(case=make_case())
    photo = make_photo(report.case, report=report)
    target = make_case(display_name="Existing case")
    response = moderator_client.get(f"/admin/cases/report/{report.pk}/change/")
    form = response.context["adminform"].form
    data = {n: v for n, v in form.initial.items() if n in form.fields and v is not None}
    moderator_client.post(f"/admin/cases/report/{report.pk}/change/", data | {"case": target.pk})
    photo.refresh_from_db()
    report.refresh_from_db()
    assert (report.case, photo.case) == (target, target)


def test_the_source_page_lists_the_cases_that_cite_it(moderator_client):
    source = make_source(title="Camp testimony")
    case = make_case(display_name="Cited person")
    Citation.objects.create(case=case, source=source, claim="Was detained")
    page = moderator_client.get(f"/admin/cases/source/{source.pk}/change/").text
    assert "Cited person" in page and "Was detained" in page


def test_changes_are_recorded_with_who_made_them_but_never_contact_details(moderator_client):
    case = make_case()
    report = make_report(case=case, submitter_phone="+7 700 999 8877")
    data = change_form_data(moderator_client, case, display_name="Renamed by staff")
    moderator_client.post(f"/admin/cases/case/{case.pk}/change/", data)
    latest = case.history.first()
    assert (latest.display_name, latest.history_user.username) == ("Renamed by staff", "moderator")
    history_fields = {f.name for f in report.history.model._meta.fields}
    assert not history_fields & {"submitter_name", "submitter_phone", "narrative", "receipt_hash"}
    page = moderator_client.get(f"/admin/cases/case/{case.pk}/history/").text
    assert "moderator" in page


def test_staff_take_a_report_at_the_office_through_the_same_form(moderator_client, settings):
    from .test_report_form import report_post

    settings.REPORT_RATE_LIMIT = {"limit": 1, "window": 3600}
    for _ in range(3):  # one office address, many families: staff are not rate limited
        assert moderator_client.post("/en/report/", report_post()).status_code == 200
    assert {r.taken_by.username for r in Report.objects.all()} == {"moderator"}


def test_the_partner_export_leaves_out_internal_cases_and_everything_about_submitters(
    editor_client,
):
    shared = make_case(display_name="Shared", consent=Consent.PARTNERS)
    make_report(case=shared, submitter_name="Private Submitter")
    internal = make_case(display_name="Internal only", consent=Consent.INTERNAL)
    response = editor_client.post(
        "/admin/cases/case/",
        {"action": "export_for_partners", "_selected_action": [shared.pk, internal.pk]},
    )
    text = response.content.decode()
    assert "Shared" in text
    assert "Internal only" not in text and "Private Submitter" not in text


def test_a_moderator_cannot_publish_even_by_calling_the_service():
    moderator = staff_user("m2", "Moderator")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        publish_case(case=case_ready_to_publish(), by=moderator)
    assert Photo.objects.count() == 0


def test_script_sent_by_a_relative_is_escaped_in_admin(moderator_client):
    script = "<script>alert('x')</script>"
    case = make_case(display_name="")
    Name.objects.create(case=case, text=script)
    report = make_report(case=case, narrative=script, submitter_name=script)
    for url in (
        f"/admin/cases/case/{case.pk}/change/",
        f"/admin/cases/report/{report.pk}/change/",
        "/admin/cases/case/",
        "/admin/cases/report/",
    ):
        page = moderator_client.get(url).text
        assert script not in page, url


def test_the_source_autocomplete_of_a_citation_finds_sources_in_a_stable_order(editor_client):
    for number in range(3):
        make_source(title=f"Coverage {number}", publisher="Same Publisher")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "cases", "model_name": "citation", "field_name": "source", "term": "Same"},
    )
    assert response.status_code == 200
    titles = [result["text"] for result in response.json()["results"]]
    assert titles == [f"Same Publisher: Coverage {number}" for number in range(3)]


def test_admin_search_lists_the_best_match_first_unless_staff_sort(moderator_client):
    exact = make_case(display_name="Exact match")
    Name.objects.create(case=exact, text="Gulnar Tursun")
    newer = make_case(display_name="Longer name")  # created last: first in date order
    Name.objects.create(case=newer, text="Gulnara Tursunbekova Amanovna")

    def listed(query):
        page = moderator_client.get(f"/admin/cases/case/?{query}").text
        return sorted(("Exact match", "Longer name"), key=page.index)

    assert listed("q=Gulnar+Tursun") == ["Exact match", "Longer name"]
    assert listed("q=Gulnar+Tursun&o=1") != listed("q=Gulnar+Tursun&o=-1")
