"""Rules kept once (cases/codes.py, cases/csv_cells.py) and every file and page that uses them."""

import csv
import io
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cases import codes
from cases.csv_cells import FORMULA_STARTS, csv_cell
from cases.models import Consent, Report

from .conftest import log_in_to_admin
from .factories import make_case, make_published_case
from .test_moderation import staff_user

separators = st.sampled_from([" ", "-", "\u2013", "\u00a0", "_", "."])


@given(
    code=st.text(alphabet=codes.CODE_ALPHABET, min_size=codes.REFERENCE_LENGTH, max_size=8),
    cut=st.integers(min_value=1, max_value=codes.REFERENCE_LENGTH - 1),
    separator=separators,
    lower=st.booleans(),
)
def test_a_reference_reads_back_however_it_is_typed(code, cut, separator, lower):
    typed = f"{code[:cut]}{separator}{code[cut:]}"
    typed = typed.lower() if lower else typed
    assert codes.as_reference(typed) == code
    assert re.fullmatch(codes.REFERENCE_PATTERN, code)


@given(st.text(max_size=20))
def test_only_text_shaped_like_a_reference_is_taken_for_one(text):
    reference = codes.as_reference(text)
    assert reference == "" or re.fullmatch(codes.REFERENCE_PATTERN, reference)


def test_a_receipt_is_shown_in_groups_and_hashed_as_typed():
    report = Report(language="en")
    code = report.issue_receipt()
    groups = code.split("-")
    assert [len(group) for group in groups] == [codes.GROUP_LENGTH] * 4
    assert "".join(groups) == codes.normalise_code(code.lower().replace("-", " "))
    assert report.receipt_hash == Report.hash_receipt(code.lower())


def test_file_tokens_are_random_lower_case_names():
    tokens = {codes.file_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(re.fullmatch(f"[{codes.CODE_ALPHABET.lower()}]{{26}}", token) for token in tokens)


@given(st.one_of(st.none(), st.integers(), st.text()))
@example("'")
@example("=1+1")
def test_no_csv_cell_starts_as_a_formula(value):
    cell, text = csv_cell(value), "" if value is None else str(value)
    assert not cell.startswith(FORMULA_STARTS)
    # The text is kept whole: as it is, or after the quote that stops a formula (a text that
    # itself starts with a quote, "'", is no formula and stays as it is).
    assert cell == (f"'{text}" if text.startswith(FORMULA_STARTS) else text)


@pytest.mark.django_db
def test_the_partner_export_never_hands_a_spreadsheet_a_formula(client):
    editor_client = log_in_to_admin(client, staff_user("editor", "Editor"))
    case = make_case(
        display_name='=HYPERLINK("https://evil.example")',
        last_known_place="@SUM(1+1)",
        consent=Consent.PARTNERS,
    )
    response = editor_client.post(
        "/admin/cases/case/", {"action": "export_for_partners", "_selected_action": [case.pk]}
    )
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["display_name"] == "'" + case.display_name
    assert row["last_known_place"] == "'@SUM(1+1)"
    assert row["reference"] == ""  # no None written as text


@pytest.mark.django_db
def test_a_published_reference_is_a_public_address(client):
    case = make_published_case()
    assert re.fullmatch(codes.REFERENCE_PATTERN, case.reference)
    assert client.get(f"/en/cases/{case.reference}/").status_code == 200
    assert client.get(f"/en/cases/{case.reference[:-1]}/").status_code == 404
