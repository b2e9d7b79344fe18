"""Public code reads cases only through Case.objects.published()."""

import pytest

from cases.models import Case
from cases.services import unpublish_case

from .factories import make_case, make_published_case

pytestmark = pytest.mark.django_db


def test_published_includes_a_published_case():
    case = make_published_case()
    assert list(Case.objects.published()) == [case]


@pytest.mark.parametrize("status", [Case.Status.DRAFT, Case.Status.IN_REVIEW, Case.Status.HIDDEN])
def test_published_excludes_every_unpublished_state(status):
    make_case(status=status, reference=f"REF{status[:4].upper()}")
    assert not Case.objects.published().exists()


def test_published_excludes_a_case_marked_published_without_a_reference():
    make_case(status=Case.Status.PUBLISHED)
    assert not Case.objects.published().exists()


def test_unpublishing_takes_a_case_out_at_once():
    case = make_published_case()
    unpublish_case(case=case, by=None, status=Case.Status.HIDDEN, reason="family withdrew consent")
    assert not Case.objects.published().exists()
    case.refresh_from_db()
    assert case.hidden_reason == "family withdrew consent"


@pytest.mark.parametrize("status", Case.Status.values)
@pytest.mark.parametrize("reference", [None, "REF23456"])
def test_is_published_says_what_the_queryset_selects(status, reference):
    case = make_case(status=status, reference=reference)
    assert case.is_published == Case.objects.published().filter(pk=case.pk).exists()
