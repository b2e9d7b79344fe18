"""Publishing and unpublishing: consent, citations, and the public copies of photos."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, Citation, Consent, Photo, Situation
from cases.services import publish_case, unpublish_case

from .factories import files_under, make_case, make_photo, make_published_case, make_source

pytestmark = pytest.mark.django_db


def test_publishing_refuses_without_public_consent():
    case = make_case(consent=Consent.PARTNERS, verification_reason="seen the documents")
    with pytest.raises(ValidationError, match="not consented"):
        publish_case(case=case, by=None)
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    assert case.reference is None


def test_publishing_refuses_without_citation_or_verification_reason():
    with pytest.raises(ValidationError, match="citation or a reason"):
        publish_case(case=make_case(), by=None)


def test_publishing_deceased_needs_a_citation_even_with_a_reason():
    case = make_case(situation=Situation.DECEASED, verification_reason="family says so")
    with pytest.raises(ValidationError, match="only be published with a citation"):
        publish_case(case=case, by=None)
    Citation.objects.create(case=case, source=make_source(), claim="Died in custody")
    assert publish_case(case=case, by=None).is_published


def test_publishing_assigns_a_reference_once():
    case = make_published_case()
    reference = case.reference
    unpublish_case(case=case, by=None)
    assert publish_case(case=case, by=None).reference == reference


def test_only_approved_photos_of_consenting_cases_reach_public_storage(isolated_media):
    public_root, _ = isolated_media
    case = make_case(photo_consent=True)
    approved = make_photo(case, approved=True)
    make_photo(case, approved=False)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    publish_case(case=case, by=None)
    approved.refresh_from_db()
    assert files_under(public_root) == [approved.public_name]
    assert (public_root / approved.public_name).read_bytes() == approved.image.read()


def test_no_photo_is_public_without_photo_consent(isolated_media):
    public_root, _ = isolated_media
    case = make_case(photo_consent=False)
    make_photo(case, approved=True)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    publish_case(case=case, by=None)
    assert files_under(public_root) == []


def test_unpublishing_removes_public_photo_copies(
    isolated_media, django_capture_on_commit_callbacks
):
    public_root, private_root = isolated_media
    case = make_case(photo_consent=True)
    make_photo(case, approved=True)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    publish_case(case=case, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_case(case=case, by=None)
    assert files_under(public_root) == []
    assert len(files_under(private_root)) == 2  # the image and its thumbnail stay private


def test_saving_a_photo_loaded_before_publication_keeps_its_public_copy(isolated_media):
    public_root, _ = isolated_media
    case = make_case(photo_consent=True)
    stale = make_photo(case, approved=True)  # e.g. open in another admin tab
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    publish_case(case=case, by=None)
    stale.alt_text = "Described after publication"
    stale.save()
    photo = Photo.objects.get(pk=stale.pk)
    assert photo.alt_text == "Described after publication"
    assert photo.public_name
    assert files_under(public_root) == [photo.public_name]


def test_saving_a_photo_loaded_while_published_never_revives_its_public_name(
    isolated_media, django_capture_on_commit_callbacks
):
    public_root, _ = isolated_media
    case = make_case(photo_consent=True)
    make_photo(case, approved=True)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    publish_case(case=case, by=None)
    stale = Photo.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_case(case=case, by=None)
    stale.save()
    assert Photo.objects.get(pk=stale.pk).public_name == ""
    assert files_under(public_root) == []
