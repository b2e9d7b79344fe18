"""Measure the photo pipeline against its budget (DESIGN.md, "Performance budgets").

Run from the project root: `python bench/photos.py` (`--json PATH` also writes the figures,
for bench/run.py). Budget: a 12-megapixel JPEG in
<= 250 ms and <= 80 MiB extra peak memory; a decompression bomb refused in <= 50 ms. An ingest
includes encrypting the sanitized image and thumbnail, as the private storage does on save.
"""

import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20
PHOTO_SIZE = (4000, 3000)


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def make_photo_jpeg() -> bytes:
    """A 12 Mpx JPEG that compresses like a camera photo: gradients, shapes, sensor noise."""
    from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter

    width, height = PHOTO_SIZE
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
    shapes = Image.new("L", PHOTO_SIZE, 90)
    draw = ImageDraw.Draw(shapes)
    for i in range(40):
        x, y = (i * 997) % width, (i * 613) % height
        draw.ellipse((x, y, x + 300 + i * 7, y + 200 + i * 5), fill=(i * 37) % 256)
    shapes = shapes.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise(PHOTO_SIZE, 24)
    red = ImageChops.add(gradient, noise, scale=2.0)
    green = ImageChops.add(shapes, noise, scale=2.0)
    blue = ImageChops.blend(gradient.rotate(180), shapes, 0.5)
    photo = Image.merge("RGB", (red, green, blue))
    exif = photo.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # held upright: the pipeline must turn it
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 53.0, 0.0)})
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def make_bomb_png(side: int) -> bytes:
    """A valid PNG of side x side black pixels, at most a few hundred KiB thanks to deflate."""
    row = b"\x00" + bytes((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def sanitize_and_encrypt(upload) -> None:
    """What storing a photo costs: the pipeline, then encryption of both files."""
    from cases import crypto
    from cases.photos import sanitize_photo

    sanitized = sanitize_photo(upload)
    crypto.encrypt(sanitized.image)
    crypto.encrypt(sanitized.thumbnail)


def ingest(data: bytes) -> None:
    sanitize_and_encrypt(io.BytesIO(data))


def refuse(data: bytes) -> None:
    from cases.photos import PhotoRejected, sanitize_photo

    try:
        sanitize_photo(io.BytesIO(data))
    except PhotoRejected:
        return
    raise SystemExit("The decompression bomb was accepted.")


def milliseconds(call, data: bytes, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call(data)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def peak_rss_kib() -> int:
    """Peak resident memory of this process, in KiB.

    Linux carries ru_maxrss over exec from the parent (which built a 12 Mpx image), so
    a fresh child reads its own high-water mark, VmHWM, where there is one.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_memory_child(path: str) -> None:
    """In a fresh process: print the peak RSS growth of one ingest, in KiB."""
    from cases import crypto, photos  # noqa: F401 (imported before measuring, as in a worker)

    crypto.encrypt(b"warm-up")  # the cipher loaded too
    before = peak_rss_kib()
    # Like a TemporaryUploadedFile: the upload is on disk, reading it is part of the cost.
    with open(path, "rb") as upload:
        sanitize_and_encrypt(upload)
    print(peak_rss_kib() - before)


def peak_memory_mib(data: bytes) -> float:
    """Measured in a child, since Pillow allocates outside Python's tracked heap."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "photo.jpg"
        path.write_bytes(data)
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--peak-memory", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def worst_accepted_files() -> dict[str, bytes]:
    """For each kind of file decoded whole, the largest the pipeline accepts.

    Sized from the pipeline's own bound for its mode (photos._whole_decode_pixels), so that one
    pixel more would be refused; flat colour, since the decode's memory does not depend on it.
    """
    from PIL import Image

    from cases import photos

    kinds = {
        "PNG, RGB": ("RGB", "PNG", {}),
        "PNG, transparent RGBA": ("RGBA", "PNG", {}),
        "PNG, grey with alpha": ("LA", "PNG", {}),
        "PNG, palette with transparency": ("P", "PNG", {"transparency": 0}),
        "WebP, transparent RGBA": ("RGBA", "WEBP", {"quality": 10, "method": 0}),
        "HEIC, RGB": ("RGB", "HEIF", {"quality": 10}),
        "PNG, 16-bit grey": ("I;16", "PNG", {}),
    }
    files = {}
    for label, (mode, fmt, params) in kinds.items():
        probe = io.BytesIO()
        Image.new(mode, (8, 8)).save(probe, fmt, **params)
        bound = photos._whole_decode_pixels(Image.open(io.BytesIO(probe.getvalue())))
        side = min(math.isqrt(min(bound, photos.MAX_PIXELS)), 16383)  # WebP's largest side
        buffer = io.BytesIO()
        image = Image.new(mode, (side, side))
        save_params = params | ({"compress_level": 1} if fmt == "PNG" else {})
        image.save(buffer, fmt, **save_params)
        files[f"{label}, {side}x{side} ({side * side / 1e6:.1f} Mpx)"] = buffer.getvalue()
    return files


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    photo = make_photo_jpeg()
    # One refused by Pillow's own limit at open, one just over ours (50 Mpx).
    bombs = {side: make_bomb_png(side) for side in (30000, 7072)}
    milliseconds(ingest, photo, 2)  # warm up imports, allocator and caches
    rows = [("ingest 12 Mpx JPEG, encrypted (ms)", milliseconds(ingest, photo, RUNS), 250)]
    for side, bomb in bombs.items():
        label = f"refuse {side}x{side} PNG, {len(bomb) // 1024} KiB (ms)"
        rows.append((label, milliseconds(refuse, bomb, RUNS), 50))
    memory = peak_memory_mib(photo)
    worst = {label: peak_memory_mib(data) for label, data in worst_accepted_files().items()}

    width, height = PHOTO_SIZE
    print(f"{width}x{height} JPEG of {len(photo) / 2**20:.1f} MiB with EXIF; {RUNS} runs each")
    print(f"{'measure':<40}{'median':>9}{'p95':>9}{'budget':>9}")
    figures = []
    for label, timings, budget in rows:
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        figures.append({"measure": label, "median": median, "p95": p95, "budget": budget})
        print(f"{label:<40}{median:>9.2f}{p95:>9.2f}{budget:>9}")
    print(f"{'extra peak RSS, one ingest (MiB)':<40}{memory:>9.1f}{'':>9}{80:>9}")
    print("extra peak RSS of the worst accepted file of each kind decoded whole (MiB):")
    for label, mib in worst.items():
        print(f"  {label:<60}{mib:>9.1f}")
    if "--json" in sys.argv:
        # For bench/run.py, which folds these figures into its table.
        result = {
            "photo MiB": len(photo) / 2**20,
            "rows": figures,
            "peak MiB": memory,
            "worst accepted peak MiB": worst,
        }
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    setup_django()
    if sys.argv[1:2] == ["--peak-memory"]:
        peak_memory_child(sys.argv[2])
    else:
        main()
