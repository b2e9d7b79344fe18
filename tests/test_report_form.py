"""A relative reports a missing person: what they see, and what is (and is not) stored."""

import io
import time
from unittest import mock

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases.forms import TIMESTAMP_SALT
from cases.models import Case, Name, Photo, Report

from .factories import files_under, jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "/en/report/"


def started(seconds_ago=60):
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def report_post(photos=(), **fields):
    """A complete, valid report as the browser sends it; photos are (file, kind, description)."""
    data = {
        "names-TOTAL_FORMS": "3",
        "names-INITIAL_FORMS": "0",
        "names-0-text": "Әділғазы Ерғазы",
        "names-1-text": "Adilgazy Yergazy",
        "names-2-text": "",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "sex": "male",
        "birth_year": "1985",
        "ethnicity": "kazakh",
        "hometown_prefecture": "ili",
        "hometown_detail": "Example village",
        "situation": "detained_camp",
        "situation_year": "2017",
        "narrative": "Taken from home by police.",
        "relationship": "sibling",
        "submitter_name": "Private Submitter Name",
        "submitter_phone": "+7 700 000 0000",
        "consent": "public_anonymous",
        "photo_consent": "on",
        "started": started(),
    }
    for i in range(5):
        data[f"photos-{i}-kind"] = "portrait"
        data[f"photos-{i}-description"] = ""
    for i, (upload, kind, description) in enumerate(photos):
        data |= {
            f"photos-{i}-file": upload,
            f"photos-{i}-kind": kind,
            f"photos-{i}-description": description,
        }
    return data | fields


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def image_bytes(fmt, size=(40, 30), mode="RGB", **save_args):
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, fmt, **save_args)
    return buffer.getvalue()


def nothing_stored(isolated_media):
    public, private = isolated_media
    counts = [model.objects.count() for model in (Case, Name, Report, Photo)]
    return counts == [0, 0, 0, 0] and files_under(public) == [] and files_under(private) == []


def test_the_form_renders_in_every_language(client):
    for language in ["en", "kk", "kk-arab", "ru", "ug", "zh-hans"]:
        response = client.get(f"/{language}/report/")
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in response.text


def test_a_relative_gets_a_receipt_and_the_report_is_stored_as_a_draft_case(client, isolated_media):
    photo = upload(jpeg_bytes((800, 600)))
    response = client.post(URL, report_post(photos=[(photo, "portrait", "My brother")]))
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.text
    report = Report.objects.get()
    assert report.receipt_hash == Report.hash_receipt(code)
    assert code.replace("-", "") not in str(Report.objects.values().get())
    assert report.language == "en"
    assert report.submitter_name == "Private Submitter Name"
    case = report.case
    assert case.status == Case.Status.DRAFT and case.reference is None
    assert sorted(case.names.values_list("text", flat=True)) == [
        "Adilgazy Yergazy",
        "Әділғазы Ерғазы",
    ]
    assert case.situation_date.year == 2017
    stored = case.photos.get()
    assert (stored.kind, stored.alt_text, stored.approved) == ("portrait", "My brother", False)
    public, private = isolated_media
    assert files_under(public) == []
    assert len(files_under(private)) == 2  # the sanitized image and its thumbnail


def test_the_receipt_page_is_never_cached(client):
    response = client.post(URL, report_post())
    assert "no-store" in response["Cache-Control"]


