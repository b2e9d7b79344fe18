"""The photo pipeline: what comes out carries pixels only, and bad files are refused cleanly."""

import hashlib
import io
import random
import struct

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFile, PngImagePlugin

from cases import photos
from cases.photos import PhotoRejected, sanitize_photo

from .factories import forged_png

SECRET_MAKE = "SecretPhone 12"
SECRET_COMMENT = b"Taken at grandmother's house"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="43,15.5N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
# Keys Pillow reports for a bare JFIF JPEG; anything else is metadata that got through.
BARE_JPEG_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density"}


def encode(image, format, **params):
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def photo(size=(60, 40), mode="RGB"):
    """Left half red, right half blue, so that orientation can be checked."""
    image = Image.new("RGB", size, "blue")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1]), fill="red")
    return image.convert(mode)


def gps_exif(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET_MAKE
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (43.0, 15.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (76.0, 53.0, 0.0),
        }
    )
    return exif


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def sanitize(data, **kwargs):
    return sanitize_photo(io.BytesIO(data), **kwargs)


def rejection(data, **kwargs):
    with pytest.raises(PhotoRejected) as excinfo:
        sanitize(data, **kwargs)
    return excinfo.value.message


def jpeg_segments(data):
    """The marker bytes of a JPEG's header segments, up to the start of the pixels."""
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:  # SOS: entropy-coded data follows
        markers.append(data[pos + 1])
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return markers


def assert_clean_jpeg(data):
    """Decodes as a JPEG whose only header segment besides the codec's own is JFIF."""
    with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
        image.load()
        assert set(image.info) <= BARE_JPEG_INFO
        assert not image.getexif()
    segments = jpeg_segments(data)
    assert not [m for m in segments if 0xE1 <= m <= 0xEF], "APP1-15: EXIF, XMP, ICC, Adobe"
    assert 0xFE not in segments, "COM: a comment"


def pixel(data, xy):
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").getpixel(xy)


def near(color, expected, tolerance=24):
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True))


def test_gps_metadata_is_gone_after_sanitizing():
    data = encode(photo(), "JPEG", exif=gps_exif())
    assert SECRET_MAKE.encode() in data

    result = sanitize(data)

    assert_clean_jpeg(result.image)
    assert_clean_jpeg(result.thumbnail)
    assert SECRET_MAKE.encode() not in result.image
    assert b"Exif" not in result.image


def test_exif_orientation_turns_the_pixels_and_then_is_gone():
    # Orientation 6: the camera was held upright; the left of the stored image is the top.
    data = encode(photo((60, 40)), "JPEG", exif=gps_exif(orientation=6))

    result = sanitize(data)

    assert (result.width, result.height) == (40, 60)
    assert_clean_jpeg(result.image)
    assert near(pixel(result.image, (20, 10)), (255, 0, 0))
    assert near(pixel(result.image, (20, 50)), (0, 0, 255))
    assert Image.open(io.BytesIO(result.thumbnail)).size == (40, 60)


def test_jpeg_comment_xmp_and_icc_profile_are_gone():
    data = encode(photo(), "JPEG", comment=SECRET_COMMENT, xmp=XMP, icc_profile=srgb_profile())

    result = sanitize(data)

    assert_clean_jpeg(result.image)
    assert SECRET_COMMENT not in result.image
    assert b"GPSLatitude" not in result.image


def test_png_text_chunks_exif_and_icc_profile_are_gone():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SECRET_COMMENT.decode())
    text.add_text("Location", "43.25N 76.88E", zip=True)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    data = encode(photo(), "PNG", pnginfo=text, icc_profile=srgb_profile(), exif=gps_exif())

    result = sanitize(data)

    assert_clean_jpeg(result.image)
    assert near(pixel(result.image, (5, 5)), (255, 0, 0))


def test_webp_photo_is_accepted_without_its_metadata():
    data = encode(photo(), "WEBP", exif=gps_exif(), xmp=XMP, icc_profile=srgb_profile())

    result = sanitize(data)

    assert_clean_jpeg(result.image)
    assert near(pixel(result.image, (55, 35)), (0, 0, 255))


