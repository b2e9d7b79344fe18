"""The report form as a relative on a phone meets it: what is needed first, the rest optional
and folded away, required marks only where required, each error beside its field and linked
from the summary, honest defaults, and limits said in plain words."""

import re
from html.parser import HTMLParser

import pytest

from cases.models import Case, Report

from .test_report_form import URL, report_post, started

pytestmark = pytest.mark.django_db


def minimal_post(**fields):
    """Only what the form needs: a name and a consent (and the form's own hidden fields)."""
    return {
        "names-TOTAL_FORMS": "3",
        "names-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "names-0-text": "Adil Example",
        "consent": "internal",
        "started": started(),
    } | fields


class Labels(HTMLParser):
    """The text of every label and legend of the form, and which carry the required mark."""

    def __init__(self):
        super().__init__()
        self.marked, self._open, self._text, self._mark = [], 0, "", False

    def handle_starttag(self, tag, attrs):
        if tag in ("label", "legend"):
            self._open, self._text, self._mark = self._open + 1, "", False
        if dict(attrs).get("class") == "asteriskField" and self._open:
            self._mark = True

    def handle_endtag(self, tag):
        if tag in ("label", "legend") and self._open:
            self._open -= 1
            if self._mark:
                self.marked.append(" ".join(self._text.split()).rstrip("*"))

    def handle_data(self, data):
        if self._open:
            self._text += data


def required_marks(page):
    form = page[page.index("<form") :]
    labels = Labels()
    labels.feed(form)
    return labels.marked


def test_only_the_name_and_the_consent_carry_a_required_mark(client):
    assert required_marks(client.get(URL).text) == [
        "Name",
        "May we publish what you tell us about this person?",
    ]


def test_a_report_with_only_a_name_and_a_consent_is_taken_with_honest_defaults(client):
    response = client.post(URL, minimal_post())
    assert response.status_code == 200 and "receipt-code" in response.text
    case = Case.objects.get()
    assert (case.sex, case.ethnicity, case.hometown_prefecture, case.situation) == (
        "unknown",
        "unknown",
        "unknown",
        "unknown",
    )
    assert Report.objects.get().consent == "internal"


def test_the_essentials_come_first_and_the_details_are_folded_and_optional(client):
    page = client.get(URL).text
    positions = [
        page.index(marker)
        for marker in (
            'name="names-0-text"',
            'name="situation"',
            'name="photos-0-file"',
            'name="consent"',
            'id="step-details"',
            'name="narrative"',
            'name="submitter_name"',
        )
    ]
    assert positions == sorted(positions)
    details = re.search(r'<details class="[^"]*" id="step-details"([^>]*)>', page)
    assert "open" not in details.group(1)  # closed until the relative opens it
    assert "More details (optional)" in page


def test_every_error_is_beside_its_field_and_linked_from_the_summary(client):
    page = client.post(
        URL,
        minimal_post(**{"names-0-text": "", "consent": "", "submitter_email": "not an email"}),
    ).text
    summary = page[page.index('id="form-errors"') : page.index("<form")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _message in links] == [
        "id_names-0-text",
        "id_consent_0",
        "id_submitter_email",
    ]
    for target, message in links:
        field = re.search(rf'<input[^>]*id="{target}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field or "is-invalid" in field
        assert message in page[page.index(f'id="{target}"') :]  # shown again beside the field
    # The first error takes the focus when the page loads, even without JavaScript.
    assert "autofocus" in re.search(r'<input[^>]*id="id_names-0-text"[^>]*>', page).group(0)
    assert page.count("autofocus") == 1
    # An error in the folded details opens them, so that it is never hidden.
    assert re.search(r'id="step-details" open', page)
    assert "Please choose one answer" in page


def test_details_stay_folded_after_an_error_elsewhere(client):
    page = client.post(URL, minimal_post(**{"names-0-text": ""})).text
    assert re.search(r'id="step-details">', page)


def test_the_photo_hint_names_both_limits_in_plain_words(client):
    page = client.get(URL).text
    assert "at most 15 MB and at most 50 megapixels" in page
    assert "8000 by 6000 pixels" in page


def test_a_photo_with_too_many_pixels_is_refused_saying_so(client):
    import io

    from PIL import Image

    from .test_report_form import upload

    buffer = io.BytesIO()
    Image.new("1", (10000, 6000)).save(buffer, "PNG")
    data = report_post(photos=[(upload(buffer.getvalue(), "big.png", "image/png"), "other", "")])
    page = client.post(URL, data).text
    assert "“big.png”: This photo has more than 50 megapixels." in page
    assert not Report.objects.exists()
