"""Photo pipeline: untrusted uploaded bytes in, a metadata-free JPEG and thumbnail out.

Knows nothing of HTTP, forms, models or storage; see DESIGN.md, "Photo pipeline".
"""

import hashlib
import io
import struct
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from advocacy.languages import formatted_lazily

MAX_UPLOAD_BYTES = settings.PHOTO_MAX_UPLOAD_BYTES
MAX_UPLOAD_MEGABYTES = MAX_UPLOAD_BYTES // (1024 * 1024)
MAX_PIXELS = 50_000_000
# A JPEG is decoded at a fraction of its size (draft), every other format whole: for those, the
# pixel bound follows from the memory a whole decode and its flattening hold at once, so that no
# accepted file takes a worker much past this (bench/photos.py measures the worst of each kind).
MAX_DECODE_BYTES = 256 * 1024 * 1024
# Bytes per pixel at the peak of a whole decode, by the mode it decodes to, as measured by
# bench/photos.py (rounded up). Pillow keeps every mode of more than one band in four bytes a
# pixel; flattening alpha onto white adds copies (a palette is flattened through its palette).
DECODE_BYTES_PER_PIXEL = {"1": 2, "L": 2, "P": 6, "RGB": 5, "RGBA": 9, "LA": 13, "PA": 13}
# Through RGBA or a widening conversion (16-bit grey, CMYK, one transparent colour).
OTHER_MODE_BYTES_PER_PIXEL = 13
# Pillow's WebP decoder holds several full copies, whatever the mode.
WEBP_BYTES_PER_PIXEL = 17
# libheif's own planes live beside Pillow's copy while it decodes.
HEIF_EXTRA_BYTES_PER_PIXEL = 2
# One whole decode at a time per process: threads of one process (runserver, gthread workers)
# would otherwise each hold a decode's peak at once.
DECODES_AT_ONCE = threading.BoundedSemaphore(1)
MAX_SIDE = 2560
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85
# Resizing a strip at a time keeps Pillow's intermediate buffer a strip high rather than
# a photo high, which lowers the peak memory of a phone photo's resize (bench/photos.py).
STRIP_ROWS = 64

# Decided by decoding: Pillow only tries these parsers, whatever the name or Content-Type.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# A JPEG carrying extra pictures (previews, stereo pairs) opens as MPO; only its first
# picture is decoded, so it is not an animation.
JPEG_FORMATS = {"JPEG", "MPO"}

# Embedded HEIF thumbnails, depth maps and auxiliary images are never what we publish,
# and an embedded thumbnail may still show what its owner cropped out.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# The table of ImageOps.exif_transpose, which we cannot call: on the full-size decode it
# would cost a photo-sized copy, and the small clean copy has (deliberately) no EXIF.
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

NOT_A_PHOTO = _("This file is not a photo we can read (JPEG, PNG, WebP or HEIC).")
TOO_LARGE = _(
    "This photo has more than 50 megapixels. "
    "Please send a smaller copy: a screenshot of it will do."
)
DAMAGED = _("This file is damaged or incomplete.")
ANIMATED = _("Animated images are not accepted.")
TOO_MANY_BYTES = formatted_lazily(
    _("This file is larger than %(megabytes)s MB."), {"megabytes": MAX_UPLOAD_MEGABYTES}
)

# What Pillow and pillow-heif raise for hostile or broken input. Anything else would be
# a bug in our code and should surface as one.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, struct.error, EOFError)
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class PhotoRejected(ValueError):
    """Raised for any file that is not an acceptable photo.

    `message` is a translatable reason fit for the person who uploaded the file; it never
    names our libraries or what exactly they disliked.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SanitizedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    # Of the bytes as uploaded, before anything was stripped: what a holder of the original
    # can compute again (cases/evidence.py).
    original_sha256: str
    extension: str = ".jpg"


def sanitize_photo(fileobj, *, max_pixels: int = MAX_PIXELS) -> SanitizedPhoto:
    """Decode an uploaded file and re-encode it with nothing but its pixels.

    Raises PhotoRejected, and nothing else, for any file that is not a single still
    JPEG, PNG, WebP or HEIC photo of at most `max_pixels` pixels.
    """
    data = _read_bounded(fileobj)
    with DECODES_AT_ONCE:
        picture, transpose = _clean_copy(data, max_pixels)
    if transpose is not None:
        # Turned only now, once the full-size decode is freed: a photo-sized buffer less.
        picture = picture.transpose(transpose)
    image = _encode_jpeg(picture)
    thumbnail = picture.resize(
        _fit(picture.size, THUMBNAIL_SIDE), Image.Resampling.HAMMING, reducing_gap=1.5
    )
    return SanitizedPhoto(
        image=image,
        thumbnail=_encode_jpeg(thumbnail),
        width=picture.width,
        height=picture.height,
        sha256=hashlib.sha256(image).hexdigest(),
        original_sha256=hashlib.sha256(data).hexdigest(),
    )


def _read_bounded(fileobj) -> bytes:
    """Read the whole upload, but never more than one byte past the limit."""
    if hasattr(fileobj, "seek"):
        # Form validation may already have read the file to sniff it.
        fileobj.seek(0)
    data = fileobj.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(TOO_MANY_BYTES)
    return data


def _clean_copy(data: bytes, max_pixels: int) -> tuple[Image.Image, Image.Transpose | None]:
    """Decode the photo and copy its pixels, bounded and flattened, into a new image.

    Also returns how to turn the copy upright, read from the EXIF the copy leaves behind.
    """
    # Scoped, so that global warning filters and Image.MAX_IMAGE_PIXELS stay untouched.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            _open(data, max_pixels).verify()
            decoded = _decode(data, max_pixels)
            orientation = decoded.getexif().get(ExifTags.Base.Orientation)
            return _rebuilt(_flattened(decoded)), ORIENTATION_TRANSPOSE.get(orientation)
        except PhotoRejected:
            raise
        except BOMB_ERRORS as exc:
            raise PhotoRejected(TOO_LARGE) from exc
        except UnidentifiedImageError as exc:
            raise PhotoRejected(NOT_A_PHOTO) from exc
        except DECODE_ERRORS as exc:
            raise PhotoRejected(DAMAGED) from exc


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Parse only the header, and refuse what is too big or moving before any decoding."""
    image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    if image.width * image.height > min(max_pixels, _whole_decode_pixels(image)):
        raise PhotoRejected(TOO_LARGE)
    if image.format not in JPEG_FORMATS and getattr(image, "n_frames", 1) > 1:
        raise PhotoRejected(ANIMATED)
    return image