@pytest.mark.skipif(
    not pillow_heif.libheif_info()["HEIF"], reason="libheif was built without a HEVC encoder"
)
def test_heic_photo_from_a_phone_is_accepted_without_its_metadata():
    data = encode(photo(), "HEIF", exif=gps_exif(), xmp=XMP, quality=90)

    result = sanitize(data)

    assert (result.width, result.height) == (60, 40)
    assert_clean_jpeg(result.image)
    assert near(pixel(result.image, (5, 5)), (255, 0, 0), tolerance=40)


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    image.paste((0, 0, 0, 128), (10, 0, 20, 20))

    result = sanitize(encode(image, "PNG"))

    assert near(pixel(result.image, (2, 10)), (255, 255, 255), tolerance=6)
    assert near(pixel(result.image, (17, 10)), (127, 127, 127), tolerance=6)


def test_palette_png_with_a_transparent_colour_is_flattened_on_white():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([0, 0, 0, 0, 128, 0])
    image.paste(1, (10, 0, 20, 20))

    result = sanitize(encode(image, "PNG", transparency=0))

    assert near(pixel(result.image, (2, 10)), (255, 255, 255), tolerance=6)
    assert near(pixel(result.image, (17, 10)), (0, 128, 0))


def test_cmyk_jpeg_becomes_rgb():
    image = Image.new("CMYK", (20, 20), (0, 255, 255, 0))

    result = sanitize(encode(image, "JPEG"))

    assert Image.open(io.BytesIO(result.image)).mode == "RGB"
    assert near(pixel(result.image, (10, 10)), (255, 0, 0))


def test_sixteen_bit_png_keeps_its_tones_instead_of_turning_white():
    image = Image.new("I;16", (20, 20), 32768)

    result = sanitize(encode(image, "PNG"))

    assert 120 <= pixel(result.image, (10, 10))[0] <= 136


def test_greyscale_photo_stays_greyscale():
    result = sanitize(encode(photo(mode="L"), "JPEG"))

    assert Image.open(io.BytesIO(result.image)).mode == "L"
    assert Image.open(io.BytesIO(result.thumbnail)).mode == "L"


def test_a_one_pixel_image_is_fine():
    result = sanitize(encode(Image.new("RGB", (1, 1), "green"), "PNG"))

    assert (result.width, result.height) == (1, 1)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (1, 1)


def test_a_large_photo_is_downscaled_and_its_thumbnail_is_small():
    data = encode(photo((3000, 1000)), "JPEG", quality=70)

    result = sanitize(data)

    assert (result.width, result.height) == (photos.MAX_SIDE, 853)
    assert Image.open(io.BytesIO(result.image)).size == (photos.MAX_SIDE, 853)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (photos.THUMBNAIL_SIDE, 160)
    assert near(pixel(result.image, (5, 5)), (255, 0, 0))
    assert near(pixel(result.image, (2550, 845)), (0, 0, 255))


def test_result_is_a_jpeg_whose_sha256_matches_its_bytes():
    result = sanitize(encode(photo(), "PNG"))

    assert result.sha256 == hashlib.sha256(result.image).hexdigest()
    assert result.extension == ".jpg"
    assert Image.open(io.BytesIO(result.image)).format == "JPEG"
    assert Image.open(io.BytesIO(result.thumbnail)).format == "JPEG"


def test_a_jpeg_with_extra_pictures_keeps_only_the_first():
    # Some cameras store previews or a stereo pair after the photo (MPO).
    data = encode(photo(), "MPO", save_all=True, append_images=[Image.new("RGB", (60, 40))])

    result = sanitize(data)

    assert_clean_jpeg(result.image)
    assert near(pixel(result.image, (5, 5)), (255, 0, 0))


def test_an_upload_already_read_by_form_validation_is_read_from_the_start():
    upload = SimpleUploadedFile("photo.png", encode(photo(), "PNG"), content_type="image/png")
    upload.read()

    assert sanitize_photo(upload).width == 60


