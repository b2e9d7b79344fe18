"""The receipt code as a small file a relative can keep: a picture for the photo gallery, or text.

Both hold the code alone, nothing that names the office or the person: a phone may be searched.
They are data: URLs inside the receipt page, since the code exists in clear only in that response.
"""

import base64
import io
from urllib.parse import quote

from PIL import Image, ImageDraw, ImageFont

IMAGE_SIZE = (640, 160)
FONT_PIXELS = 56


def image_data_url(code: str) -> str:
    image = Image.new("L", IMAGE_SIZE, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT_PIXELS)
    centre = (IMAGE_SIZE[0] // 2, IMAGE_SIZE[1] // 2)
    draw.text(centre, code, fill=0, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def text_data_url(code: str) -> str:
    return "data:text/plain;charset=utf-8," + quote(code + "\n")