def test_gps_orientation_xmp_icc_and_comment_are_gone_from_the_stored_photo(client):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display upright
    exif.get_ifd(0x8825)[2] = (43.0, 15.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "blue").save(
        buffer,
        "JPEG",
        exif=exif,
        icc_profile=b"\0" * 128 + b"acspFAKEPROFILE",
        comment=b"secret comment",
        xmp=b"<x:xmpmeta>secret place</x:xmpmeta>",
    )
    client.post(URL, report_post(photos=[(upload(buffer.getvalue()), "portrait", "")]))
    photo = Photo.objects.get()
    data = photo.image.read()
    for marker in (b"Exif", b"acsp", b"secret comment", b"xmpmeta", b"secret place"):
        assert marker not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (60, 120)  # upright
        assert not stored.getexif()
        assert set(stored.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


def test_a_png_with_a_script_appended_is_stored_as_a_fresh_image_without_it(client):
    hostile = image_bytes("PNG") + b"<script>alert('x')</script>"
    client.post(URL, report_post(photos=[(upload(hostile, "x.png", "image/png"), "other", "")]))
    assert b"<script>" not in Photo.objects.get().image.read()


def tiff():
    return image_bytes("TIFF")


def bmp():
    return image_bytes("BMP")


def ico():
    return image_bytes("ICO", size=(32, 32))


def pdf():
    return image_bytes("PDF")


def animated_gif():
    frames = [Image.new("P", (20, 20), i) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def png_bomb(width, height):
    """A tiny file that claims a huge picture: a bilevel PNG compresses to almost nothing."""
    buffer = io.BytesIO()
    with mock.patch.object(Image, "MAX_IMAGE_PIXELS", None):
        Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


BAD_FILES = {
    "truncated JPEG": lambda: jpeg_bytes((400, 300))[:600],
    "empty file": lambda: b"",
    "SVG": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "HTML named .jpg": lambda: b"<html><body><script>alert(1)</script></body></html>",
    "TIFF named .jpg": tiff,
    "PSD named .jpg": lambda: b"8BPS\x00\x01" + b"\x00" * 20,
    "BMP named .jpg": bmp,
    "ICO named .jpg": ico,
    "PDF named .jpg": pdf,
    "animated GIF": animated_gif,
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_a_clear_error_naming_it_and_nothing_is_stored(client, isolated_media, kind):
    response = client.post(URL, report_post(photos=[(upload(BAD_FILES[kind]()), "portrait", "")]))
    assert response.status_code == 200
    assert "“photo.jpg”:" in response.text
    assert "The report has not been sent yet" in response.text
    assert nothing_stored(isolated_media)


@pytest.mark.parametrize(("width", "height"), [(10_000, 10_000), (20_000, 20_000)])
def test_a_decompression_bomb_is_refused_and_nothing_is_stored(
    client, isolated_media, width, height
):
    bomb = png_bomb(width, height)
    assert len(bomb) < 60_000
    response = client.post(URL, report_post(photos=[(upload(bomb, "b.png"), "portrait", "")]))
    assert "This photo has more than 50 megapixels." in response.text
    assert nothing_stored(isolated_media)


def test_a_file_over_15_mb_is_refused(client, isolated_media):
    big = upload(jpeg_bytes() + b"\0" * (16 * 1024 * 1024))
    response = client.post(URL, report_post(photos=[(big, "portrait", "")]))
    assert "This file is larger than 15 MB." in response.text
    assert nothing_stored(isolated_media)


def test_six_photos_are_refused(client, isolated_media):
    photos = [(upload(jpeg_bytes(), f"p{i}.jpg"), "portrait", "") for i in range(6)]
    data = report_post(photos=photos, **{"photos-TOTAL_FORMS": "6", "photos-5-kind": "portrait"})
    response = client.post(URL, data)
    assert "at most 5" in response.text
    assert nothing_stored(isolated_media)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("x" * 300 + ".jpg", "x" * 57 + "…"),
    ],
)
def test_hostile_file_names_are_shown_harmlessly_and_never_used_on_disk(
    client, isolated_media, name, shown
):
    response = client.post(URL, report_post(photos=[(upload(b"not an image", name), "other", "")]))
    assert f"“{shown}”" in response.text
    assert "\u202e" not in response.text
    good = report_post(photos=[(upload(jpeg_bytes(), name), "other", "")])
    client.post(URL, good)
    stored = Photo.objects.get()
    assert "passwd" not in stored.image.name and "evil" not in stored.image.name
    assert len(stored.image.name.rsplit("/", 1)[-1]) < 40


def test_on_an_error_every_typed_value_comes_back_and_photos_are_asked_for_again(client):
    data = report_post(
        photos=[(upload(b"junk", "grandfather.jpg"), "document", "His passport")],
        narrative="He was taken in <b>March</b>.",
        submitter_phone="+7 701 111 2233",
    )
    response = client.post(URL, data)
    page = response.text
    for value in (
        "Әділғазы Ерғазы",
        "Adilgazy Yergazy",
        "Example village",
        "+7 701 111 2233",
        "His passport",
    ):
        assert value in page
    assert "He was taken in &lt;b&gt;March&lt;/b&gt;." in page
    assert "Please choose them again" in page and "grandfather.jpg" in page


def test_scripts_in_text_fields_are_escaped_when_shown_again(client):
    script = "<script>alert('x')</script>"
    data = report_post(
        **{"names-0-text": script, "hometown_detail": script, "birth_year": "not a year"}
    )
    page = client.post(URL, data).text
    assert script not in page
    assert "&lt;script&gt;" in page


def test_a_report_needs_at_least_one_name(client, isolated_media):
    data = report_post(**{"names-0-text": " ", "names-1-text": ""})
    assert "Please write the person&#x27;s name, as you know it." in client.post(URL, data).text
    assert nothing_stored(isolated_media)


def test_relatives_cannot_set_deceased_or_sentenced(client, isolated_media):
    for situation in ("deceased", "imprisoned"):
        response = client.post(URL, report_post(situation=situation))
        assert "Select a valid choice" in response.text
    assert nothing_stored(isolated_media)


def test_a_post_without_csrf_token_is_refused(isolated_media):
    response = Client(enforce_csrf_checks=True).post(URL, report_post())
    assert response.status_code == 403
    assert nothing_stored(isolated_media)


TRAPS = {
    "honeypot filled in": lambda: {"website": "http://spam.example"},
    "sent within a second": lambda: {"started": started(seconds_ago=1)},
    "forged timestamp": lambda: {"started": "forged"},
}


@pytest.mark.parametrize("trap", TRAPS)
def test_automated_posts_see_a_receipt_but_nothing_is_stored(client, isolated_media, trap):
    # The clock stands still, so "within a second" stays so on a slow machine.
    with time_machine.travel(time.time(), tick=False):
        response = client.post(URL, report_post(**TRAPS[trap]()))
    assert response.status_code == 200
    assert "Your receipt code" in response.text
    assert nothing_stored(isolated_media)


def test_a_flood_past_the_rate_limit_gets_a_429_page(client, settings):
    settings.REPORT_RATE_LIMIT = {"limit": 3, "window": 3600}
    for _ in range(3):
        assert client.post(URL, report_post()).status_code == 200
    response = client.post(URL, report_post())
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert Report.objects.count() == 3


def test_a_failure_while_storing_leaves_no_rows_and_no_files(client, isolated_media):
    photos = [(upload(jpeg_bytes(), f"p{i}.jpg"), "portrait", "") for i in range(2)]
    original_save = Photo.save
    calls = []

    def fail_on_second_photo(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    with mock.patch.object(Photo, "save", fail_on_second_photo), pytest.raises(RuntimeError):
        client.post(URL, report_post(photos=photos))
    assert nothing_stored(isolated_media)


@pytest.mark.parametrize("debug", [False, True])
def test_submitted_private_fields_never_reach_an_error_page_or_log(client, settings, caplog, debug):
    """A crash while storing: neither the error page (even Django's debug page) nor the log
    shows what was typed."""
    settings.DEBUG = debug
    client.raise_request_exception = False
    with mock.patch("cases.models.Report.issue_receipt", side_effect=RuntimeError("boom")):
        response = client.post(URL, report_post())
    assert response.status_code == 500
    assert ("boom" in response.text) == debug  # the debug page did render the crash
    for private in ("Private Submitter Name", "+7 700 000 0000", "Taken from home by police"):
        assert private not in response.text
        assert private not in caplog.text


def test_posting_a_report_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    photos = [(upload(jpeg_bytes(), f"p{i}.jpg"), "portrait", "") for i in range(2)]
    # Two of them per spelling given (two here): the name, and its search words; the photos'
    # trails begin in one query for all of them.
    with django_assert_max_num_queries(15):
        assert client.post(URL, report_post(photos=photos)).status_code == 200
