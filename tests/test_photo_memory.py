"""A memory bound for decoding: formats decoded whole are bounded by what their decode holds, not
only by pixels, and one process decodes one photo at a time."""

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from cases import photos
from cases.photos import PhotoRejected, sanitize_photo

from .factories import forged_png


def refusal(data):
    with pytest.raises(PhotoRejected) as excinfo:
        sanitize_photo(io.BytesIO(data))
    return excinfo.value.message


@pytest.mark.parametrize("mode", ["RGBA", "LA", "RGB"], ids=["rgba", "grey-alpha", "rgb"])
def test_a_png_past_what_its_whole_decode_may_hold_is_refused_before_decoding(no_decoding, mode):
    allowed = min(photos.MAX_PIXELS, photos.MAX_DECODE_BYTES // photos.DECODE_BYTES_PER_PIXEL[mode])
    side = int(allowed**0.5) + 1
    assert refusal(forged_png(side, side, mode)) == photos.TOO_LARGE


def test_a_transparent_50_megapixel_png_is_refused_though_a_jpeg_that_size_is_not(no_decoding):
    assert refusal(forged_png(7000, 7000, "RGBA")) == photos.TOO_LARGE
    assert photos.MAX_PIXELS >= 7000 * 7000  # a JPEG is decoded scaled down, so it may


def test_webp_has_a_lower_bound_than_png_as_its_decoder_holds_more(no_decoding):
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8)).save(buffer, "WEBP")
    webp = Image.open(io.BytesIO(buffer.getvalue()))
    png = Image.open(io.BytesIO(forged_png(8, 8, "RGBA")))
    assert photos._whole_decode_pixels(webp) < photos._whole_decode_pixels(png)


def test_a_palette_with_transparency_is_flattened_on_white_as_through_rgba():
    image = Image.new("P", (4, 1))
    image.putpalette([200, 0, 0, 0, 0, 200, 10, 200, 10, 0, 0, 0])
    image.putdata([0, 1, 2, 3])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=bytes([255, 0, 128, 30]))
    through_rgba = Image.new("RGB", (4, 1), "white")
    rgba = Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
    through_rgba.paste(rgba, mask=rgba.getchannel("A"))
    flattened = photos._flattened(Image.open(io.BytesIO(buffer.getvalue())))
    for ours, expected in zip(flattened.getdata(), through_rgba.getdata(), strict=True):
        assert all(abs(a - b) <= 1 for a, b in zip(ours, expected, strict=True))


def test_one_process_decodes_one_photo_at_a_time(monkeypatch):
    decoding, most = [0], [0]
    lock = threading.Lock()
    real_decode = photos._decode

    def counted(data, max_pixels):
        with lock:
            decoding[0] += 1
            most[0] = max(most[0], decoding[0])
        try:
            time.sleep(0.05)  # long enough for the other threads to arrive
            return real_decode(data, max_pixels)
        finally:
            with lock:
                decoding[0] -= 1

    monkeypatch.setattr(photos, "_decode", counted)
    buffer = io.BytesIO()
    Image.new("RGB", (1500, 1000), "red").save(buffer, "PNG")
    data = buffer.getvalue()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: sanitize_photo(io.BytesIO(data)), range(8)))
    assert len(results) == 8
    assert most[0] == 1