def test_a_text_file_named_jpg_is_not_a_photo():
    upload = SimpleUploadedFile("photo.jpg", b"Hello, this is text.", content_type="image/jpeg")

    with pytest.raises(PhotoRejected) as excinfo:
        sanitize_photo(upload)

    assert excinfo.value.message == photos.NOT_A_PHOTO


@pytest.mark.parametrize("format", ["GIF", "BMP", "TIFF", "ICO"])
def test_image_formats_other_than_the_four_are_not_accepted(format):
    assert rejection(encode(photo(), format)) == photos.NOT_A_PHOTO


def test_svg_is_not_a_photo():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'

    assert rejection(svg) == photos.NOT_A_PHOTO


def test_empty_file_is_not_a_photo():
    assert rejection(b"") == photos.NOT_A_PHOTO


@pytest.mark.parametrize("format", ["WEBP", "PNG"])
def test_animated_images_are_not_accepted(format):
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "blue", "green")]
    data = encode(frames[0], format, save_all=True, append_images=frames[1:])

    assert rejection(data) == photos.ANIMATED


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_file_is_damaged(format):
    noise = Image.effect_noise((200, 200), 60).convert("RGB")
    data = encode(noise, format)

    assert rejection(data[: len(data) // 2]) == photos.DAMAGED


@pytest.mark.parametrize(
    "size",
    [(7100, 7100), (10000, 10000), (30000, 30000)],
    ids=["over-our-limit", "over-pillows-warning-limit", "over-pillows-error-limit"],
)
def test_a_decompression_bomb_is_refused_from_its_header(no_decoding, size):
    assert rejection(forged_png(*size)) == photos.TOO_LARGE


def test_a_real_fifty_megapixel_png_of_a_few_kilobytes_is_refused_without_decoding():
    data = encode(Image.new("1", (7100, 7100)), "PNG")
    assert len(data) < 10_000

    def load(self):
        raise AssertionError("pixels were decoded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load", load)
        assert rejection(data) == photos.TOO_LARGE


def test_pillows_bomb_warning_is_a_refusal_even_above_our_pixel_limit(no_decoding):
    # Pillow only warns between 89 and 179 Mpx; a caller's higher limit must not let it by.
    data = forged_png(10000, 10000)

    assert rejection(data, max_pixels=500_000_000) == photos.TOO_LARGE


def test_the_pixel_limit_can_be_lowered_by_the_caller(no_decoding):
    assert rejection(encode(photo((100, 100)), "PNG"), max_pixels=9_999) == photos.TOO_LARGE


def test_a_file_over_15_mib_is_refused_without_reading_it_all():
    data = encode(photo(), "JPEG")
    upload = io.BytesIO(data + bytes(20 * 1024 * 1024))

    with pytest.raises(PhotoRejected) as excinfo:
        sanitize_photo(upload)

    assert excinfo.value.message == photos.TOO_MANY_BYTES
    assert upload.tell() == photos.MAX_UPLOAD_BYTES + 1


def test_a_file_of_exactly_15_mib_is_not_refused_for_its_size():
    data = encode(photo(), "JPEG")  # JPEG readers ignore what follows the image
    padded = data + bytes(photos.MAX_UPLOAD_BYTES - len(data))

    assert sanitize(padded).width == 60


def test_rejection_messages_speak_to_the_person_uploading():
    with translation.override("en"):
        assert str(rejection(b"GIF89a")) == (
            "This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."
        )
        assert str(rejection(forged_png(30000, 30000))) == str(photos.TOO_LARGE)


def mutated(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(data))
        if rng.random() < 0.7:
            data[pos] = rng.randrange(256)
        else:
            del data[pos : pos + rng.randint(1, 40)]
    return bytes(data)


# Pillow warns about the corrupt EXIF it skips; that is expected here.
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_corrupted_files_are_refused_with_photo_rejected_or_come_out_clean(format):
    if format == "HEIF" and not pillow_heif.libheif_info()["HEIF"]:
        pytest.skip("libheif was built without a HEVC encoder")
    original = encode(photo(), format, exif=gps_exif(orientation=6))
    rng = random.Random(format)

    for _ in range(150):
        try:
            result = sanitize(mutated(original, rng))
        except PhotoRejected:
            continue
        assert_clean_jpeg(result.image)