def _whole_decode_pixels(image: Image.Image) -> int:
    """How many pixels of this file may be decoded whole within MAX_DECODE_BYTES.

    Read from the header only. A JPEG is decoded scaled down (draft), so only MAX_PIXELS holds.
    """
    if image.format in JPEG_FORMATS:
        return MAX_PIXELS
    if image.format == "WEBP":
        return MAX_DECODE_BYTES // WEBP_BYTES_PER_PIXEL
    per_pixel = DECODE_BYTES_PER_PIXEL.get(image.mode, OTHER_MODE_BYTES_PER_PIXEL)
    if image.mode == "P" and image.palette.mode != "RGB":
        per_pixel = OTHER_MODE_BYTES_PER_PIXEL  # flattened through RGBA, not its palette
    elif image.mode in {"L", "RGB"} and "transparency" in image.info:
        per_pixel = OTHER_MODE_BYTES_PER_PIXEL  # one transparent colour: through RGBA
    if image.format == "HEIF":
        per_pixel += HEIF_EXTRA_BYTES_PER_PIXEL
    return MAX_DECODE_BYTES // per_pixel


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Decode the pixels; a truncated file fails here rather than yielding a grey half."""
    # verify() leaves an image unusable, hence a fresh parse.
    image = _open(data, max_pixels)
    if image.format in JPEG_FORMATS:
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale for far less time and memory, and
        # never below the requested size, so the output loses nothing.
        image.draft(None, _fit(image.size, MAX_SIDE))
    image.load()
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """Convert to L or RGB, compositing any transparency on white, as JPEG has none."""
    if image.mode == "P" and image.palette.mode == "RGB":
        return _palette_on_white(image)
    if "transparency" in image.info or image.mode in {"LA", "La", "PA", "RGBA", "RGBa"}:
        # convert() to the same mode would copy a possibly huge decoded image for nothing.
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode in {"L", "RGB"}:
        return image
    if image.mode.startswith("I"):
        # Pillow clips 16-bit values into 8 bits rather than scaling them.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "1":
        return image.convert("L")
    return image.convert("RGB")


def _palette_on_white(image: Image.Image) -> Image.Image:
    """A palette image flattened through its palette: each colour composited on white once.

    The same result as through RGBA, without a four-byte copy of every pixel.
    """
    colours = image.getpalette("RGB")
    alphas = image.info.get("transparency", b"")
    if isinstance(alphas, int):  # one fully transparent index
        alphas = bytes(255 if index != alphas else 0 for index in range(len(colours) // 3))
    flat = []
    for index in range(len(colours) // 3):
        alpha = alphas[index] if index < len(alphas) else 255
        rgb = colours[3 * index : 3 * index + 3]
        flat += [round((value * alpha + 255 * (255 - alpha)) / 255) for value in rgb]
    image.info.pop("transparency", None)
    image.putpalette(flat, "RGB")
    return image.convert("RGB")


def _rebuilt(image: Image.Image) -> Image.Image:
    """Copy only the pixels, at most MAX_SIDE wide or high, into a new image.

    Pillow carries `info` (EXIF, XMP, ICC, comments, text chunks) through convert, resize
    and transpose, and its JPEG writer re-emits some of it; a new image has none.
    """
    clean = Image.new(image.mode, _fit(image.size, MAX_SIDE))
    if clean.size == image.size:
        clean.paste(image)
        return clean
    # Pillow resizes without holding the GIL, so two halves take two cores; the ingest
    # budget (DESIGN.md) is not met on one.
    middle = clean.height // 2
    halves = [(0, middle), (middle, clean.height)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda rows: _resize_rows(image, clean, *rows), halves))
    return clean


def _resize_rows(image: Image.Image, clean: Image.Image, start: int, stop: int) -> None:
    """Fill rows start to stop of `clean` with `image` resized, a strip at a time."""
    scale = image.height / clean.height
    for top in range(start, stop, STRIP_ROWS):
        bottom = min(top + STRIP_ROWS, stop)
        box = (0, top * scale, image.width, bottom * scale)
        # Hamming is sharp and alias-free when shrinking, at half the cost of Lanczos.
        strip = image.resize((clean.width, bottom - top), Image.Resampling.HAMMING, box=box)
        clean.paste(strip, (0, top))


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size that fits in a side x side square, keeping the aspect; never larger."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
