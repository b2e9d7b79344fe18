"""The review workspace: the change form with the report beside it, a preview, Save and publish."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, Citation, Consent, Name, Photo, Report, Source, Verification

from .conftest import log_in_to_admin
from .factories import make_case, make_photo, make_report, make_source, staff_user

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The fields one form would send, as a browser sends them when nothing is touched."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs.get("value", "on")
            else:
                self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data.removeprefix("\n")


def workspace_form(client, case, headers=None):
    page = client.get(f"/admin/cases/case/{case.pk}/change/", headers=headers)
    assert page.status_code == 200
    parser = FormFields("case_form")
    parser.feed(page.text)
    return parser.data


def save(client, case, button="_publish", **typed):
    data = workspace_form(client, case) | {button: "1"} | typed
    return client.post(f"/admin/cases/case/{case.pk}/change/", data, follow=True)


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, staff_user("editor", "Editor"))


def reported_case(
    consent=Consent.PUBLIC_ANONYMOUS, hometown_detail="", name="Әділғазы Ерғазы", **report_fields
):
    case = make_case(
        display_name="",
        consent=consent,
        photo_consent=True,
        situation="detained_camp",
        hometown_detail=hometown_detail,
    )
    Name.objects.create(case=case, text=name)
    make_report(case=case, consent=consent, relationship="sibling", **report_fields)
    return case


def test_a_display_name_typed_then_save_and_publish_publishes_with_that_name(editor_client):
    case = reported_case()
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    page = save(editor_client, case, display_name="A. Y.").text
    case.refresh_from_db()
    assert case.is_published and case.display_name == "A. Y."
    assert "The case is published." in page
    public = editor_client.get(case.get_absolute_url(), headers={"accept-language": "en"})
    assert "A. Y." in public.text


def test_the_workspace_prefills_initials_for_an_anonymous_report_and_staff_only_confirm(
    editor_client,
):
    case = reported_case()
    data = workspace_form(editor_client, case)
    assert data["display_name"] == "Ә. Е."
    assert data["verification"] == Verification.TESTIMONY
    assert "brother or sister" in data["verification_reason"]
    assert "report form" in data["verification_reason"]
    save(editor_client, case)  # confirmed as shown: the reason stands in for a citation
    case.refresh_from_db()
    assert case.is_published and case.display_name == "Ә. Е."
    assert case.verification == Verification.TESTIMONY


def test_a_named_report_prefills_the_name_as_written_and_an_office_report_says_so(editor_client):
    case = reported_case(consent=Consent.PUBLIC_NAMED)
    Report.objects.update(taken_by=User.objects.get(username="editor"))
    data = workspace_form(editor_client, case)
    assert data["display_name"] == "Әділғазы Ерғазы"
    assert "at the office" in data["verification_reason"]


def test_a_refused_publication_keeps_what_was_typed_and_says_where_to_fix_it(editor_client):
    case = reported_case(consent=Consent.INTERNAL)
    response = save(editor_client, case, display_name="Typed Name", public_summary="Typed text")
    case.refresh_from_db()
    assert not case.is_published
    assert (case.display_name, case.public_summary) == ("Typed Name", "Typed text")
    page = response.text
    assert "Your changes are saved, but the case is not published yet" in page
    assert 'href="#id_consent"' in page  # the checklist jumps to the field
    assert 'class="publication-problem"' in page  # and the problem stands beside it


def test_an_invalid_form_publishes_nothing_and_shows_what_was_typed(editor_client):
    case = reported_case()
    response = save(editor_client, case, display_name="Kept", birth_date="not a date")
    case.refresh_from_db()
    assert not case.is_published and case.display_name == ""
    assert 'value="Kept"' in response.text and "errornote" in response.text


def test_a_new_source_described_in_the_citation_row_is_created_and_cited(editor_client):
    case = reported_case()
    response = save(
        editor_client,
        case,
        **{
            "citations-0-new_source_title": "Families of the missing speak",
            "citations-0-new_source_publisher": "Example Radio",
            "citations-0-new_source_date": "2019-01-20",
            "citations-0-new_source_url": "https://example.org/story",
        },
    )
    assert response.status_code == 200
    source = Source.objects.get(publisher="Example Radio")
    assert source.url == "https://example.org/story" and str(source.published_date) == "2019-01-20"
    citation = Citation.objects.get(case=case)
    assert citation.source == source and citation.claim == "Detained in a camp since March 2018"
    case.refresh_from_db()
    assert case.is_published


def test_a_citation_row_needs_a_source_or_a_new_ones_title(editor_client):
    case = reported_case()
    page = save(editor_client, case, **{"citations-0-claim": "Something else"}).text
    assert "Choose a source above, or give the new one" in page
    assert not Citation.objects.exists() and not Case.objects.get(pk=case.pk).is_published


def test_an_existing_source_is_cited_by_choosing_it(editor_client):
    case, source = reported_case(), make_source()
    save(editor_client, case, **{"citations-0-source": str(source.pk)})
    assert Citation.objects.get(case=case).source == source


def test_the_office_testimony_is_cited_in_one_click_and_its_source_reused(editor_client):
    first, second = reported_case(), reported_case()
    save(editor_client, first, cite_office_testimony="on")
    save(editor_client, second, cite_office_testimony="on")
    source = Source.objects.get()
    assert source.kind == Source.Kind.TESTIMONY
    assert source.title.startswith("Testimony recorded at the office on")
    assert Citation.objects.filter(source=source).count() == 2


def test_publishing_marks_reports_reviewed_and_says_which_photos_stay_off(editor_client):
    case = reported_case()
    make_photo(case, approved=False, alt_text="Kept private")
    page = save(editor_client, case).text
    assert "“Kept private” stays off the public page: not approved by a moderator." in page
    assert set(Report.objects.values_list("state", flat=True)) == {Report.State.REVIEWED}


def test_the_message_after_publishing_links_the_public_page_and_the_next_in_queue(editor_client):
    waiting = reported_case()
    case = reported_case()
    page = save(editor_client, case).text
    case.refresh_from_db()
    assert f'href="{case.get_absolute_url()}"' in page
    assert f'href="/admin/cases/case/{waiting.pk}/change/"' in page  # next in queue


def test_a_moderator_saves_and_sends_for_review(client):
    moderator = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    case = reported_case()
    page = save(moderator, case, display_name="A. Y.").text
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW and case.display_name == "A. Y."
    assert "Save and publish" not in page


def test_text_the_relative_wrote_is_marked_until_staff_change_it(editor_client):
    case = reported_case(hometown_detail="Village 5, our street")
    make_photo(case, alt_text="My brother at home")
    page = editor_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert page.count('class="from-relative"') == 2  # hometown and the photo's description
    save(editor_client, case, button="_continue", hometown_detail="Tacheng")
    page = editor_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert page.count('class="from-relative"') == 1


def test_the_preview_renders_the_public_template_for_staff_only_never_cached(client, editor_client):
    case = reported_case()
    case.display_name = "Preview Person"
    case.save()
    photo = make_photo(case, approved=True, alt_text="Approved portrait")
    response = editor_client.get(f"/admin/cases/case/{case.pk}/preview/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    page = response.text
    assert "Preview Person" in page and f"/admin/cases/photo/{photo.pk}/file/image/" in page
    assert "Example Relative" not in page  # the submitter never appears
    anonymous = client.__class__().get(f"/admin/cases/case/{case.pk}/preview/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_the_preview_follows_the_form_as_typed_without_saving(editor_client):
    case = reported_case(consent=Consent.INTERNAL)
    data = workspace_form(editor_client, case) | {
        "display_name": "Typed, not saved",
        "citations-0-new_source_title": "A new story",
        "citations-0-new_source_publisher": "Example Paper",
    }
    answer = editor_client.post(f"/admin/cases/case/{case.pk}/preview/", data).json()
    assert "Typed, not saved" in answer["page"] and "A new story" in answer["page"]
    assert "#id_consent" in answer["checklist"] and "#id_display_name" not in answer["checklist"]
    case.refresh_from_db()
    assert case.display_name == "" and not Source.objects.exists()


@settings(max_examples=25, suppress_health_check=list(HealthCheck))
@given(
    field=st.sampled_from(
        [
            "display_name",
            "birth_date",
            "situation_date",
            "citations-0-new_source_date",
            "citations-0-new_source_url",
            "citations-0-source",
            "names-TOTAL_FORMS",
            "consent",
        ]
    ),
    value=st.text(max_size=40),
)
def test_no_typed_value_gives_a_server_error(editor_client, field, value):
    case = Case.objects.first() or reported_case()
    data = workspace_form(editor_client, case) | {field: value}
    assert editor_client.post(f"/admin/cases/case/{case.pk}/preview/", data).status_code < 500
    data["_publish"] = "1"
    assert editor_client.post(f"/admin/cases/case/{case.pk}/change/", data).status_code < 500


def test_the_workspace_makes_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    case = reported_case()
    for _ in range(5):
        make_photo(case, report=Report.objects.first())
        Citation.objects.create(case=case, source=make_source(), claim="Detained")
    with django_assert_max_num_queries(70):
        assert editor_client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert Photo.objects.count() == 5


def test_the_index_lists_waiting_reports_with_names_wait_language_and_consent(editor_client):
    case = reported_case(language="kk")
    page = editor_client.get("/admin/").text
    assert "<bdi>Әділғазы Ерғазы</bdi>" in page
    assert f'href="/admin/cases/case/{case.pk}/change/"' in page
    assert "Kazakh" in page and "May be published without the legal name" in page
    assert "Reports waiting, the longest first" in page


def test_the_report_list_finds_a_report_by_any_spelling_of_the_name(editor_client):
    reported_case()
    other = make_case(display_name="")
    Name.objects.create(case=other, text="Someone Else")
    make_report(case=other)
    for spelling in ("Adilgazy Ergazy", "адилгазы", "ӘДІЛҒАЗЫ"):
        page = editor_client.get("/admin/cases/report/", {"q": spelling}).text
        assert "<bdi>Әділғазы Ерғазы</bdi>" in page, spelling
        assert "Someone Else" not in page, spelling


def test_the_report_list_makes_a_constant_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for _ in range(30):
        reported_case()
    with django_assert_max_num_queries(12):
        page = editor_client.get("/admin/cases/report/").text
    assert page.count("<bdi>Әділғазы Ерғазы</bdi>") == 30


def test_the_report_page_leads_to_its_workspace_and_cannot_delete_the_case(editor_client):
    case = reported_case()
    report = Report.objects.get(case=case)
    page = editor_client.get(f"/admin/cases/report/{report.pk}/change/").text
    assert f'class="button" href="/admin/cases/case/{case.pk}/change/"' in page
    assert "Open the review workspace" in page
    assert f"/admin/cases/case/{case.pk}/delete/" not in page
